package dev.ducklift.ducklake.read;

import dev.ducklift.core.DuckliftException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An in-process DuckDB in which every table of one snapshot is a view {@code "schema"."table"}.
 *
 * <p>Views read the Parquet files lazily; inlined rows and inlined deletes are copied from the
 * catalog when the session opens. The session owns its DuckDB and must be closed. Not thread-safe.
 */
public final class LakeSession implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LakeSession.class);
  private final LakeReader reader;
  private final Snapshot snapshot;
  private final Connection engine;
  private final String database;
  private final List<LakeTable> tables;
  private final java.util.Map<String, String> unreadable = new java.util.LinkedHashMap<>();
  private int scans;

  LakeSession(LakeReader reader, Snapshot snapshot) {
    this.reader = reader;
    this.snapshot = snapshot;
    try {
      LakeReader.SessionEngine opened = reader.openSessionEngine();
      this.engine = opened.connection();
      this.database = opened.database();
    } catch (SQLException e) {
      throw new DuckliftException("Cannot open an in-process DuckDB: " + e.getMessage(), e);
    }
    try {
      execute("CREATE SCHEMA " + TableScan.INTERNAL_SCHEMA);
      this.tables = reader.tables(snapshot.id());
      Set<String> schemas = new HashSet<>();
      for (LakeTable table : tables) {
        if (schemas.add(table.schemaName())) {
          execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(table.schemaName()));
        }
        String relation = Sql.ident(table.schemaName()) + "." + Sql.ident(table.name());
        try {
          execute("CREATE VIEW " + relation + " AS " + scanSql(table, snapshot.id(), false));
        } catch (DuckliftException e) {
          // One unreadable table (a missing file, an unsupported feature) must not hide the
          // others: its view fails with the reason when it is queried.
          String reason =
              "Table "
                  + table.qualifiedName()
                  + " cannot be read at snapshot "
                  + snapshot.id()
                  + ": "
                  + e.getMessage();
          LOG.warn("{}", reason);
          unreadable.put(table.qualifiedName(), reason);
          execute("CREATE OR REPLACE VIEW " + relation + " AS " + failingScan(table, reason));
        }
      }
      for (LakeView view : reader.views(snapshot.id())) {
        createView(view, schemas);
      }
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  /**
   * Exposes a DuckDB-dialect lake view. A view that cannot be bound here (another dialect, or SQL
   * this DuckDB does not accept) is left out rather than failing the whole session.
   */
  private void createView(LakeView view, Set<String> schemas) {
    if (!"duckdb".equalsIgnoreCase(view.dialect())) {
      LOG.warn("View {} has dialect {}; it is not exposed", view.qualifiedName(), view.dialect());
      return;
    }
    if (schemas.add(view.schemaName())) {
      execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(view.schemaName()));
    }
    StringBuilder aliases = new StringBuilder();
    for (String alias : view.columnAliases()) {
      aliases.append(aliases.length() == 0 ? "(" : ", ").append(Sql.ident(alias));
    }
    if (aliases.length() > 0) {
      aliases.append(')');
    }
    String sql = view.sql().replace("{DUCKLAKE_CATALOG}", Sql.ident(currentDatabase()));
    try {
      execute(
          "CREATE VIEW "
              + Sql.ident(view.schemaName())
              + "."
              + Sql.ident(view.name())
              + aliases
              + " AS "
              + sql);
    } catch (DuckliftException e) {
      LOG.warn("View {} cannot be exposed: {}", view.qualifiedName(), e.getMessage());
    }
  }

  private String currentDatabase() {
    try (Statement st = engine.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_database()")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new DuckliftException("Cannot read the session database name: " + e.getMessage(), e);
    }
  }

  static Connection openEngine() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  /** The snapshot this session shows. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /**
   * Tables of the snapshot that could not be exposed, with the reason (by {@code schema.table});
   * their views fail with that reason when queried. Empty when every table is readable.
   */
  public java.util.Map<String, String> unreadableTables() {
    return java.util.Collections.unmodifiableMap(unreadable);
  }

  private static String failingScan(LakeTable table, String reason) {
    StringBuilder sb = new StringBuilder("SELECT ");
    for (LakeColumn c : table.columns()) {
      sb.append("CAST(NULL AS ").append(c.duckdbType()).append(") AS ").append(Sql.ident(c.name()));
      sb.append(", ");
    }
    return sb.append("NULL AS ")
        .append(Sql.ident(TableScan.ROW_ID))
        .append(" WHERE error(")
        .append(Sql.literal(reason))
        .append(") IS NULL")
        .toString();
  }

  /** The tables of the snapshot (each is a view here). */
  public List<LakeTable> tables() {
    return tables;
  }

  /**
   * The DuckDB connection holding the views; valid until {@link #close()}. Callers may run any SQL
   * on it (it is a private in-memory database).
   */
  public Connection connection() {
    return engine;
  }

  /** Runs a query (with optional positional parameters) and reads all rows. */
  public QueryResult sql(String sql, Object... params) {
    try (PreparedStatement ps = engine.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return read(rs);
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Query on the lake at snapshot " + snapshot.id() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The SELECT reading a table of this session at another snapshot (same column shape), with a
   * trailing row id column named {@code __ducklake_rowid} when {@code withRowId}. Inlined rows are
   * copied into this session's DuckDB.
   */
  public String scanSql(LakeTable table, long snapshotId, boolean withRowId) {
    return TableScan.sql(reader, engine, table, snapshotId, withRowId, "s" + (scans++));
  }

  /** See {@link LakeReader#tableChanges(String, String, long, long)}. */
  public QueryResult tableChanges(
      String schemaName, String tableName, long fromSnapshot, long toSnapshot) {
    if (fromSnapshot > toSnapshot) {
      throw new DuckliftException(
          "Table changes need from <= to, got " + fromSnapshot + " > " + toSnapshot);
    }
    LakeTable table = reader.requireTable(toSnapshot, schemaName, tableName);
    List<Snapshot> range = new ArrayList<>();
    Snapshot base = null;
    for (Snapshot s : reader.snapshots()) {
      if (s.id() < fromSnapshot) {
        base = s;
      } else if (s.id() <= toSnapshot) {
        range.add(s);
      }
    }
    StringBuilder columns = new StringBuilder();
    for (LakeColumn c : table.columns()) {
      columns.append(", ").append(Sql.ident(c.name()));
    }
    List<String> parts = new ArrayList<>();
    Long previous = base == null ? null : base.id();
    for (Snapshot s : range) {
      if (touches(s, table.id())) {
        String after = scanSql(table, s.id(), true);
        String before =
            previous == null || !existedAt(table, previous)
                ? emptyScan(table)
                : scanSql(table, previous, true);
        String body = " FROM ((" + after + ") EXCEPT ALL (" + before + "))";
        parts.add(
            "SELECT CAST("
                + s.id()
                + " AS BIGINT) AS snapshot_id, "
                + TableScan.ROW_ID
                + " AS rowid, 'insert' AS change_type"
                + columns
                + body);
        String bodyDeleted = " FROM ((" + before + ") EXCEPT ALL (" + after + "))";
        parts.add(
            "SELECT CAST("
                + s.id()
                + " AS BIGINT) AS snapshot_id, "
                + TableScan.ROW_ID
                + " AS rowid, 'delete' AS change_type"
                + columns
                + bodyDeleted);
      }
      previous = s.id();
    }
    if (parts.isEmpty()) {
      parts.add(
          "SELECT CAST(NULL AS BIGINT) AS snapshot_id, CAST(NULL AS BIGINT) AS rowid,"
              + " CAST(NULL AS VARCHAR) AS change_type"
              + columns
              + " FROM ("
              + emptyScan(table)
              + ") WHERE false");
    }
    return sql(
        "SELECT * FROM ("
            + String.join(" UNION ALL ", parts)
            + ") ORDER BY snapshot_id, rowid, change_type");
  }

  private boolean existedAt(LakeTable table, long snapshotId) {
    for (LakeTable t : reader.tables(snapshotId)) {
      if (t.id() == table.id()) {
        return true;
      }
    }
    return false;
  }

  private static String emptyScan(LakeTable table) {
    StringBuilder sb = new StringBuilder("SELECT ");
    for (LakeColumn c : table.columns()) {
      sb.append("CAST(NULL AS ")
          .append(c.duckdbType())
          .append(") AS ")
          .append(Sql.ident(c.name()))
          .append(", ");
    }
    return sb.append("CAST(NULL AS BIGINT) AS ")
        .append(TableScan.ROW_ID)
        .append(" WHERE false")
        .toString();
  }

  private static boolean touches(Snapshot s, long tableId) {
    for (SnapshotChange change : s.changes()) {
      switch (change.type()) {
        case "inserted_into_table", "deleted_from_table", "inlined_insert", "inlined_delete" -> {
          if (change.hasId() && change.id() == tableId) {
            return true;
          }
        }
        default -> {}
      }
    }
    return false;
  }

  static QueryResult read(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<String> columns = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      columns.add(md.getColumnLabel(i));
      types.add(md.getColumnTypeName(i));
    }
    List<List<Object>> rows = new ArrayList<>();
    while (rs.next()) {
      List<Object> row = new ArrayList<>(columns.size());
      for (int i = 1; i <= columns.size(); i++) {
        row.add(rs.getObject(i));
      }
      rows.add(row);
    }
    return new QueryResult(columns, types, rows);
  }

  private void execute(String sql) {
    try (Statement st = engine.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new DuckliftException("Engine statement failed: " + e.getMessage(), e);
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (DuckliftException ignored) {
      // The original failure is what matters to the caller.
    }
  }

  /**
   * Drops the session's views and in-memory tables. Close sessions before their reader: the
   * reader's DuckDB holds them.
   */
  @Override
  public void close() {
    try (Statement st = engine.createStatement()) {
      st.execute("USE memory");
      st.execute("DETACH DATABASE IF EXISTS " + Sql.ident(database));
    } catch (SQLException e) {
      // Closing the connection below still releases the session; a database left attached is
      // dropped with the reader's DuckDB.
      LOG.debug("Cannot detach session database {}", database, e);
    }
    try {
      engine.close();
    } catch (SQLException e) {
      throw new DuckliftException("Cannot close the session's DuckDB: " + e.getMessage(), e);
    }
  }
}
