package dev.ducklift.ducklake.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Catalog writes of one commit attempt, collected and sent together.
 *
 * <p>On PostgreSQL the statements go out as one multi-statement prepared statement, which the
 * driver sends in a single round trip; a commit otherwise pays one round trip per statement while
 * every other writer waits for its commit lock. Statements are sent in chunks so that a commit of
 * many files never makes one oversized message. On a DuckDB catalog (in process, no round trips)
 * consecutive statements of the same text share one prepared statement.
 */
final class CatalogBatch {
  /** Statements per PostgreSQL round trip; bounds the size of one message. */
  private static final int CHUNK = 256;

  /** A typed SQL NULL, so that the driver sends the parameter's type. */
  record Null(int sqlType) {}

  static final Null NULL_BOOLEAN = new Null(Types.BOOLEAN);
  static final Null NULL_BIGINT = new Null(Types.BIGINT);
  static final Null NULL_VARCHAR = new Null(Types.VARCHAR);

  private record Entry(String sql, Object[] params) {}

  private final boolean multiStatement;
  private final List<Entry> entries = new ArrayList<>();

  CatalogBatch(boolean multiStatement) {
    this.multiStatement = multiStatement;
  }

  /** Adds a statement; parameters are Long, String, Boolean or {@link Null}. */
  void add(String sql, Object... params) {
    entries.add(new Entry(sql, params.clone()));
  }

  static Object orNull(Long v) {
    return v == null ? NULL_BIGINT : v;
  }

  static Object orNull(Boolean v) {
    return v == null ? NULL_BOOLEAN : v;
  }

  static Object orNull(String v) {
    return v == null ? NULL_VARCHAR : v;
  }

  /** Sends every statement added so far and empties the batch. */
  void flush(Connection c) throws SQLException {
    try {
      if (multiStatement) {
        for (int from = 0; from < entries.size(); from += CHUNK) {
          sendTogether(c, entries.subList(from, Math.min(entries.size(), from + CHUNK)));
        }
      } else {
        sendGrouped(c);
      }
    } finally {
      entries.clear();
    }
  }

  /**
   * Sends every statement added so far followed by {@code COMMIT}, in one round trip (the last
   * chunk carries the COMMIT). Only for the multi-statement form: if a statement fails, the server
   * skips the rest, COMMIT included, and the transaction stays open for a rollback.
   */
  void flushAndCommit(Connection c) throws SQLException {
    if (!multiStatement) {
      throw new IllegalStateException("COMMIT travels with the statements only on PostgreSQL");
    }
    entries.add(new Entry("COMMIT", new Object[0]));
    flush(c);
  }

  private static void sendTogether(Connection c, List<Entry> chunk) throws SQLException {
    StringBuilder sql = new StringBuilder();
    for (Entry e : chunk) {
      if (sql.length() > 0) {
        sql.append(";\n");
      }
      sql.append(e.sql());
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      for (Entry e : chunk) {
        for (Object p : e.params()) {
          bind(ps, i++, p);
        }
      }
      ps.execute();
      // drain every result so that an error of a later statement surfaces here
      while (ps.getMoreResults() || ps.getUpdateCount() != -1) {
        // nothing to read: the statements are inserts and updates
      }
    }
  }

  private void sendGrouped(Connection c) throws SQLException {
    int i = 0;
    while (i < entries.size()) {
      String sql = entries.get(i).sql();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        while (i < entries.size() && entries.get(i).sql().equals(sql)) {
          Object[] params = entries.get(i).params();
          for (int p = 0; p < params.length; p++) {
            bind(ps, p + 1, params[p]);
          }
          ps.addBatch();
          i++;
        }
        ps.executeBatch();
      }
    }
  }

  private static void bind(PreparedStatement ps, int i, Object p) throws SQLException {
    if (p instanceof Null n) {
      ps.setNull(i, n.sqlType());
    } else if (p instanceof Long l) {
      ps.setLong(i, l);
    } else if (p instanceof Integer n) {
      ps.setLong(i, n);
    } else if (p instanceof String s) {
      ps.setString(i, s);
    } else if (p instanceof Boolean b) {
      ps.setBoolean(i, b);
    } else {
      throw new IllegalArgumentException(
          "Unsupported catalog parameter type " + Arrays.toString(new Object[] {p}));
    }
  }
}
