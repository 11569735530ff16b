package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.LoadNotPromotableException;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunFailedException;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.SchemaContract;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.QueryResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL table altered between runs as applications alter theirs: every change under {@code
 * evolve} loads and is reported, every change under {@code freeze} fails before staging naming the
 * column, and a staged load the destination rejects is discarded and read again.
 */
class SchemaChangesIT {
  private static PostgresFixture pg;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
    pg.execute("SET TIME ZONE 'UTC'", "ALTER DATABASE postgres SET timezone TO 'UTC'");
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  private static void create(String table) {
    pg.execute(
        "CREATE TABLE "
            + table
            + " (id int PRIMARY KEY, name varchar(20), score int, amount int, code int,"
            + " label varchar(10), ts timestamp, qty int NOT NULL, extra int,"
            + " updated_at timestamptz NOT NULL)");
  }

  /** Inserts row {@code id} with a value derived from the id in every column of its type. */
  private static void insert(String table, int id) {
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (String[] c : pgColumns(table)) {
      names.add(c[0]);
      values.add(
          switch (c[0]) {
            case "id" -> String.valueOf(id);
            case "updated_at" -> "clock_timestamp()";
            default ->
                switch (c[1]) {
                  case "integer" -> String.valueOf(id * 10);
                  case "bigint" -> String.valueOf(5_000_000_000L + id);
                  case "numeric" -> id + ".25";
                  case "text", "character varying" -> "'v" + id + "'";
                  case "timestamp without time zone" ->
                      "'2024-01-01 00:00:00'::timestamp + " + id + " * interval '90 minutes'";
                  case "timestamp with time zone" ->
                      "'2024-01-01 00:00:00+00'::timestamptz + " + id + " * interval '90 minutes'";
                  default -> throw new IllegalStateException(c[1]);
                };
          });
    }
    pg.execute(
        "INSERT INTO "
            + table
            + " ("
            + String.join(", ", names)
            + ") VALUES ("
            + String.join(", ", values)
            + ")");
  }

  private static void touchAll(String table) {
    pg.execute("UPDATE " + table + " SET updated_at = clock_timestamp()");
  }

