package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.read.QueryResult;
import dev.ducklift.samples.orchestrate.Outcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Runs SQL (DuckDB dialect) over the lake: every lake table is a view \"schema\".\"table\""
          + " (tables of the main schema also unqualified).",
      "By default the latest snapshot is read; --snapshot or --at travel back in time."
    })
final class QueryCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Mixin LakeOptions lake;

  @Parameters(index = "0", paramLabel = "SQL", description = "The query.")
  String sql;

  @ArgGroup(exclusive = true)
  TimeTravel travel;

  static final class TimeTravel {
    @Option(
        names = "--snapshot",
        paramLabel = "ID",
        description = "Read the lake at this snapshot.")
    Long snapshot;

    @Option(
        names = "--at",
        paramLabel = "TIME",
        description = "Read the lake as it was at this ISO-8601 time (e.g. 2026-05-01T10:00:00Z).")
    String at;
  }

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    try (LakeOptions.Handle handle = lake.reader(main);
        LakeSession session = open(handle)) {
      QueryResult result;
      List<String> names;
      try {
        QueryResult described = describe(session, sql);
        if (described == null) {
          result = session.sql(sql);
          names = result.columns();
        } else {
          names = new ArrayList<>();
          StringBuilder select = new StringBuilder("SELECT ");
          for (int i = 0; i < described.rows().size(); i++) {
            List<Object> column = described.rows().get(i);
            names.add((String) column.get(0));
            select.append(i == 0 ? "" : ", ").append(display((String) column.get(1), i + 1));
          }
          result = session.sql(select + " FROM (" + body(sql) + ") AS q");
        }
      } catch (RuntimeException e) {
        throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
      }
      if (json) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("snapshot_id", session.snapshot().id());
        ArrayNode columns = node.putArray("columns");
        names.forEach(columns::add);
        ArrayNode rows = node.putArray("rows");
        for (List<Object> row : result.rows()) {
          ArrayNode r = rows.addArray();
          for (Object v : row) {
            addValue(r, v);
          }
        }
        main.out.println(node);
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
          List<String> cells = new ArrayList<>();
          for (Object v : row) {
            cells.add(
                v == null ? "NULL" : v instanceof java.sql.Blob b ? blobText(b) : v.toString());
          }
          rows.add(cells);
        }
        TextTable.print(main.out, names, rows);
        main.err.println("(snapshot " + session.snapshot().id() + ")");
      }
    }
    return 0;
  }

  /**
   * The query's column names and DuckDB types, or {@code null} for a statement that is not a query
   * (then its values print as the driver gives them).
   */
  private static QueryResult describe(LakeSession session, String sql) {
    try {
      return session.sql("DESCRIBE " + body(sql));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String body(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).stripTrailing();
    }
    return s;
  }

  /**
   * The select expression of column {@code position} of DuckDB type {@code type}: DuckDB's own text
   * for the table (so infinities, BC dates, {@code 24:00:00}, blobs and nested values print as
   * DuckDB prints them); for JSON, numbers and booleans as they are, blobs in base64, the rest as
   * DuckDB's text.
   */
  private String display(String type, int position) {
    String column = "#" + position;
    if (!json) {
      return "CAST(" + column + " AS VARCHAR)";
    }
    return switch (type) {
      case "BOOLEAN",
              "TINYINT",
              "SMALLINT",
              "INTEGER",
              "BIGINT",
              "HUGEINT",
              "UTINYINT",
              "USMALLINT",
              "UINTEGER",
              "UBIGINT",
              "UHUGEINT",
              "FLOAT",
              "DOUBLE" ->
          column;
      case "BLOB" -> "base64(" + column + ")";
      default -> type.startsWith("DECIMAL") ? column : "CAST(" + column + " AS VARCHAR)";
    };
  }

  /** A blob as DuckDB prints it: printable ASCII as is, every other byte as {@code \xHH}. */
  static String blobText(java.sql.Blob blob) {
    try {
      byte[] bytes = blob.getBytes(1, (int) blob.length());
      StringBuilder b = new StringBuilder(bytes.length * 4);
      for (byte x : bytes) {
        int v = x & 0xff;
        if (v >= 32 && v <= 126 && v != '\\' && v != '\'' && v != '"') {
          b.append((char) v);
        } else {
          b.append(String.format("\\x%02X", v));
        }
      }
      return b.toString();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("Cannot read a blob value: " + e.getMessage(), e);
    }
  }

  private LakeSession open(LakeOptions.Handle handle) {
    if (travel == null) {
      return handle.reader().latest();
    }
    if (travel.snapshot != null) {
      try {
        return handle.reader().at(travel.snapshot);
      } catch (RuntimeException e) {
        throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
      }
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(travel.at).toInstant();
    } catch (DateTimeParseException e) {
      try {
        time = Instant.parse(travel.at);
      } catch (DateTimeParseException e2) {
        throw new CliException(
            Outcome.USAGE_ERROR,
            "--at needs an ISO-8601 time with offset, got '" + travel.at + "'");
      }
    }
    try {
      return handle.reader().at(time);
    } catch (RuntimeException e) {
      throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
    }
  }

  private static void addValue(ArrayNode array, Object v) {
    if (v == null) {
      array.addNull();
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      array.add(((Number) v).longValue());
    } else if (v instanceof BigInteger b) {
      array.add(b);
    } else if (v instanceof BigDecimal d) {
      array.add(d);
    } else if (v instanceof Double || v instanceof Float) {
      array.add(((Number) v).doubleValue());
    } else if (v instanceof Boolean b) {
      array.add(b);
    } else if (v instanceof java.sql.Blob b) {
      try {
        array.add(java.util.Base64.getEncoder().encodeToString(b.getBytes(1, (int) b.length())));
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("Cannot read a blob value: " + e.getMessage(), e);
      }
    } else {
      array.add(v.toString());
    }
  }
}
