package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Resource;
import dev.ducklift.jdbc.internal.TableResource;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IncrementalReadIT {
  private static PostgresFixture pg;
  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  private static Resource resource(
      String table, ReadMethod method, int pageSize, UnaryOperator<JdbcTable.Builder> hints) {
    return pg.source("src")
        .readMethod(method)
        .pageSize(pageSize)
        .fetchSize(pageSize)
        .table(hints.apply(JdbcTable.table("public." + table)).build())
        .build()
        .resources()
        .get(0);
  }

  private static List<Object> ids(Extraction e, String column) {
    return e.records.stream().map(r -> r.get(column)).toList();
  }

  @ParameterizedTest
  @EnumSource(
      value = ReadMethod.class,
      names = {"PLAIN", "COPY"})
  void incrementingIdReadsOnlyNewRows(ReadMethod method) throws Exception {
    String t = "inc_" + method.configName();
    pg.execute(
        "CREATE TABLE " + t + " (id bigint PRIMARY KEY, v text NOT NULL)",
        "INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(1, 25) g");
    Resource r = resource(t, method, 10, b -> b.incrementing("id"));
    Extraction first = Extraction.run(r);
    assertThat(first.records).hasSize(25);
    assertThat(first.pages).hasSize(3);
    assertThat(first.state).containsEntry("", CursorValue.of(25L));

    pg.execute("INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(26, 30) g");
    Extraction second = Extraction.run(r, first.state);
    assertThat(ids(second, "id")).containsExactly(26L, 27L, 28L, 29L, 30L);

    Extraction third = Extraction.run(r, second.state);
    assertThat(third.records).isEmpty();
    assertThat(third.state).isEqualTo(second.state);
  }

  @Test
  void initialValueStartsTheFirstRunAndEndValueBoundsAWindowWithoutMovingState() throws Exception {
    pg.execute(
        "CREATE TABLE bounded (id int PRIMARY KEY)",
        "INSERT INTO bounded SELECT generate_series(1, 100)");
    Extraction fromInitial =
        Extraction.run(
            resource(
                "bounded", ReadMethod.PLAIN, 50, b -> b.incrementing("id").initialValue("90")));
    assertThat(ids(fromInitial, "id")).containsExactly(90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100);

    Resource window =
        resource(
            "bounded",
            ReadMethod.COPY,
            50,
            b -> b.incrementing("id").initialValue("10").endValue("15"));
    Extraction backfill = Extraction.run(window, Map.of("", CursorValue.of(100L)));
    assertThat(ids(backfill, "id")).containsExactly(10, 11, 12, 13, 14);
    assertThat(backfill.state).containsExactly(Map.entry("", CursorValue.of(100L)));
  }

  @ParameterizedTest
  @EnumSource(
      value = ReadMethod.class,
      names = {"PLAIN", "COPY"})
  void timestampWithLagPicksUpRowsCommittedLateWithinTheLag(ReadMethod method) throws Exception {
    String t = "ts_" + method.configName();
    pg.execute(
        "CREATE TABLE " + t + " (id int PRIMARY KEY, updated_at timestamptz NOT NULL)",
        "INSERT INTO "
            + t
            + " SELECT g, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute'"
            + " FROM generate_series(1, 10) g");
    Resource r = resource(t, method, 4, b -> b.timestamp("updated_at").lag(Duration.ofMinutes(5)));
    Extraction first = Extraction.run(r);
    assertThat(first.records).hasSize(10);
    assertThat(first.state).containsEntry("", CursorValue.of(T0.plusMinutes(10)));

    // Committed after the first run, stamped before its watermark: 3 minutes late is within the
    // lag, 7 minutes late is not.
    pg.execute(
        "INSERT INTO "
            + t
            + " VALUES (11, '2024-01-01 00:07:30+00'), (12, '2024-01-01 00:03:00+00')",
        "INSERT INTO " + t + " VALUES (13, '2024-01-01 00:11:00+00')");
    Extraction second = Extraction.run(r, first.state);
    // Everything from watermark - lag (00:05) is read again; the primary key removes repeats.
    assertThat(ids(second, "id")).containsExactly(5, 6, 7, 11, 8, 9, 10, 13);
    assertThat(second.state).containsEntry("", CursorValue.of(T0.plusMinutes(11)));
  }

  @ParameterizedTest
  @EnumSource(
      value = ReadMethod.class,
      names = {"PLAIN", "COPY"})
  void timestampTiesAreBrokenStrictlyByTheId(ReadMethod method) throws Exception {
    String t = "ties_" + method.configName();
    pg.execute(
        "CREATE TABLE " + t + " (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
        "INSERT INTO "
            + t
            + " SELECT g, '2024-01-01 00:00:00+00'::timestamptz + (g / 4) * interval '1 second'"
            + " FROM generate_series(1, 9) g");
    // Pages of 3 end in the middle of a run of equal timestamps.
    Resource r = resource(t, method, 3, b -> b.timestampAndIncrementing("at", "id"));
    Extraction first = Extraction.run(r);
    assertThat(ids(first, "id")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(first.state)
        .containsEntry("", CursorValue.of(T0.plusSeconds(2)))
        .containsEntry(TableResource.TIEBREAK_KEY, CursorValue.of(9L));

    // A row sharing the last timestamp, and one before it that is never read (strict mode).
    pg.execute(
        "INSERT INTO "
            + t
            + " VALUES (10, '2024-01-01 00:00:02+00'), (11, '2024-01-01 00:00:03+00')",
        "INSERT INTO " + t + " VALUES (12, '2024-01-01 00:00:01+00')");
    Extraction second = Extraction.run(r, first.state);
    assertThat(ids(second, "id")).containsExactly(10L, 11L);

    // A run that stops halfway through a tie resumes inside it.
    Extraction partial =
        Extraction.run(
            r,
            Map.of(
                "",
                CursorValue.of(T0.plusSeconds(1)),
                TableResource.TIEBREAK_KEY,
                CursorValue.of(5L)));
    assertThat(ids(partial, "id")).containsExactly(6L, 7L, 12L, 8L, 9L, 10L, 11L);
  }
}