  /** The table's columns in order: name and PostgreSQL data type. */
  private static List<String[]> pgColumns(String table) {
    List<String[]> columns = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '"
                    + table
                    + "' ORDER BY ordinal_position")) {
      while (rs.next()) {
        columns.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return columns;
  }

  private static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private Path lakeDir(String name) {
    return dir.resolve(name);
  }

  private DuckLakeDestination lake(String name) throws Exception {
    Files.createDirectories(lakeDir(name));
    return DuckLakeDestination.builder()
        .catalog(CatalogLocation.duckdb(lakeDir(name).resolve("catalog.ducklake")))
        .dataPath(lakeDir(name).resolve("data"))
        .build();
  }

  private QueryResult query(String name, String sql) {
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(lakeDir(name).resolve("catalog.ducklake")),
                lakeDir(name).resolve("data"));
        LakeReader reader = LakeReader.open(lake)) {
      return reader.sql(sql);
    }
  }

  private Pipeline pipeline(
      String name, String table, SchemaContract contract, Function<Destination, Destination> wrap)
      throws Exception {
    return Pipeline.builder(name)
        .workingDirectory(lakeDir(name).resolve("work"))
        .destination(wrap.apply(lake(name)))
        .source(
            pg.source("pg")
                .table(
                    JdbcTable.table("public." + table)
                        .timestamp("updated_at")
                        .writeDisposition(WriteDisposition.MERGE)
                        .schemaContract(contract)
                        .build())
                .build())
        .build();
  }

  private RunResult run(String name, String table, SchemaContract contract) throws Exception {
    try (Pipeline p = pipeline(name, table, contract, d -> d)) {
      return p.run();
    }
  }

  private static List<String> changes(RunResult result) {
    return result.tables().stream().flatMap(t -> t.schemaChanges().stream()).toList();
  }

  /**
   * Asserts that every row of the PostgreSQL table is in the lake with the same values: a source
   * column's lake value is that of its variant column where one holds it, else of the column
   * itself, else of the column it was renamed from ({@code renamed}: new name to old).
   */
  private void assertLakeEqualsSource(String name, String table, Map<String, String> renamed)
      throws SQLException {
    QueryResult shape = query(name, "SELECT * FROM main." + table + " LIMIT 0");
    List<String> pgSelect = new ArrayList<>();
    List<String> lakeSelect = new ArrayList<>();
    for (String[] c : pgColumns(table)) {
      boolean temporal = c[1].startsWith("timestamp");
      pgSelect.add(
          temporal
              ? "(extract(epoch from " + c[0] + ") * 1000000)::bigint::text"
              : c[0] + "::text");
      List<String> candidates = new ArrayList<>();
      for (String lakeColumn : shape.columns()) {
        if (lakeColumn.startsWith(c[0] + "__v_")) {
          candidates.add(lakeColumn);
        }
      }
      if (shape.columns().contains(c[0])) {
        candidates.add(c[0]);
      }
      if (renamed.containsKey(c[0])) {
        candidates.add(renamed.get(c[0]));
      }
      assertThat(candidates).as("lake columns holding %s", c[0]).isNotEmpty();
      List<String> expressions = new ArrayList<>();
      for (String candidate : candidates) {
        String type = shape.types().get(shape.columns().indexOf(candidate));
        expressions.add(
            type.startsWith("TIMESTAMP")
                ? "epoch_us(\"" + candidate + "\")::VARCHAR"
                : "\"" + candidate + "\"::VARCHAR");
      }
      lakeSelect.add("coalesce(" + String.join(", ", expressions) + ")");
    }
    List<List<String>> expected;
    try (Connection c = pg.connect()) {
      expected =
          rows(
              c,
              "SELECT "
                  + String.join(", ", pgSelect)
                  + " FROM "
                  + table
                  + " ORDER BY "
                  + table
                  + ".id");
    }
    List<List<Object>> lakeRows =
        query(
                name,
                "SELECT " + String.join(", ", lakeSelect) + " FROM main." + table + " ORDER BY id")
            .rows();
    List<List<String>> actual =
        lakeRows.stream()
            .map(r -> r.stream().map(v -> v == null ? null : v.toString()).toList())
            .toList();
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void everyUpstreamChangeLoadsUnderEvolveAndIsReported() throws Exception {
    String t = "evolving";
    create(t);
    for (int id = 1; id <= 3; id++) {
      insert(t, id);
    }
    assertThat(changes(run(t, t, SchemaContract.EVOLVE))).contains("added table " + t);
    assertLakeEqualsSource(t, t, Map.of());

    // add a column with a default: PostgreSQL fills the existing rows, which the app touches
    pg.execute("ALTER TABLE " + t + " ADD COLUMN tier text DEFAULT 'basic'");
    touchAll(t);
    insert(t, 4);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .contains("added column evolving.tier VARCHAR");
    assertLakeEqualsSource(t, t, Map.of());

    // add a column without a default
    pg.execute("ALTER TABLE " + t + " ADD COLUMN region text");
    insert(t, 5);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .contains("added column evolving.region VARCHAR");
    assertLakeEqualsSource(t, t, Map.of());

    // drop a column: the lake keeps it with its earlier values
    pg.execute("ALTER TABLE " + t + " DROP COLUMN tier");
    insert(t, 6);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .anySatisfy(
            c -> assertThat(c).startsWith("column evolving.tier is no longer in the source"));
    assertLakeEqualsSource(t, t, Map.of());
    assertThat(query(t, "SELECT tier FROM main.evolving WHERE id = 1").rows())
        .containsExactly(List.of("basic"));

    // rename: new rows fill the new column, earlier rows keep theirs in the old one
    pg.execute("ALTER TABLE " + t + " RENAME COLUMN name TO full_name");
    insert(t, 7);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .anySatisfy(
            c -> assertThat(c).startsWith("renamed column evolving.name -> evolving.full_name"))
        .noneMatch(c -> c.startsWith("added column evolving.full_name"));
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));

    // int -> bigint widens in place
    pg.execute("ALTER TABLE " + t + " ALTER COLUMN score TYPE bigint");
    insert(t, 8);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .contains("widened column evolving.score INTEGER -> BIGINT");
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));

    // int -> numeric(20,2) widens to the decimal holding both
    pg.execute("ALTER TABLE " + t + " ALTER COLUMN amount TYPE numeric(20,2)");
    insert(t, 9);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .contains("widened column evolving.amount INTEGER -> DECIMAL(20,2)");
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));

    // int -> text has no common type: new values go to a variant column, old ones stay
    pg.execute("ALTER TABLE " + t + " ALTER COLUMN code TYPE text");
    insert(t, 10);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .anySatisfy(
            c -> assertThat(c).startsWith("added variant column evolving.code__v_text VARCHAR"));
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));
    // rows 1-8 were not read again (row 9, at the watermark, was): their codes stay integers
    assertThat(
            query(
                    t,
                    "SELECT list(id ORDER BY id)::VARCHAR FROM main.evolving"
                        + " WHERE code = id * 10 AND code__v_text IS NULL")
                .rows())
        .containsExactly(List.of("[1, 2, 3, 4, 5, 6, 7, 8]"));

    // varchar(10) -> text is the same lake type: nothing to change
    pg.execute(
        "ALTER TABLE " + t + " ALTER COLUMN label TYPE text",
        "INSERT INTO "
            + t
            + " (id, qty, label, updated_at)"
            + " VALUES (11, 110, repeat('l', 30), clock_timestamp())");
    assertThat(changes(run(t, t, SchemaContract.EVOLVE))).noneMatch(c -> c.contains("label"));
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));

    // timestamp -> timestamptz widens (the rows are read again with their new values)
    pg.execute(
        "ALTER TABLE " + t + " ALTER COLUMN ts TYPE timestamptz USING ts AT TIME ZONE 'UTC'");
    touchAll(t);
    insert(t, 12);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .contains("widened column evolving.ts TIMESTAMP -> TIMESTAMPTZ");
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));

    // NOT NULL dropped: nulls load
    pg.execute("ALTER TABLE " + t + " ALTER COLUMN qty DROP NOT NULL");
    insert(t, 13);
    pg.execute("UPDATE " + t + " SET qty = NULL, updated_at = clock_timestamp() WHERE id = 13");
    assertThat(changes(run(t, t, SchemaContract.EVOLVE)))
        .anySatisfy(c -> assertThat(c).startsWith("column evolving.qty is nullable now"));
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));

    // a run without changes reports none
    insert(t, 14);
    assertThat(changes(run(t, t, SchemaContract.EVOLVE))).isEmpty();
    assertLakeEqualsSource(t, t, Map.of("full_name", "name"));
  }

  @Test
  void everyUpstreamChangeFailsBeforeStagingUnderFreezeAndLoadsOnceReverted() throws Exception {
    String t = "frozen";
    create(t);
    for (int id = 1; id <= 3; id++) {
      insert(t, id);
    }
    run(t, t, SchemaContract.FREEZE);
    int[] next = {4};
    // change, the column the error names, the revert
    List<String[]> cases =
        List.of(
            new String[] {"ADD COLUMN tier text DEFAULT 'basic'", "tier", "DROP COLUMN tier"},
            new String[] {"ADD COLUMN region text", "region", "DROP COLUMN region"},
            new String[] {
              "DROP COLUMN extra",
              "extra",
              "ADD COLUMN extra int; UPDATE " + t + " SET extra = id * 10"
            },
            new String[] {
              "RENAME COLUMN name TO full_name", "full_name", "RENAME COLUMN full_name TO name"
            },
            new String[] {
              "ALTER COLUMN score TYPE bigint",
              "score",
              "ALTER COLUMN score TYPE int USING score % 1000000"
            },
            new String[] {
              "ALTER COLUMN amount TYPE numeric(20,2)", "amount", "ALTER COLUMN amount TYPE int"
            },
            new String[] {
              "ALTER COLUMN code TYPE text",
              "code",
              "ALTER COLUMN code TYPE int USING regexp_replace(code, '\\D', '', 'g')::int"
            },
            new String[] {
              "ALTER COLUMN ts TYPE timestamptz USING ts AT TIME ZONE 'UTC'",
              "ts",
              "ALTER COLUMN ts TYPE timestamp USING ts AT TIME ZONE 'UTC'"
            },
            new String[] {
              "ALTER COLUMN qty DROP NOT NULL", "qty", "ALTER COLUMN qty SET NOT NULL"
            });
    for (String[] c : cases) {
      pg.execute("ALTER TABLE " + t + " " + c[0]);
      insert(t, next[0]++);
      try (Pipeline p = pipeline(t, t, SchemaContract.FREEZE, d -> d)) {
        assertThatThrownBy(p::run)
            .as(c[0])
            .isInstanceOf(RunFailedException.class)
            .hasMessageContaining("table 'frozen': column '" + c[1] + "'")
            .hasMessageContaining("freeze contract")
            .hasMessageContaining("nothing was staged");
        assertThat(p.discardPendingLoads(null)).as("staged loads after " + c[0]).isEmpty();
      }
      for (String revert : c[2].split("; ")) {
        pg.execute(revert.startsWith("UPDATE") ? revert : "ALTER TABLE " + t + " " + revert);
      }
      RunResult reverted = run(t, t, SchemaContract.FREEZE);
      assertThat(reverted.rowsInserted()).as("rows after reverting " + c[0]).isPositive();
      assertThat(changes(reverted)).isEmpty();
      assertLakeEqualsSource(t, t, Map.of());
    }
    // varchar(n) -> text changes no lake type, so freeze lets it load
    pg.execute("ALTER TABLE " + t + " ALTER COLUMN label TYPE text");
    insert(t, next[0]++);
    assertThat(changes(run(t, t, SchemaContract.FREEZE))).isEmpty();
    assertLakeEqualsSource(t, t, Map.of());
  }

  /** Rejects every load while {@code reject} is set, as a lake that cannot take it would. */
  private static final class RejectingDestination implements Destination {
    private final Destination lake;
    boolean reject;

    RejectingDestination(Destination lake) {
      this.lake = lake;
    }

    @Override
    public String name() {
      return "rejecting";
    }

    @Override
    public Optional<PipelineState> restoreState(String pipelineName) {
      return lake.restoreState(pipelineName);
    }

    @Override
    public boolean isCommitted(String pipelineName, String loadId) {
      return lake.isCommitted(pipelineName, loadId);
    }

    @Override
    public PromoteResult promote(StagedLoad load) {
      if (reject) {
        throw new LoadNotPromotableException(
            load.loadId(), "Table main.pending: the lake rejects this load");
      }
      return lake.promote(load);
    }

    @Override
    public void close() {
      lake.close();
    }
  }

  @Test
  void aStagedLoadThatCannotBePromotedIsDiscardedAndReadAgain() throws Exception {
    String t = "pending";
    create(t);
    for (int id = 1; id <= 3; id++) {
      insert(t, id);
    }
    run(t, t, SchemaContract.EVOLVE);
    insert(t, 4);
    pg.execute("UPDATE " + t + " SET score = -1, updated_at = clock_timestamp() WHERE id = 2");
    RejectingDestination[] rejecting = new RejectingDestination[1];
    Function<Destination, Destination> wrap =
        d -> {
          rejecting[0] = new RejectingDestination(d);
          rejecting[0].reject = true;
          return rejecting[0];
        };
    String loadId;
    try (Pipeline p = pipeline(t, t, SchemaContract.EVOLVE, wrap)) {
      RunFailedException failed = catchRunFailure(p);
      assertThat(failed.getCause()).isInstanceOf(LoadNotPromotableException.class);
      loadId = ((LoadNotPromotableException) failed.getCause()).loadId();
      assertThat(failed)
          .hasMessageContaining("ducklift state discard-pending CONFIG --load " + loadId)
          .hasMessageContaining("pipeline.discardPendingLoads");
    }
    // the next run meets the same staged load and fails the same way, naming the way out
    try (Pipeline p = pipeline(t, t, SchemaContract.EVOLVE, wrap)) {
      assertThatThrownBy(p::run)
          .isInstanceOf(LoadNotPromotableException.class)
          .hasMessageContaining("Staged load " + loadId)
          .hasMessageContaining("discard-pending");
      assertThat(p.discardPendingLoads(loadId)).containsExactly(loadId);
      assertThatThrownBy(() -> p.discardPendingLoads(loadId)).hasMessageContaining(loadId);
    }
    RunResult after = run(t, t, SchemaContract.EVOLVE);
    assertThat(after.resumedLoads()).isEmpty();
    assertThat(after.loadIds()).hasSize(1);
    assertLakeEqualsSource(t, t, Map.of());
    assertThat(query(t, "SELECT score FROM main.pending WHERE id = 2").rows())
        .containsExactly(List.of(-1));
  }

  private static RunFailedException catchRunFailure(Pipeline p) {
    try {
      p.run();
    } catch (RunFailedException e) {
      return e;
    }
    throw new AssertionError("The run did not fail");
  }
}
