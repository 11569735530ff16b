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
    for (ReadMethod method : List.of(ReadMethod.COPY, ReadMethod.PLAIN)) {
      String typedLake = "typed_path_" + method.configName();
      String recordLake = "record_path_" + method.configName();
      for (JdbcTable table : List.of(events, typed)) {
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
