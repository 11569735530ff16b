package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.RunResult;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.verify.LakeVerifier;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mapped PostgreSQL type with its special values, read with each read method, promoted into a
 * lake and compared value by value with what PostgreSQL itself says about each value (its text
 * output, {@code extract(epoch ...)}, {@code isfinite()}), never with Ducklift's own decoders.
 */
class PostgresValueFidelityIT {
  private static PostgresFixture pg;

  @TempDir static Path dir;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  /** The lakes, one per read method: binary COPY, text COPY, plain JDBC. */
  private static final List<String> LAKES = List.of("binary_copy", "text_copy", "plain");

  /**
   * Per column: how PostgreSQL states each value, and how DuckDB states the landed value, in
   * comparable form. Temporal values as {@code infinity}/{@code -infinity} or epoch units.
   */
  private static final Map<String, String[]> COLUMNS = new LinkedHashMap<>();

  static {
    column("i2", "i2::text", "CAST(i2 AS VARCHAR)");
    column("i4", "i4::text", "CAST(i4 AS VARCHAR)");
    column("i8", "i8::text", "CAST(i8 AS VARCHAR)");
    column("r", "r::text", "r");
    column("f8", "f8::text", "f8");
    column("num", "num::text", "num");
    column("b", "b::text", "CAST(b AS VARCHAR)");
    column("t", "t", "t");
    column(
        "d",
        "CASE WHEN isfinite(d) THEN (d - DATE '1970-01-01')::text ELSE d::text END",
        "CASE WHEN isinf(d) THEN CAST(d AS VARCHAR) ELSE CAST(d - DATE '1970-01-01' AS VARCHAR)"
            + " END");
    column(
        "ts",
        "CASE WHEN isfinite(ts) THEN (extract(epoch FROM ts) * 1000000)::bigint::text"
            + " ELSE ts::text END",
        "CASE WHEN isinf(ts) THEN CAST(ts AS VARCHAR) ELSE CAST(epoch_us(ts) AS VARCHAR) END");
    column(
        "tstz",
        "CASE WHEN isfinite(tstz) THEN (extract(epoch FROM tstz) * 1000000)::bigint::text"
            + " ELSE tstz::text END",
        "CASE WHEN isinf(tstz) THEN CAST(tstz AS VARCHAR) ELSE CAST(epoch_us(tstz) AS VARCHAR)"
            + " END");
    column(
        "tm",
        "(extract(epoch FROM tm) * 1000000)::bigint::text",
        "CAST(epoch_us(DATE '1970-01-01' + tm) AS VARCHAR)");
    column("u", "u::text", "CAST(u AS VARCHAR)");
    column("jb", "jb::text", "CAST(jb AS VARCHAR)");
    column("js", "js::text", "CAST(js AS VARCHAR)");
    column("by", "encode(\"by\", 'hex')", "lower(hex(\"by\"))");
    column("arr", "array_to_json(arr)::text", "CAST(arr AS VARCHAR)");
    column("tarr", "array_to_json(tarr)::text", "CAST(tarr AS VARCHAR)");
  }

  private static void column(String name, String postgres, String duckdb) {
    COLUMNS.put(name, new String[] {postgres, duckdb});
  }

