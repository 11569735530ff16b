package dev.ducklift.ducklake.read;

import dev.ducklift.core.DuckliftException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Builds the DuckDB SQL that reads one table at one snapshot: Parquet files mapped by field id,
 * cast to the catalog types, with deletes applied, plus the inlined rows (copied into the engine
 * first, because they live in the catalog database).
 */
final class TableScan {
  /** Name of the row id column in scan output. */
  static final String ROW_ID = "__ducklake_rowid";

  static final String INTERNAL_SCHEMA = "__ducklake";

  private final LakeReader reader;
  private final Connection engine;
  private final LakeTable table;
  private final long snapshot;
  private final String tag;

  private TableScan(
      LakeReader reader, Connection engine, LakeTable table, long snapshot, String tag) {
    this.reader = reader;
    this.engine = engine;
    this.table = table;
    this.snapshot = snapshot;
    this.tag = tag;
  }

  /**
   * The SELECT reading {@code table}'s data as of {@code snapshot}, shaped as {@code
   * table.columns()} (which may come from another snapshot: files are mapped by column id).
   *
   * @param tag unique among scans of one engine; names the engine tables holding inlined rows
   */
  static String sql(
      LakeReader reader,
      Connection engine,
      LakeTable table,
      long snapshot,
      boolean withRowId,
      String tag) {
    return new TableScan(reader, engine, table, snapshot, tag).build(withRowId, true);
  }

  /** Like {@link #sql}, but only the inlined rows (never the Parquet files). */
  static String inlinedSql(
      LakeReader reader, Connection engine, LakeTable table, long snapshot, String tag) {
    return new TableScan(reader, engine, table, snapshot, tag).build(true, false);
  }

