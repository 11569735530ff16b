package dev.ducklift.core.testing;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.spi.StagedTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A small destination for tests: a plain DuckDB file with one table per normalized table, a {@code
 * _dl_state} table (pipeline, state JSON) and a {@code _dl_loads} table (pipeline, load id,
 * snapshot id). A promote writes rows, state and the load record in one DuckDB transaction.
 *
 * <p>Dispositions, simply: {@code append} inserts; {@code replace} deletes the table's rows first;
 * {@code insert-new} skips root rows whose key exists (and child rows whose {@code _dl_id} exists,
 * ids being derived from the key); {@code merge} deletes rows with a staged key (and their child
 * rows) before inserting. Duplicates inside one load keep the row with the greatest cursor (or the
 * last staged). Staged rows travel through a Parquet file, as a lake would receive them.
 */
public final class DuckDbTestDestination implements Destination {

  private final Path file;
  private final Path spool;
  private final Connection connection;

  public DuckDbTestDestination(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.spool = Files.createTempDirectory(file.toAbsolutePath().getParent(), "spool");
      this.connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
      try (Statement st = connection.createStatement()) {
        st.execute("CREATE TABLE IF NOT EXISTS _dl_state (pipeline VARCHAR, state VARCHAR)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS _dl_loads (pipeline VARCHAR, load_id VARCHAR,"
                + " snapshot_id BIGINT)");
      }
    } catch (Exception e) {
      throw new DuckliftException(
          "Cannot open test destination " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public String name() {
    return "duckdb-test";
  }

  @Override
  public synchronized java.util.Optional<PipelineState> restoreState(String pipelineName) {
    List<Map<String, Object>> rows =
        query(
            "SELECT state FROM _dl_state WHERE pipeline = '"
                + pipelineName.replace("'", "''")
                + "'");
    return rows.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(PipelineState.fromJson((String) rows.get(0).get("state")));
  }

  @Override
  public synchronized boolean isCommitted(String pipelineName, String loadId) {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT 1 FROM _dl_loads WHERE pipeline = ? AND load_id = ?")) {
      ps.setString(1, pipelineName);
      ps.setString(2, loadId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new DuckliftException("Test destination: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized PromoteResult promote(StagedLoad load) {
    if (isCommitted(load.pipelineName(), load.loadId())) {
      return new PromoteResult(OptionalLong.empty(), true, List.of());
    }
    Map<String, Path> files = new HashMap<>();
    try {
      for (StagedTable t : load.tables()) {
        Path parquet = spool.resolve(load.loadId() + "_" + t.name() + ".parquet");
        try (Statement st = load.staging().createStatement()) {
          st.execute(
              "COPY (SELECT * FROM "
                  + t.stagingRelation()
                  + ") TO '"
                  + parquet
                  + "' (FORMAT parquet)");
        }
        files.put(t.name(), parquet);
      }
      connection.setAutoCommit(false);
      List<PromoteResult.TableWriteResult> results = new ArrayList<>();
      Map<String, StagedTable> byName = new HashMap<>();
      try (Statement st = connection.createStatement()) {
        for (StagedTable t : load.tables()) {
          byName.put(t.name(), t);
          ensureTable(st, t.schema());
          results.add(write(st, t, byName, files.get(t.name())));
        }
        try (PreparedStatement del =
                connection.prepareStatement("DELETE FROM _dl_state WHERE pipeline = ?");
            PreparedStatement ins =
                connection.prepareStatement("INSERT INTO _dl_state VALUES (?, ?)")) {
          del.setString(1, load.pipelineName());
          del.executeUpdate();
          ins.setString(1, load.pipelineName());
          ins.setString(2, load.state().toJson());
          ins.executeUpdate();
        }
        long snapshot;
        try (ResultSet rs = st.executeQuery("SELECT count(*) + 1 FROM _dl_loads")) {
          rs.next();
          snapshot = rs.getLong(1);
        }
        try (PreparedStatement ins =
            connection.prepareStatement("INSERT INTO _dl_loads VALUES (?, ?, ?)")) {
          ins.setString(1, load.pipelineName());
          ins.setString(2, load.loadId());
          ins.setLong(3, snapshot);
          ins.executeUpdate();
        }
        connection.commit();
        return new PromoteResult(OptionalLong.of(snapshot), false, results);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Test destination cannot promote load " + load.loadId() + ": " + e.getMessage(), e);
    } finally {
      for (Path p : files.values()) {
        try {
          Files.deleteIfExists(p);
        } catch (java.io.IOException ignored) {
          // A leftover spool file is harmless in a test directory.
        }
      }
    }
  }

  private void ensureTable(Statement st, TableSchema schema) throws SQLException {
    Map<String, String> existing = new HashMap<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema ="
                + " 'main' AND table_name = '"
                + schema.name().replace("'", "''")
                + "'")) {
      while (rs.next()) {
        existing.put(rs.getString(1), rs.getString(2));
      }
    }
    if (existing.isEmpty()) {
      st.execute(
          "CREATE TABLE "
              + q(schema.name())
              + " ("
              + schema.columns().stream()
                  .map(c -> q(c.name()) + " " + c.type().duckdbType())
                  .collect(Collectors.joining(", "))
              + ")");
      return;
    }
    for (Column c : schema.columns()) {
      String type = existing.get(c.name());
      if (type == null) {
        st.execute(
            "ALTER TABLE "
                + q(schema.name())
                + " ADD COLUMN "
                + q(c.name())
                + " "
                + c.type().duckdbType());
      } else if (!type.equalsIgnoreCase(c.type().duckdbType())) {
        st.execute(
            "ALTER TABLE "
                + q(schema.name())
                + " ALTER COLUMN "
                + q(c.name())
                + " TYPE "
                + c.type().duckdbType());
      }
    }
  }

  private PromoteResult.TableWriteResult write(
      Statement st, StagedTable t, Map<String, StagedTable> byName, Path parquet)
      throws SQLException {
    String table = q(t.name());
    String source = "read_parquet('" + parquet + "')";
    String staged = "_dl_staged_" + Math.abs(t.name().hashCode());
    boolean root = !t.schema().isChild();
    List<String> key = root ? t.primaryKey() : List.of(TableSchema.ROW_ID);
    String order =
        t.cursorColumn() == null ? "" : " ORDER BY " + q(t.cursorColumn()) + " DESC NULLS LAST";
    st.execute("DROP TABLE IF EXISTS " + staged);
    if (!key.isEmpty() && t.writeDisposition() != WriteDisposition.APPEND) {
      String keys = key.stream().map(DuckDbTestDestination::q).collect(Collectors.joining(", "));
      st.execute(
          "CREATE TEMP TABLE "
              + staged
              + " AS SELECT * FROM "
              + source
              + " QUALIFY row_number() OVER (PARTITION BY "
              + keys
              + order
              + ") = 1");
    } else {
      st.execute("CREATE TEMP TABLE " + staged + " AS SELECT * FROM " + source);
    }
    long stagedRows = count(st, "SELECT count(*) FROM " + staged);
    long deleted = 0;
    long replaced = 0;
    long skipped = 0;
    String match =
        key.stream().map(k -> "d." + q(k) + " = s." + q(k)).collect(Collectors.joining(" AND "));
    switch (t.writeDisposition()) {
      case REPLACE -> deleted = st.executeUpdate("DELETE FROM " + table);
      case INSERT_NEW -> {
        skipped =
            st.executeUpdate(
                "DELETE FROM "
                    + staged
                    + " s WHERE EXISTS (SELECT 1 FROM "
                    + table
                    + " d WHERE "
                    + match
                    + ")");
      }
      case MERGE -> {
        if (root) {
          replaced =
              st.executeUpdate(
                  "DELETE FROM "
                      + table
                      + " d WHERE EXISTS (SELECT 1 FROM "
                      + staged
                      + " s WHERE "
                      + match
                      + ")");
        } else {
          StagedTable parent = byName.get(t.schema().parentTable());
          String parentStaged = "_dl_staged_" + Math.abs(parent.name().hashCode());
          deleted =
              st.executeUpdate(
                  "DELETE FROM "
                      + table
                      + " WHERE _dl_parent_id IN (SELECT _dl_id FROM "
                      + parentStaged
                      + ") OR _dl_parent_id NOT IN (SELECT _dl_id FROM "
                      + q(parent.name())
                      + ")");
        }
      }
      default -> {}
    }
    String columns =
        t.schema().columns().stream().map(c -> q(c.name())).collect(Collectors.joining(", "));
    long inserted =
        st.executeUpdate(
            "INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + staged);
    if (stagedRows != inserted + skipped) {
      throw new DuckliftException("Test destination miscounted table " + t.name());
    }
    return new PromoteResult.TableWriteResult(t.name(), inserted, skipped, replaced, deleted, "");
  }

  private static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Rows of a query, each as column name to value (for assertions). */
  public synchronized List<Map<String, Object>> query(String sql) {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnName(i), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new DuckliftException("Test destination query failed: " + e.getMessage(), e);
    }
  }

  /** The single value of a one-row, one-column query. */
  public Object scalar(String sql) {
    List<Map<String, Object>> rows = query(sql);
    return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
  }

  /** Rows in {@code table} (0 when it does not exist). */
  public long count(String table) {
    Object exists =
        scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = '"
                + table.replace("'", "''")
                + "'");
    if (((Number) exists).longValue() == 0) {
      return 0;
    }
    return ((Number) scalar("SELECT count(*) FROM " + q(table))).longValue();
  }

  /** Load ids committed for {@code pipelineName}, in commit order. */
  public List<String> committedLoads(String pipelineName) {
    return query(
            "SELECT load_id FROM _dl_loads WHERE pipeline = '"
                + pipelineName.replace("'", "''")
                + "' ORDER BY snapshot_id")
        .stream()
        .map(r -> (String) r.get("load_id"))
        .toList();
  }

  static String q(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new DuckliftException("Cannot close test destination " + file, e);
    }
  }
}