  @BeforeAll
  static void loadEveryReadMethod() throws Exception {
    pg = PostgresFixture.start();
    pg.execute(
        // the source's column order is neither alphabetical nor the key first
        """
        CREATE TABLE fidelity (
          tstz timestamptz, t text, id int8 PRIMARY KEY, d date, ts timestamp, i2 int2, i4 int4,
          i8 int8, r real, f8 double precision, num numeric(38,10), b boolean, tm time, u uuid,
          jb jsonb, js json, "by" bytea, arr int4[], tarr text[])
        """,
        """
        INSERT INTO fidelity (id, d, ts, tstz) VALUES
          (1, 'infinity', 'infinity', 'infinity'),
          (2, '-infinity', '-infinity', '-infinity'),
          (3, '4713-01-01 BC', '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC'),
          (4, '0044-03-15 BC', '0044-03-15 12:30:00.000001 BC', '0001-12-31 23:59:59.999999-03 BC'),
          (5, '0001-01-01', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00.000001+14'),
          (6, '5874897-12-31', '294246-12-31 23:59:59.999999', '294246-12-31 23:59:59.999999+00'),
          (7, '2024-02-29', '2024-02-29 12:00:00', '2024-02-29 12:00:00-07:30')
        """,
        """
        INSERT INTO fidelity (id, i2, i4, i8, r, f8, num, b, tm, t) VALUES
          (10, -32768, -2147483648, -9223372036854775808, '-0', '-0', -9999999999999999999999999999.9999999999, false, '24:00:00', ''),
          (11, 32767, 2147483647, 9223372036854775807, 'NaN', 'NaN', 9999999999999999999999999999.9999999999, true, '00:00:00', E'tab\\there\\nnew line \\\\ back é 🦆'),
          (12, 0, 0, 0, 'Infinity', 'Infinity', 0, NULL, '23:59:59.999999', repeat('long text ', 100000)),
          (13, -1, -1, -1, '-Infinity', '-Infinity', 0.0000000001, NULL, '12:34:56.5', 'NULL'),
          (14, 1, 1, 1, 1.17549435e-38, 4.9e-324, -1, NULL, NULL, '\\N'),
          (15, 2, 2, 2, 3.4028235e38, 1.7976931348623157e308, 1, NULL, NULL, ' spaces ')
        """,
        """
        INSERT INTO fidelity (id, u, jb, js, "by", arr, tarr) VALUES
          (20, '00000000-0000-0000-0000-000000000000', '{"a": null, "b": [null, 1, {"c": null}]}',
           '{ "a" : null , "b" : [ null , 1.50 , { "c" : null } ] }', '\\xdeadbeef', '{}', '{}'),
          (21, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '[null]', '[]', '\\x', '{NULL}', '{NULL,""}'),
          (22, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[]', '"text"', '\\x00',
           '{-2147483648,NULL,2147483647}', '{"a,b","NULL",NULL,"back\\\\slash","q\\"uote"}'),
          (23, NULL, '{"deep": {"er": {"est": [null, [null], {}]}}}', '{}', NULL, NULL, NULL)
        """);
    for (String lake : LAKES) {
      Resource resource =
          pg.source("pg")
              .readMethod(lake.equals("plain") ? ReadMethod.PLAIN : ReadMethod.COPY)
              .pageSize(5)
              .table(JdbcTable.table("fidelity").build())
              .build()
              .resources()
              .get(0);
      // PostgreSQL's typed COPY reads binary; the records path reads COPY's text form
      RunResult result = run(lake, lake.equals("text_copy") ? new RecordsOnly(resource) : resource);
      assertThat(result.rowsInserted())
          .as(lake)
          .isEqualTo(pg.scalar("SELECT count(*) FROM fidelity"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  @Test
  void everyValueLandsAsPostgresStatesItWithEachReadMethod() throws Exception {
    List<List<Object>> expected = postgresRows();
    for (String lake : LAKES) {
      List<List<Object>> landed = lakeRows(lake);
      assertThat(landed).as(lake).hasSameSizeAs(expected);
      for (int r = 0; r < expected.size(); r++) {
        List<Object> want = expected.get(r);
        List<Object> got = landed.get(r);
        int c = 0;
        for (String name : COLUMNS.keySet()) {
          c++;
          assertSameValue(lake, want.get(0), name, want.get(c), got.get(c));
        }
      }
    }
  }

  /** Compares one value: floats by their bits (NaN, -0.0), JSON by tree, all else by text. */
  private static void assertSameValue(
      String lake, Object id, String column, Object postgres, Object landed) throws Exception {
    String where = lake + ", id " + id + ", column " + column;
    if (postgres == null) {
      assertThat(landed).as(where).isNull();
      return;
    }
    String text = (String) postgres;
    switch (column) {
      case "r" -> {
        float want = Float.parseFloat(text);
        assertThat(Float.floatToIntBits((Float) landed))
            .as(where + ": " + landed + " for " + text)
            .isEqualTo(Float.floatToIntBits(want));
      }
      case "f8" -> {
        double want = Double.parseDouble(text);
        assertThat(Double.doubleToLongBits((Double) landed))
            .as(where + ": " + landed + " for " + text)
            .isEqualTo(Double.doubleToLongBits(want));
      }
      case "num" -> assertThat((BigDecimal) landed).as(where).isEqualByComparingTo(text);
      case "jb", "js", "arr", "tarr" -> {
        JsonNode want = JSON.readTree(text);
        assertThat(landed).as(where + " for " + text).isNotNull();
        assertThat(JSON.readTree((String) landed)).as(where + " for " + text).isEqualTo(want);
      }
      default -> assertThat(landed).as(where).isEqualTo(text);
    }
  }

  private static List<List<Object>> postgresRows() throws Exception {
    StringBuilder sql = new StringBuilder("SELECT id");
    for (String[] c : COLUMNS.values()) {
      sql.append(", ").append(c[0]);
    }
    sql.append(" FROM fidelity ORDER BY id");
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET timezone = 'UTC'; SET extra_float_digits = 3");
      try (ResultSet rs = s.executeQuery(sql.toString())) {
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          row.add(rs.getLong(1));
          for (int i = 0; i < COLUMNS.size(); i++) {
            row.add(rs.getString(i + 2));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static List<List<Object>> lakeRows(String lake) {
    StringBuilder sql = new StringBuilder("SELECT id");
    for (String[] c : COLUMNS.values()) {
      sql.append(", ").append(c[1]);
    }
    sql.append(" FROM main.fidelity ORDER BY id");
    return query(lake, sql.toString());
  }

  @Test
  void filtersThatUseFileStatisticsReturnTheRowsPostgresReturns() throws Exception {
    List<String> filters =
        List.of(
            "ts > TIMESTAMP '2100-01-01 00:00:00'",
            "ts >= 'infinity'::timestamp",
            "ts <= '-infinity'::timestamp",
            "ts < '-infinity'::timestamp",
            "ts < TIMESTAMP '0001-01-01 00:00:00'",
            "tstz > TIMESTAMPTZ '2100-01-01 00:00:00+00'",
            "tstz = 'infinity'::timestamptz",
            "tstz < '-infinity'::timestamptz",
            "tstz <= '-infinity'::timestamptz",
            "d > DATE '3000-01-01'",
            "d >= 'infinity'::date",
            "d < '-infinity'::date",
            "d <= '-infinity'::date",
            "d BETWEEN DATE '0100-01-01' AND DATE '5000-01-01'",
            "tm >= TIME '23:59:59'",
            "i8 = -9223372036854775808",
            "i8 > 9223372036854775806");
    List<List<Object>> expected = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      for (String filter : filters) {
        List<Object> want = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery("SELECT id FROM fidelity WHERE " + filter + " ORDER BY id")) {
          while (rs.next()) {
            want.add(rs.getLong(1));
          }
        }
        expected.add(want);
      }
    }
    for (String lake : LAKES) {
      try (DuckLake l = open(lake);
          LakeReader reader = LakeReader.open(l)) {
        for (int f = 0; f < filters.size(); f++) {
          List<Object> got =
              reader
                  .sql("SELECT id FROM main.fidelity WHERE " + filters.get(f) + " ORDER BY id")
                  .rows()
                  .stream()
                  .map(r -> r.get(0))
                  .toList();
          assertThat(got).as(lake + ": " + filters.get(f)).isEqualTo(expected.get(f));
        }
      }
    }
  }

  @Test
  void fileStatisticsOfInfiniteValuesAreDuckDbCastableBounds() throws Exception {
    for (String lake : LAKES) {
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:duckdb:" + dir.resolve(lake).resolve("catalog.ducklake"));
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT col.column_name, col.column_type, st.min_value, st.max_value"
                      + " FROM ducklake_file_column_stats st JOIN ducklake_column col"
                      + " USING (table_id, column_id) JOIN ducklake_table tab USING (table_id)"
                      + " WHERE tab.table_name = 'fidelity' AND col.column_name IN ('d', 'ts',"
                      + " 'tstz') AND col.end_snapshot IS NULL ORDER BY 1")) {
        List<List<String>> stats = new ArrayList<>();
        while (rs.next()) {
          stats.add(List.of(rs.getString(1), rs.getString(3), rs.getString(4)));
        }
        assertThat(stats)
            .as(lake)
            .containsExactly(
                List.of("d", "-infinity", "infinity"),
                List.of("ts", "-infinity", "infinity"),
                List.of("tstz", "-infinity", "infinity"));
      }
      try (DuckLake l = open(lake);
          LakeReader reader = LakeReader.open(l)) {
        assertThat(LakeVerifier.verify(reader).isClean()).as(lake).isTrue();
      }
    }
  }

  @Test
  void theLakeTableListsTheSourceColumnsInTheSourceOrder() throws Exception {
    List<Object> source = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'fidelity'"
                    + " ORDER BY ordinal_position")) {
      while (rs.next()) {
        source.add(rs.getString(1));
      }
    }
    for (String lake : LAKES) {
      List<Object> described =
          query(lake, "DESCRIBE main.fidelity").stream()
              .map(r -> r.get(0))
              .filter(n -> !((String) n).startsWith("_dl_"))
              .toList();
      assertThat(described).as(lake).isEqualTo(source);
    }
  }

  @Test
  void anIncrementalCursorOverAnInfiniteRowEndsAndReadsNothingNew() throws Exception {
    pg.execute(
        "CREATE TABLE validity (id int4 PRIMARY KEY, valid_to timestamptz NOT NULL, note text)",
        """
        INSERT INTO validity VALUES (1, '2024-01-01 00:00:00+00', 'closed'),
          (2, 'infinity', 'open'), (3, '-infinity', 'never'), (4, '2030-01-01 00:00:00+00', 'x')
        """);
    JdbcTable validity = JdbcTable.table("validity").timestamp("valid_to").build();
    int late = 100;
    for (String method : List.of("copy", "plain")) {
      String lake = "validity_" + method;
      ReadMethod read = ReadMethod.fromConfigName(method);
      Resource resource =
          pg.source("pg").readMethod(read).table(validity).build().resources().get(0);
      assertThat(run(lake, resource).rowsInserted())
          .as(lake)
          .isEqualTo(pg.scalar("SELECT count(*) FROM validity"));
      CursorValue mark = watermarks(lake, "validity").get("");
      assertThat(mark.text()).as(lake).isEqualTo("infinity");
      assertThat(CursorValue.parse(CursorValue.Kind.TIMESTAMPTZ, mark.text())).isEqualTo(mark);
      // a row behind the watermark is not new to a max cursor at infinity
      pg.execute("INSERT INTO validity VALUES (" + late++ + ", now(), 'late')");
      assertThat(run(lake, resource).rowsInserted()).as(lake).isZero();
      // a fresh working directory restores the same watermark from the lake
      Files.walk(dir.resolve(lake).resolve("work"))
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> p.toFile().delete());
      RunResult fresh = run(lake, resource);
      assertThat(fresh.rowsInserted()).as(lake).isZero();
      assertThat(watermarks(lake, "validity").get("")).isEqualTo(mark);
      assertThat(
              query(
                  lake,
                  "SELECT id FROM main.validity WHERE valid_to > TIMESTAMPTZ '2100-01-01 00:00:00+00'"))
          .containsExactly(List.of(2));
    }
  }