  private String build(boolean withRowId, boolean withFiles) {
    List<String> parts = new ArrayList<>();
    if (withFiles) {
      parts.addAll(parquetParts());
    }
    parts.addAll(inlinedParts());
    StringBuilder projection = new StringBuilder();
    for (LakeColumn c : table.columns()) {
      if (projection.length() > 0) {
        projection.append(", ");
      }
      projection.append(Sql.ident(c.name()));
    }
    if (withRowId) {
      projection.append(projection.length() > 0 ? ", " : "").append(Sql.ident(ROW_ID));
    }
    if (parts.isEmpty()) {
      StringBuilder empty = new StringBuilder("SELECT ");
      for (LakeColumn c : table.columns()) {
        empty
            .append("CAST(NULL AS ")
            .append(c.duckdbType())
            .append(") AS ")
            .append(Sql.ident(c.name()))
            .append(", ");
      }
      empty.append("CAST(NULL AS BIGINT) AS ").append(Sql.ident(ROW_ID)).append(" WHERE false");
      parts.add(empty.toString());
    }
    return "SELECT " + projection + " FROM (" + String.join(" UNION ALL ", parts) + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Parquet files

  private List<String> parquetParts() {
    List<DataFile> files = reader.dataFiles(table, snapshot);
    if (files.isEmpty()) {
      return List.of();
    }
    if (reader.encrypted()) {
      throw new DuckliftException(
          "Table "
              + table.qualifiedName()
              + " belongs to an encrypted lake; Ducklift does not"
              + " decrypt DuckLake Parquet files");
    }
    String inlinedDeletes = inlinedDeleteTable();
    Map<String, List<DataFile>> groups = new LinkedHashMap<>();
    Map<String, ParquetNode> schemas = new LinkedHashMap<>();
    for (DataFile f : files) {
      if (f.mappingId() != null) {
        throw new DuckliftException(
            "Data file "
                + f.path()
                + " of table "
                + table.qualifiedName()
                + " uses a name mapping (ducklake_add_data_files), which is not supported yet");
      }
      ParquetNode schema = reader.parquetSchema(engine, f.path());
      String key = schema.signature();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      schemas.putIfAbsent(key, schema);
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, List<DataFile>> group : groups.entrySet()) {
      parts.add(groupSql(schemas.get(group.getKey()), group.getValue(), inlinedDeletes));
    }
    return parts;
  }

  private String groupSql(ParquetNode schema, List<DataFile> files, String inlinedDeletes) {
    StringBuilder select = new StringBuilder("SELECT ");
    boolean byId = schema.hasFieldIds();
    List<ParquetNode> physical = schema.children();
    for (int i = 0; i < table.columns().size(); i++) {
      LakeColumn c = table.columns().get(i);
      ParquetNode p =
          byId ? schema.childByFieldId(c.id()) : (i < physical.size() ? physical.get(i) : null);
      select.append(expression(c, p, p == null ? null : "p." + Sql.ident(p.name()), 0));
      select.append(" AS ").append(Sql.ident(c.name())).append(", ");
    }
    ParquetNode rowIdColumn =
        schema.internalColumn(ParquetNode.ROW_ID_FIELD, "_ducklake_internal_row_id");
    ParquetNode snapshotColumn =
        schema.internalColumn(ParquetNode.SNAPSHOT_ID_FIELD, "_ducklake_internal_snapshot_id");
    if (rowIdColumn != null) {
      select.append("CAST(p.").append(Sql.ident(rowIdColumn.name())).append(" AS BIGINT)");
    } else {
      select.append("f.__dl_row_start + p.file_row_number");
    }
    select.append(" AS ").append(Sql.ident(ROW_ID));
    StringBuilder values = new StringBuilder();
    StringBuilder paths = new StringBuilder();
    for (DataFile f : files) {
      if (values.length() > 0) {
        values.append(", ");
        paths.append(", ");
      }
      String local = Sql.literal(reader.readable(f.path()));
      paths.append(local);
      values
          .append('(')
          .append(local)
          .append(", ")
          .append(f.id())
          .append(", CAST(")
          .append(f.rowIdStart() == null ? "NULL" : f.rowIdStart().toString())
          .append(" AS BIGINT))");
    }
    select
        .append(" FROM read_parquet([")
        .append(paths)
        .append("], filename = '__dl_file', file_row_number = true, hive_partitioning = false) p")
        .append(" JOIN (VALUES ")
        .append(values)
        .append(") f(__dl_path, __dl_fid, __dl_row_start) ON p.__dl_file = f.__dl_path");
    List<String> conditions = new ArrayList<>();
    if (snapshotColumn != null) {
      conditions.add("p." + Sql.ident(snapshotColumn.name()) + " <= " + snapshot);
    }
    String deletes = deleteSql(files, inlinedDeletes);
    if (deletes != null) {
      conditions.add(
          "NOT EXISTS (SELECT 1 FROM ("
              + deletes
              + ") d WHERE d.fid = f.__dl_fid AND d.pos = p.file_row_number)");
    }
    if (!conditions.isEmpty()) {
      select.append(" WHERE ").append(String.join(" AND ", conditions));
    }
    return select.toString();
  }

  /** SQL listing (fid, pos) of deleted rows of these files, or null when none are deleted. */
  private String deleteSql(List<DataFile> files, String inlinedDeletes) {
    List<String> sources = new ArrayList<>();
    Map<Boolean, List<DataFile>> byTagging = new LinkedHashMap<>();
    for (DataFile f : files) {
      DeleteFile d = f.deleteFile();
      if (d == null) {
        continue;
      }
      if (!"parquet".equals(d.format().toLowerCase(Locale.ROOT))) {
        throw new DuckliftException(
            "Delete file "
                + d.path()
                + " of table "
                + table.qualifiedName()
                + " has format '"
                + d.format()
                + "', which is not supported (only parquet)");
      }
      ParquetNode schema = reader.parquetSchema(engine, d.path());
      boolean tagged = schema.childByName("_ducklake_internal_snapshot_id") != null;
      byTagging.computeIfAbsent(tagged, k -> new ArrayList<>()).add(f);
    }
    for (Map.Entry<Boolean, List<DataFile>> e : byTagging.entrySet()) {
      StringBuilder paths = new StringBuilder();
      StringBuilder values = new StringBuilder();
      for (DataFile f : e.getValue()) {
        if (paths.length() > 0) {
          paths.append(", ");
          values.append(", ");
        }
        String local = Sql.literal(reader.readable(f.deleteFile().path()));
        paths.append(local);
        values.append('(').append(local).append(", ").append(f.id()).append(')');
      }
      StringBuilder sql =
          new StringBuilder(
                  "SELECT x.__dl_fid AS fid, CAST(q.pos AS BIGINT) AS pos FROM read_parquet([")
              .append(paths)
              .append("], filename = '__dl_file', hive_partitioning = false) q JOIN (VALUES ")
              .append(values)
              .append(") x(__dl_path, __dl_fid) ON q.__dl_file = x.__dl_path");
      if (e.getKey()) {
        sql.append(" WHERE q._ducklake_internal_snapshot_id <= ").append(snapshot);
      }
      sources.add(sql.toString());
    }
    if (inlinedDeletes != null) {
      sources.add("SELECT fid, pos FROM " + inlinedDeletes);
    }
    return sources.isEmpty() ? null : String.join(" UNION ALL ", sources);
  }

  /** Copies the inlined deletions visible at the snapshot into the engine; null when none. */
  private String inlinedDeleteTable() {
    List<InlinedDelete> deletes = reader.inlinedDeletes(table.id(), snapshot);
    if (deletes.isEmpty()) {
      return null;
    }
    String name = INTERNAL_SCHEMA + "." + Sql.ident("del_" + tag);
    execute("CREATE OR REPLACE TABLE " + name + " (fid BIGINT, pos BIGINT)");
    try (DuckDBAppender appender = appender("del_" + tag)) {
      for (InlinedDelete d : deletes) {
        appender.beginRow().append(d.dataFileId()).append(d.position()).endRow();
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot load inlined deletes of table " + table.qualifiedName() + ": " + e.getMessage(),
          e);
    }
    return name;
  }

  /**
   * The expression reading catalog column {@code c} from physical node {@code p} (referenced by
   * {@code ref}); columns absent from the file read as their initial default.
   */
  private String expression(LakeColumn c, ParquetNode p, String ref, int depth) {
    if (p == null) {
      return defaultExpression(c);
    }
    String type = c.type().toLowerCase(Locale.ROOT);
    switch (type) {
      case "struct":
        {
          if (p.kind() != ParquetNode.Kind.STRUCT) {
            throw mismatch(c, p);
          }
          StringBuilder sb =
              new StringBuilder("CASE WHEN ")
                  .append(ref)
                  .append(" IS NULL THEN NULL ELSE struct_pack(");
          boolean byId = p.hasFieldIds();
          for (int i = 0; i < c.children().size(); i++) {
            LakeColumn child = c.children().get(i);
            ParquetNode pc =
                byId
                    ? p.childByFieldId(child.id())
                    : (i < p.children().size() ? p.children().get(i) : null);
            if (i > 0) {
              sb.append(", ");
            }
            sb.append(Sql.ident(child.name())).append(" := ");
            sb.append(
                expression(
                    child,
                    pc,
                    pc == null
                        ? null
                        : "struct_extract(" + ref + ", " + Sql.literal(pc.name()) + ")",
                    depth));
          }
          return sb.append(") END").toString();
        }
      case "list":
        {
          if (p.kind() != ParquetNode.Kind.LIST) {
            throw mismatch(c, p);
          }
          String var = "__dl_x" + depth;
          return "list_transform("
              + ref
              + ", lambda "
              + var
              + ": "
              + expression(c.children().get(0), p.children().get(0), var, depth + 1)
              + ")";
        }
      case "map":
        {
          if (p.kind() != ParquetNode.Kind.MAP) {
            throw mismatch(c, p);
          }
          String var = "__dl_x" + depth;
          return "CASE WHEN "
              + ref
              + " IS NULL THEN NULL ELSE map_from_entries(list_transform(map_entries("
              + ref
              + "), lambda "
              + var
              + ": struct_pack(key := "
              + expression(
                  c.children().get(0),
                  p.children().get(0),
                  "struct_extract(" + var + ", 'key')",
                  depth + 1)
              + ", value := "
              + expression(
                  c.children().get(1),
                  p.children().get(1),
                  "struct_extract(" + var + ", 'value')",
                  depth + 1)
              + "))) END";
        }
      default:
        if (p.kind() != ParquetNode.Kind.PRIMITIVE) {
          throw mismatch(c, p);
        }
        return "CAST(" + ref + " AS " + c.duckdbType() + ")";
    }
  }

  private DuckliftException mismatch(LakeColumn c, ParquetNode p) {
    return new DuckliftException(
        "Column '"
            + c.name()
            + "' (id "
            + c.id()
            + ") of table "
            + table.qualifiedName()
            + " has type "
            + c.type()
            + " but a data file stores it as "
            + p.kind());
  }

  static String defaultExpression(LakeColumn c) {
    if (c.initialDefault() == null || c.isNested()) {
      return "CAST(NULL AS " + c.duckdbType() + ")";
    }
    return "CAST(" + Sql.literal(c.initialDefault()) + " AS " + c.duckdbType() + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Inlined rows

  private List<String> inlinedParts() {
    List<String> parts = new ArrayList<>();
    int k = 0;
    for (InlinedDataTable inlined : reader.inlinedDataTables(table.id())) {
      String part = inlinedPart(inlined, k++);
      if (part != null) {
        parts.add(part);
      }
    }
    return parts;
  }

  private String inlinedPart(InlinedDataTable inlined, int k) {
    List<String> names = new ArrayList<>();
    for (String n : reader.inlinedColumns(inlined)) {
      String lower = n.toLowerCase(Locale.ROOT);
      if (!lower.equals("row_id")
          && !lower.equals("begin_snapshot")
          && !lower.equals("end_snapshot")
          && !lower.startsWith("_ducklake_")) {
        names.add(n);
      }
    }
    // Only columns of the version that still exist (by id) in the requested shape are needed.
    Map<Long, String> physicalById = new LinkedHashMap<>();
    Map<Long, LakeColumn> oldById = new LinkedHashMap<>();
    for (String n : names) {
      LakeColumn old = inlined.columns().get(n);
      if (old != null) {
        physicalById.put(old.id(), n);
        oldById.put(old.id(), old);
      }
    }
    List<Long> loaded = new ArrayList<>();
    StringBuilder catalogSql = new StringBuilder("SELECT row_id");
    for (LakeColumn c : table.columns()) {
      String n = physicalById.get(c.id());
      if (n != null) {
        loaded.add(c.id());
        catalogSql.append(", ").append(textExpression(Sql.ident(n), oldById.get(c.id())));
      }
    }
    catalogSql
        .append(" FROM ")
        .append(reader.catalogTable(inlined.name()))
        .append(" WHERE ")
        .append(LakeReader.visible(""))
        .append(" ORDER BY row_id");
    String engineTable = "inl_" + tag + "_" + k;
    StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TABLE ");
    ddl.append(INTERNAL_SCHEMA)
        .append('.')
        .append(Sql.ident(engineTable))
        .append(" (row_id BIGINT");
    for (int i = 0; i < loaded.size(); i++) {
      ddl.append(", v").append(i).append(" VARCHAR");
    }
    ddl.append(')');
    long rows = 0;
    try (PreparedStatement ps =
        reader.catalogConnection().prepareStatement(catalogSql.toString())) {
      ps.setLong(1, snapshot);
      ps.setLong(2, snapshot);
      try (ResultSet rs = ps.executeQuery()) {
        execute(ddl.toString());
        try (DuckDBAppender appender = appender(engineTable)) {
          while (rs.next()) {
            rows++;
            appender.beginRow().append(rs.getLong(1));
            for (int i = 0; i < loaded.size(); i++) {
              String v = rs.getString(i + 2);
              if (v == null) {
                appender.appendNull();
              } else {
                appender.append(v);
              }
            }
            appender.endRow();
          }
        }
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read inlined rows of table "
              + table.qualifiedName()
              + " from "
              + inlined.name()
              + " at snapshot "
              + snapshot
              + ": "
              + e.getMessage(),
          e);
    }
    if (rows == 0) {
      return null;
    }
    StringBuilder select = new StringBuilder("SELECT ");
    for (LakeColumn c : table.columns()) {
      int index = loaded.indexOf(c.id());
      if (index < 0) {
        select.append(defaultExpression(c));
      } else {
        LakeColumn old = oldById.get(c.id());
        String value = "v" + index;
        String typed =
            old.type().equalsIgnoreCase("blob")
                ? "unhex(" + value + ")"
                : "CAST(" + value + " AS " + old.duckdbType() + ")";
        select.append("CAST(").append(typed).append(" AS ").append(c.duckdbType()).append(')');
      }
      select.append(" AS ").append(Sql.ident(c.name())).append(", ");
    }
    select
        .append("row_id AS ")
        .append(Sql.ident(ROW_ID))
        .append(" FROM ")
        .append(INTERNAL_SCHEMA)
        .append('.')
        .append(Sql.ident(engineTable));
    return select.toString();
  }

  /** Catalog-side SQL turning an inlined value into text that DuckDB casts back exactly. */
  private String textExpression(String column, LakeColumn type) {
    String t = type.type().toLowerCase(Locale.ROOT);
    if (reader.dialect() == LakeReader.Dialect.POSTGRES) {
      return switch (t) {
        case "varchar", "json" -> "convert_from(" + column + ", 'UTF8')";
        case "blob" -> "encode(" + column + ", 'hex')";
        default -> "CAST(" + column + " AS TEXT)";
      };
    }
    return t.equals("blob") ? "hex(" + column + ")" : "CAST(" + column + " AS VARCHAR)";
  }

  /** An appender on an internal table of the engine's current database. */
  private DuckDBAppender appender(String internalTable) throws SQLException {
    String database;
    try (Statement st = engine.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_database()")) {
      rs.next();
      database = rs.getString(1);
    }
    return engine
        .unwrap(DuckDBConnection.class)
        .createAppender(database, INTERNAL_SCHEMA, internalTable);
  }

  private void execute(String sql) {
    try (Statement st = engine.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new DuckliftException(
          "Engine statement failed for table " + table.qualifiedName() + ": " + e.getMessage(), e);
    }
  }
}
