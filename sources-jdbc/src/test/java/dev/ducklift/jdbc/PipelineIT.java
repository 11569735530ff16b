package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.testing.DuckDbTestDestination;
import dev.ducklift.jdbc.internal.TableResource;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC source through the whole pipeline into the ingest-core DuckDB test destination. */
class PipelineIT {
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
          created_at timestamptz NOT NULL DEFAULT now())
        """,
        insertEvents(1, 1000, "'2024-06-01 00:00:00+00'"),
        """
        CREATE TABLE typed (
          id int PRIMARY KEY, i2 int2, i8 int8, num numeric(38,10), free numeric, r real,
          d double precision, b boolean, t text, dt date, tm time, ts timestamp,
          tstz timestamptz, iv interval, u uuid, j jsonb, by bytea, arr int8[])
        """,
        """
        INSERT INTO typed VALUES
        (1, -32768, 9223372036854775807, -1234567890123456789012345678.0123456789,
         '3.14159265358979323846264338327950288419716939937510', 1.5, 2.5e-300, true,
         E'multi\\nline\\ttab', '0001-01-01', '23:59:59.999999', '2024-02-29 12:34:56.123456',
         '2024-07-01 02:00:00.000001+02', '1 mon 2 days 3 hours', gen_random_uuid(),
         '{"k": [1, {"n": null}]}', '\\xdeadbeef', '{9223372036854775807,-1}'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL)
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  /** Events {@code from..to}, one second apart after {@code start}, ids derived from the number. */
  private static String insertEvents(int from, int to, String start) {
    return "INSERT INTO events (event_id, event_type, event_timestamp, details, created_at) SELECT"
        + " md5('event' || g)::uuid, CASE WHEN g % 3 = 0 THEN 'click' ELSE 'view' END, ("
        + start
        + ")::timestamptz + g * interval '1 second', jsonb_build_object('n', g, 'tags',"
        + " jsonb_build_array('a', g % 7)), '2024-06-02'::timestamptz + g * interval '1 ms'"
        + " FROM generate_series("
        + from
        + ", "
        + to
        + ") g";
  }

  private RunResult run(
      String pipeline, DuckDbTestDestination lake, ReadMethod method, JdbcTable table) {
    try (Pipeline p =
        Pipeline.builder(pipeline)
            .workingDirectory(dir.resolve(pipeline))
            .destination(new NotClosing(lake))
            .source(pg.source("pg").readMethod(method).pageSize(300).table(table).build())
            .build()) {
      return p.run();
    }
  }

  private static JdbcTable events(UnaryOperator<JdbcTable.Builder> hints) {
    return hints
        .apply(
            JdbcTable.table("public.events")
                .timestamp("event_timestamp")
                .lag(Duration.ofMinutes(1)))
        .build();
  }

  @Test
  void eventsLandOnceWithInsertNewAndNewRowsAppearInTheNextRun() {
    for (ReadMethod method : List.of(ReadMethod.PLAIN, ReadMethod.COPY)) {
      String name = "events-" + method.configName();
      DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve(name + ".duckdb"));
      RunResult first = run(name, lake, method, events(b -> b));
      assertThat(lake.count("events")).isEqualTo(1000);
      assertThat(first.rowsInserted()).isEqualTo(1000);

      // 50 new events, plus one committed late with a timestamp 30 s behind the watermark
      pg.execute(
          insertEvents(1001, 1050, "'2024-06-01 00:00:00+00'"),
          insertEvents(
              5000,
              5000,
              "'2024-06-01 00:16:10+00'::timestamptz - interval '5000 seconds' -"
                  + " interval '30 seconds' + interval '0 second'"));
      RunResult second = run(name, lake, method, events(b -> b));
      assertThat(lake.count("events")).isEqualTo(1051);
      assertThat(second.rowsInserted()).isEqualTo(51);
      assertThat(lake.scalar("SELECT count(DISTINCT event_id) FROM events")).isEqualTo(1051L);

      RunResult third = run(name, lake, method, events(b -> b));
      assertThat(third.rowsInserted()).isZero();
      assertThat(lake.count("events")).isEqualTo(1051);
      lake.close();
      pg.execute(
          "DELETE FROM events WHERE event_timestamp > '2024-06-01 00:16:40+00' OR event_id = md5('event5000')::uuid");
    }
    // identical lakes from the plain and the COPY path
    assertThat(dump("events-plain", "events")).isEqualTo(dump("events-copy", "events"));
  }

  private List<Map<String, Object>> dump(String name, String table) {
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve(name + ".duckdb"));
    try {
      return lake.query("SELECT * EXCLUDE (_dl_load_id) FROM " + table + " ORDER BY ALL").stream()
          .map(
              row -> {
                Map<String, Object> copy = new java.util.LinkedHashMap<>();
                row.forEach(
                    (k, v) ->
                        copy.put(
                            k,
                            v instanceof byte[] b
                                ? java.util.HexFormat.of().formatHex(b)
                                : String.valueOf(v)));
                return (Map<String, Object>) copy;
              })
          .toList();
    } finally {
      lake.close();
    }
  }

  @Test
  void everyMappedTypeLandsExactlyAndBothReadPathsGiveTheSameTable() {
    for (ReadMethod method : List.of(ReadMethod.PLAIN, ReadMethod.COPY)) {
      String name = "typed-" + method.configName();
      DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve(name + ".duckdb"));
      run(name, lake, method, JdbcTable.table("typed").build());
      Map<String, Object> row = lake.query("SELECT * FROM typed WHERE id = 1").get(0);
      assertThat(row.get("i2")).isEqualTo((short) -32768);
      assertThat(row.get("i8")).isEqualTo(Long.MAX_VALUE);
      assertThat(row.get("num"))
          .isEqualTo(new BigDecimal("-1234567890123456789012345678.0123456789"));
      assertThat(row.get("free")).isEqualTo("3.14159265358979323846264338327950288419716939937510");
      assertThat(row.get("r")).isEqualTo(1.5f);
      assertThat(row.get("d")).isEqualTo(2.5e-300);
      assertThat(row.get("t")).isEqualTo("multi\nline\ttab");
      assertThat(lake.scalar("SELECT dt::VARCHAR FROM typed WHERE id = 1")).isEqualTo("0001-01-01");
      assertThat(lake.scalar("SELECT tm::VARCHAR FROM typed WHERE id = 1"))
          .isEqualTo("23:59:59.999999");
      assertThat(lake.scalar("SELECT ts::VARCHAR FROM typed WHERE id = 1"))
          .isEqualTo("2024-02-29 12:34:56.123456");
      assertThat(lake.scalar("SELECT epoch_us(tstz) FROM typed WHERE id = 1"))
          .isEqualTo(
              OffsetDateTime.of(2024, 7, 1, 0, 0, 0, 1000, ZoneOffset.UTC).toEpochSecond()
                      * 1_000_000
                  + 1);
      assertThat(row.get("iv")).isEqualTo("P1M2DT3H");
      assertThat(
              lake.scalar(
                  "SELECT j->>'$.k[1].n' IS NULL AND (j->'$.k[0]')::INT = 1 FROM typed WHERE id = 1"))
          .isEqualTo(true);
      assertThat(lake.scalar("SELECT hex(\"by\") FROM typed WHERE id = 1")).isEqualTo("DEADBEEF");
      assertThat(
              lake.scalar(
                  "SELECT (arr->>'$[0]')::HUGEINT = 9223372036854775807 FROM typed WHERE id = 1"))
          .isEqualTo(true);
      assertThat(
              lake.scalar(
                  "SELECT typeof(tstz) || ',' || typeof(u) || ',' || typeof(num) || ',' || typeof(j) FROM typed LIMIT 1"))
          .isEqualTo("TIMESTAMP WITH TIME ZONE,UUID,DECIMAL(38,10),JSON");
      assertThat(
              lake.scalar(
                  "SELECT count(*) FROM typed WHERE id = 2 AND i2 IS NULL AND tstz IS NULL AND j IS NULL AND arr IS NULL"))
          .isEqualTo(1L);
      lake.close();
    }
    assertThat(dump("typed-plain", "typed")).isEqualTo(dump("typed-copy", "typed"));
  }

  @Test
  void timestampTiesWithTheIdTiebreakLandEachRowOnce() {
    pg.execute(
        "CREATE TABLE ticks (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
        "INSERT INTO ticks SELECT g, '2024-01-01'::timestamptz + (g / 10) * interval '1 s'"
            + " FROM generate_series(1, 95) g");
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("ticks.duckdb"));
    JdbcTable ticks =
        JdbcTable.table("ticks")
            .timestampAndIncrementing("at", "id")
            .writeDisposition(dev.ducklift.core.WriteDisposition.APPEND)
            .build();
    run("ticks", lake, ReadMethod.AUTO, ticks);
    pg.execute(
        "INSERT INTO ticks VALUES (96, '2024-01-01 00:00:09+00'), (97, '2024-01-01 00:00:10+00')");
    RunResult second = run("ticks", lake, ReadMethod.AUTO, ticks);
    // append keeps every staged row: any re-read at the tied timestamp would show as a duplicate
    assertThat(second.rowsInserted()).isEqualTo(2);
    assertThat(lake.count("ticks")).isEqualTo(97);
    assertThat(lake.scalar("SELECT count(DISTINCT id) FROM ticks")).isEqualTo(97L);
    Pipeline p =
        Pipeline.builder("ticks")
            .workingDirectory(dir.resolve("ticks"))
            .destination(new NotClosing(lake))
            .build();
    assertThat(p.state().resource("ticks").watermarks())
        .containsEntry(TableResource.TIEBREAK_KEY, CursorValue.of(97L));
    lake.close();
  }

  @Test
  void aBackfillWindowReloadsItsRangeWithoutMovingTheWatermark() {
    pg.execute(
        "CREATE TABLE readings (id bigint PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO readings SELECT g, g FROM generate_series(1, 100) g");
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("readings.duckdb"));
    JdbcTable.Builder readings =
        JdbcTable.table("readings")
            .incrementing("id")
            .writeDisposition(dev.ducklift.core.WriteDisposition.APPEND);
    run("readings", lake, ReadMethod.AUTO, readings.build());
    RunResult backfill =
        run("readings", lake, ReadMethod.AUTO, readings.initialValue("10").endValue("20").build());
    assertThat(backfill.rowsInserted()).isEqualTo(10);
    assertThat(lake.scalar("SELECT count(*) FROM readings WHERE id BETWEEN 10 AND 19"))
        .isEqualTo(20L);
    Pipeline p =
        Pipeline.builder("readings")
            .workingDirectory(dir.resolve("readings"))
            .destination(new NotClosing(lake))
            .build();
    assertThat(p.state().resource("readings").watermarks()).containsEntry("", CursorValue.of(100L));
    lake.close();
  }

  /** Lets several runs share one open test destination. */
  private record NotClosing(DuckDbTestDestination lake)
      implements dev.ducklift.core.spi.Destination {
    @Override
    public String name() {
      return lake.name();
    }

    @Override
    public java.util.Optional<dev.ducklift.core.spi.PipelineState> restoreState(String pipeline) {
      return lake.restoreState(pipeline);
    }

    @Override
    public boolean isCommitted(String pipeline, String loadId) {
      return lake.isCommitted(pipeline, loadId);
    }

    @Override
    public dev.ducklift.core.spi.PromoteResult promote(dev.ducklift.core.spi.StagedLoad load) {
      return lake.promote(load);
    }

    @Override
    public void close() {}
  }
}
