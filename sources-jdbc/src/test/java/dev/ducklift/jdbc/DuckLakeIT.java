package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.Secret;
import dev.ducklift.core.spi.TypedResource;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.ducklake.read.LakeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL tables through the pipeline into a real DuckLake. */
class DuckLakeIT {
  private static PostgresFixture pg;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
    pg.execute(
        """
        CREATE TABLE events (
          event_id uuid PRIMARY KEY,
          event_type text NOT NULL,
          event_timestamp timestamptz NOT NULL,
          details jsonb,
          created_at timestamptz NOT NULL)
        """,
        events(1, 2000),
        """
        CREATE TABLE typed (
          id int PRIMARY KEY, i2 int2, i8 int8, num numeric(20,6), free numeric, r real,
          d double precision, b boolean, t text, dt date, tm time, ts timestamp,
          tstz timestamptz, iv interval, u uuid, j jsonb, by bytea, arr text[], e_num int4)
        """,
        """
        INSERT INTO typed VALUES
        (1, 32767, -9223372036854775808, 99999999999999.999999, '1e-40', -3.4028235e38, 1e308, false,
         'é 🦆 "quoted"', '9999-12-31', '00:00:00.000001', '1970-01-01 00:00:00',
         '1999-12-31 23:59:59.999999-11', '-3 years 2 mons', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
         '{"nested": {"deep": [true, false, null]}}', '\\x00', '{"a,b",NULL}', 7),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL)
        """,
        // every type the typed path appends column by column into DuckDB's vectors, over more
        // rows than one vector holds, with extremes, nulls and strings of every length
        """
        CREATE TABLE vectors (
          id int8 PRIMARY KEY, i2 int2, i4 int4, i8 int8, r real, d double precision, b boolean,
          t text, v varchar(40), dt date, ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb)
        """,
        """
        INSERT INTO vectors VALUES
        (-1, -32768, -2147483648, -9223372036854775808, -3.4028235e38, -1e308, false, '', '',
         '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00',
         '00000000-0000-0000-0000-000000000000', '{}', '[]'),
        (-2, 32767, 2147483647, 9223372036854775807, 1.17549435e-38, 4.9e-324, true,
         E'tab\\there\\nnew line \\\\ back é 🦆', 'exactly twelve', '9999-12-31',
         '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+14',
         'ffffffff-ffff-ffff-ffff-ffffffffffff', '{"a" : [1, 2.50, "x y"]}',
         '{"k": "v w", "n": null, "e": "say \\"hi\\" \\\\"}'),
        (-3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (-4, 0, 0, 0, 'NaN', '-Infinity', NULL, repeat('long text ', 1000), NULL, '1970-01-01',
         '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999-00:30', NULL, 'null', '"s"')
        """,
        """
        INSERT INTO vectors SELECT g, (g % 100)::int2, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 3 END,
          g::int8 * 1000003, g / 8.0, g / 3.0, g % 3 = 0, CASE WHEN g % 5 = 0 THEN NULL ELSE 'row ' || g END,
          repeat('v', g % 40), '2024-01-01'::date + g, '2024-01-01'::timestamp + g * interval '1 s',
          CASE WHEN g % 11 = 0 THEN NULL ELSE '2024-01-01 00:00:00+02'::timestamptz + g * interval
          '1 ms' END, md5(g::text)::uuid, json_build_object('g', g), jsonb_build_object('g', g,
          's', repeat('x', g % 20))
        FROM generate_series(1, 5000) g
        """,
        // the typed path with a column kind the vector path does not write (it appends value by
        // value instead)
        """
        CREATE TABLE appended (id int PRIMARY KEY, num numeric(12,3), tm time, by bytea, t text)
        """,
        """
        INSERT INTO appended SELECT g, g / 7.0, time '00:00:00' + g * interval '1 s',
          CASE WHEN g % 4 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END, 'a' || g
        FROM generate_series(1, 3000) g
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  private static String events(int from, int to) {
    return "INSERT INTO events SELECT md5('e' || g)::uuid, (ARRAY['view','click'])[1 + g % 2],"
        + " '2024-06-01 00:00:00+00'::timestamptz + g * interval '1 second',"
        + " jsonb_build_object('n', g), '2024-06-02 00:00:00+00'::timestamptz + g * interval '1 ms'"
        + " FROM generate_series("
        + from
        + ", "
        + to
        + ") g";
  }

  private DuckLakeDestination lake(String name) throws Exception {
    Files.createDirectories(dir.resolve(name));
    return DuckLakeDestination.builder()
        .catalog(CatalogLocation.duckdb(dir.resolve(name).resolve("catalog.ducklake")))
        .dataPath(dir.resolve(name).resolve("data"))
        .build();
  }

  private List<List<Object>> query(String name, String sql) {
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(dir.resolve(name).resolve("catalog.ducklake")),
                dir.resolve(name).resolve("data"));
        LakeReader reader = LakeReader.open(lake)) {
      return reader.sql(sql).rows();
    }
  }

  private RunResult run(String name, ReadMethod method, JdbcTable table) throws Exception {
    try (Pipeline p =
        Pipeline.builder(name)
            .workingDirectory(dir.resolve(name).resolve("work"))
            .destination(lake(name))
            .source(pg.source("pg").readMethod(method).pageSize(500).table(table).build())
            .build()) {
      return p.run();
    }
  }

  @Test
  void eventsLandInTheLakeWithInsertNewAndNothingTwice() throws Exception {
    JdbcTable events =
        JdbcTable.table("public.events")
            .timestamp("event_timestamp")
            .lag(Duration.ofMinutes(2))
            .build();
    assertThat(run("events", ReadMethod.COPY, events).rowsInserted()).isEqualTo(2000);
    // 100 new rows, and one committed late, 90 s behind the watermark
    pg.execute(events(2001, 2100), events(1910, 1910).replace("md5('e' || g)", "md5('late' || g)"));
    RunResult second = run("events", ReadMethod.COPY, events);
    assertThat(second.rowsInserted()).isEqualTo(101);
    assertThat(run("events", ReadMethod.COPY, events).rowsInserted()).isZero();
    assertThat(query("events", "SELECT count(*), count(DISTINCT event_id) FROM main.events"))
        .containsExactly(List.of(2101L, 2101L));
    // the late row carries the same details as the original event 1910
    assertThat(query("events", "SELECT count(*) FROM main.events WHERE details->>'$.n' = '1910'"))
        .containsExactly(List.of(2L));
  }

  @Test
  void typedRowsLandExactlyAndBothReadPathsMakeTheSameLake() throws Exception {
    run("typed_plain", ReadMethod.PLAIN, JdbcTable.table("typed").build());
    run("typed_copy", ReadMethod.COPY, JdbcTable.table("typed").build());
    String all =
        "SELECT id, i2, i8, num::VARCHAR, free, r, d, b, t, dt::VARCHAR, tm::VARCHAR, ts::VARCHAR,"
            + " epoch_us(tstz), iv, u::VARCHAR, j::VARCHAR, hex(\"by\"), arr::VARCHAR, e_num"
            + " FROM main.typed ORDER BY id";
    List<List<Object>> plain = query("typed_plain", all);
    assertThat(query("typed_copy", all)).isEqualTo(plain);
    List<Object> row = plain.get(0);
    assertThat(row.subList(0, 5))
        .containsExactly(
            1, (short) 32767, Long.MIN_VALUE, "99999999999999.999999", "0." + "0".repeat(39) + "1");
    assertThat(row.get(5)).isEqualTo(-Float.MAX_VALUE);
    assertThat(row.get(6)).isEqualTo(1e308);
    assertThat(row.subList(7, 12))
        .containsExactly(
            false, "é 🦆 \"quoted\"", "9999-12-31", "00:00:00.000001", "1970-01-01 00:00:00");
    java.time.Instant tstz =
        java.time.OffsetDateTime.parse("1999-12-31T23:59:59.999999-11:00").toInstant();
    assertThat(row.get(12)).isEqualTo(tstz.getEpochSecond() * 1_000_000 + tstz.getNano() / 1000);
    assertThat(row.subList(13, 19))
        .containsExactly(
            "P-2Y-10M",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "{\"nested\":{\"deep\":[true,false,null]}}",
            "00",
            "[\"a,b\",null]",
            7);
    assertThat(plain.get(1).subList(1, 19)).containsOnlyNulls();
  }

  /** The JDBC resource seen only as a record resource, so the runtime normalizes its records. */
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

  private RunResult runResource(String name, Resource resource) throws Exception {
    try (Pipeline p =
        Pipeline.builder(name)
            .workingDirectory(dir.resolve(name).resolve("work"))
            .destination(lake(name))
            .resource(resource)
            .checkpointEvery(700)
            .build()) {
      return p.run();
    }
  }

  private Map<String, CursorValue> watermarks(String name, String resource) throws Exception {
    try (DuckLakeDestination lake = lake(name)) {
      return lake.restoreState(name).orElseThrow().resource(resource).watermarks();
    }
  }

  private static Map<String, CursorValue> withoutDigest(Map<String, CursorValue> marks) {
    Map<String, CursorValue> copy = new HashMap<>(marks);
    copy.remove("_dl_window");
    return copy;
  }

  @Test
  void typedStagingMakesTheSameLakeAsNormalizingRecords() throws Exception {
    JdbcTable events = JdbcTable.table("public.events").timestamp("event_timestamp").build();
    JdbcTable typed = JdbcTable.table("typed").build();
    String allEvents =
        "SELECT _dl_id, event_id, event_type, event_timestamp, details::VARCHAR, created_at"
            + " FROM main.events ORDER BY event_id";
    String allTyped =
        "SELECT _dl_id, id, i2, i8, num::VARCHAR, free, r, d, b, t, dt::VARCHAR, tm::VARCHAR,"
            + " ts::VARCHAR, epoch_us(tstz), iv, u::VARCHAR, j::VARCHAR, hex(\"by\"), arr::VARCHAR,"
            + " e_num FROM main.typed ORDER BY id";
    JdbcTable vectors = JdbcTable.table("vectors").build();
    JdbcTable appended = JdbcTable.table("appended").build();
    String allVectors =
        "SELECT _dl_id, id, i2, i4, i8, r, d, b, t, v, dt, ts, epoch_us(tstz), u::VARCHAR,"
            + " j::VARCHAR, jb::VARCHAR FROM main.vectors ORDER BY id";
    String allAppended =
        "SELECT _dl_id, id, num::VARCHAR, tm::VARCHAR, hex(\"by\"), t FROM main.appended"
            + " ORDER BY id";
    for (ReadMethod method : List.of(ReadMethod.COPY, ReadMethod.PLAIN)) {
      String typedLake = "typed_path_" + method.configName();
      String recordLake = "record_path_" + method.configName();
      for (JdbcTable table : List.of(events, typed, vectors, appended)) {
        Resource resource =
            pg.source("pg")
                .readMethod(method)
                .pageSize(300)
                .table(table)
                .build()
                .resources()
                .get(0);
        assertThat(resource).isInstanceOf(TypedResource.class);
        RunResult viaTyped = runResource(typedLake, resource);
        RunResult viaRecords = runResource(recordLake, new RecordsOnly(resource));
        assertThat(viaTyped.rowsInserted()).isEqualTo(viaRecords.rowsInserted()).isPositive();
      }
      assertThat(query(typedLake, allEvents))
          .isEqualTo(query(recordLake, allEvents))
          .hasSize(((Number) pg.scalar("SELECT count(*) FROM events")).intValue());
      assertThat(query(typedLake, allTyped)).isEqualTo(query(recordLake, allTyped)).hasSize(2);
      List<List<Object>> vectorRows = query(typedLake, allVectors);
      assertThat(vectorRows).isEqualTo(query(recordLake, allVectors)).hasSize(5004);
      assertThat(vectorRows.get(3).subList(1, 9))
          .containsExactly(
              -1L,
              (short) -32768,
              Integer.MIN_VALUE,
              Long.MIN_VALUE,
              -Float.MAX_VALUE,
              -1e308,
              false,
              "");
      assertThat(vectorRows.get(2).get(8)).isEqualTo("tab\there\nnew line \\ back é 🦆");
      assertThat(vectorRows.get(2).get(15))
          .isEqualTo("{\"e\":\"say \\\"hi\\\" \\\\\",\"k\":\"v w\",\"n\":null}");
      assertThat(vectorRows.get(1).subList(2, 16)).containsOnlyNulls();
      assertThat(vectorRows.get(0).get(8)).isEqualTo("long text ".repeat(1000));
      assertThat(query(typedLake, allAppended))
          .isEqualTo(query(recordLake, allAppended))
          .hasSize(3000);
      // the typed path also stores the digest of the rows at the watermark (for no-change runs)
      assertThat(watermarks(typedLake, "events")).containsKey("_dl_window");
      assertThat(withoutDigest(watermarks(typedLake, "events")))
          .isEqualTo(watermarks(recordLake, "events"))
          .containsKey("");
    }
  }

  @Test
  void shardsInSeparateWorkersPromoteIntoOneLakeExactlyOnce() throws Exception {
    Files.createDirectories(dir.resolve("shared"));
    CatalogLocation catalog =
        CatalogLocation.postgres(pg.url(), "postgres", Secret.of("postgres"), "lake_catalog");
    RangeSplit split =
        RangeSplit.of("event_timestamp", 3)
            .withBounds("2024-06-01T00:00:00Z", "2024-06-01T01:00:00Z");
    long total = 0;
    for (int shard = 0; shard < 3; shard++) {
      JdbcTable table =
          JdbcTable.table("public.events").timestamp("event_timestamp").shard(split, shard).build();
      try (Pipeline p =
          Pipeline.builder("worker-" + shard)
              .workingDirectory(dir.resolve("worker-" + shard))
              .destination(
                  DuckLakeDestination.builder()
                      .catalog(catalog)
                      .dataPath(dir.resolve("shared").resolve("data"))
                      .build())
              .source(pg.source("pg").table(table).build())
              .build()) {
        total += p.run().rowsInserted();
      }
    }
    long rows = ((Number) pg.scalar("SELECT count(*) FROM events")).longValue();
    assertThat(total).isEqualTo(rows);
    try (DuckLake lake = DuckLake.open(catalog, dir.resolve("shared").resolve("data"));
        LakeReader reader = LakeReader.open(lake)) {
      assertThat(reader.sql("SELECT count(*), count(DISTINCT event_id) FROM main.events").rows())
          .containsExactly(List.of(rows, rows));
    }
  }
}