  // ---- the pipeline and the lake ------------------------------------------------------------

  /** The JDBC resource seen only as a record resource, so its rows are normalized from text. */
  private record RecordsOnly(Resource delegate) implements Resource {
    @Override
    public ResourceSpec spec() {
      return delegate.spec();
    }

    @Override
    public void extract(ExtractContext context, PageConsumer pages) throws Exception {
      delegate.extract(context, pages);
    }
  }

  private static DuckLakeDestination lake(String name) throws Exception {
    Files.createDirectories(dir.resolve(name));
    return DuckLakeDestination.builder()
        .catalog(CatalogLocation.duckdb(dir.resolve(name).resolve("catalog.ducklake")))
        .dataPath(dir.resolve(name).resolve("data"))
        .build();
  }

  private static RunResult run(String name, Resource resource) throws Exception {
    try (Pipeline p =
        Pipeline.builder(name)
            .workingDirectory(dir.resolve(name).resolve("work"))
            .destination(lake(name))
            .resource(resource)
            .build()) {
      return p.run();
    }
  }

  private static DuckLake open(String name) {
    return DuckLake.open(
        CatalogLocation.duckdb(dir.resolve(name).resolve("catalog.ducklake")),
        dir.resolve(name).resolve("data"));
  }

  private static List<List<Object>> query(String name, String sql) {
    try (DuckLake l = open(name);
        LakeReader reader = LakeReader.open(l)) {
      return reader.sql(sql).rows();
    }
  }

  private static Map<String, CursorValue> watermarks(String name, String resource)
      throws Exception {
    try (DuckLakeDestination l = lake(name)) {
      return l.restoreState(name).orElseThrow().resource(resource).watermarks();
    }
  }
}
