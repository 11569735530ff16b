package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Page;
import dev.ducklift.core.Resource;
import dev.ducklift.jdbc.internal.TableResource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResilienceAndSplitIT {
  private static final int ROWS = 20_000;
  private static PostgresFixture pg;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
    pg.execute(
        "CREATE TABLE drop_me (id bigint PRIMARY KEY, payload text NOT NULL)",
        // ~20 MB, more than the socket buffers hold, so COPY is still sending when it is killed
        "INSERT INTO drop_me SELECT g, repeat('x', 1000) FROM generate_series(1, " + ROWS + ") g",
        // n spreads unevenly over 0..999 and is null for every 97th row
        "CREATE TABLE split_me (id int PRIMARY KEY, n int, at timestamptz NOT NULL)",
        "INSERT INTO split_me SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE (g * g) % 1000 END,"
            + " '2024-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 5000) g");
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  private static Resource resource(
      String table, ReadMethod method, UnaryOperator<JdbcTable.Builder> hints) {
    return pg.source("src")
        .readMethod(method)
        .pageSize(1000)
        .fetchSize(1000)
        .parallelism(3)
        .retries(3, Duration.ofMillis(10))
        .table(hints.apply(JdbcTable.table("public." + table)).build())
        .build()
        .resources()
        .get(0);
  }

  /** Kills the backend reading {@code table} from another connection. */
  private static void terminateReaderOf(String table) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
              + " AND query LIKE '%"
              + table
              + "%' AND query NOT LIKE '%pg_stat_activity%'");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ReadMethod.class,
      names = {"PLAIN", "COPY"})
  void aDroppedConnectionIsResumedAfterTheLastPageHandedOver(ReadMethod method) throws Exception {
    Resource r = resource("drop_me", method, b -> b.incrementing("id"));
    List<Object> ids = new ArrayList<>();
    int[] pages = {0};
    r.extract(
        new EmptyContext(r),
        page -> {
          page.records().forEach(rec -> ids.add(rec.get("id")));
          if (++pages[0] == 2 || pages[0] == 11) {
            terminateReaderOf("drop_me");
          }
          return true;
        });
    assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, ROWS).boxed().toList());
    assertThat(((TableResource) r).resumedReads()).isEqualTo(2);
  }

  @Test
  void aDroppedConnectionFailsAFullReadNamingTheTableAndChunk() {
    Resource r = resource("drop_me", ReadMethod.PLAIN, b -> b);
    List<Page> handedOver = new ArrayList<>();
    assertThatThrownBy(
            () ->
                r.extract(
                    new EmptyContext(r),
                    page -> {
                      handedOver.add(page);
                      if (handedOver.size() == 2) {
                        terminateReaderOf("drop_me");
                      }
                      return true;
                    }))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Reading public.drop_me failed in chunk 1 after 2000 rows in 2 pages")
        .hasMessageContaining("cannot resume")
        .hasMessageNotContaining("postgres\"");
    assertThat(handedOver).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(
      value = ReadMethod.class,
      names = {"PLAIN", "COPY"})
  void shardsCoverTheTableExactlyOnce(ReadMethod method) throws Exception {
    Set<Integer> seen = new HashSet<>();
    int total = 0;
    RangeSplit split = RangeSplit.of("n", 3).withBounds("0", "999");
    RangeSplit computed = RangeSplit.of("n", 4);
    for (RangeSplit s : List.of(split, computed)) {
      seen.clear();
      total = 0;
      for (int shard = 0; shard < s.parts(); shard++) {
        int index = shard;
        Resource r = resource("split_me", method, b -> b.timestamp("at").shard(s, index));
        assertThat(r.spec().name()).isEqualTo("split_me_shard_" + shard + "_of_" + s.parts());
        assertThat(r.spec().tableName()).isEqualTo("split_me");
        Extraction e = Extraction.run(r);
        for (Map<String, Object> rec : e.records) {
          seen.add((Integer) rec.get("id"));
          total++;
        }
      }
      assertThat(total).as("rows read by all shards of %s", s).isEqualTo(5000);
      assertThat(seen).hasSize(5000);
    }
  }

  @Test
  void aParallelInitialLoadReadsEveryRowOnceAndMovesTheWatermarkOnlyAtTheEnd() throws Exception {
    Resource r =
        resource("split_me", ReadMethod.AUTO, b -> b.timestamp("at").split(RangeSplit.of("id", 4)));
    Extraction e = Extraction.run(r);
    assertThat(e.records).hasSize(5001); // the rows at the ceiling are handed over twice
    assertThat(e.records.stream().map(rec -> rec.get("id")).distinct().count()).isEqualTo(5000);
    Page last = e.pages.get(e.pages.size() - 1);
    assertThat(last.stateKey()).isEmpty();
    assertThat(e.pages.subList(0, e.pages.size() - 1))
        .allSatisfy(p -> assertThat(p.stateKey()).startsWith("range_"));
    assertThat(e.state.get("")).isEqualTo(Extraction.cursor(last.records().get(0).get("at")));
    assertThat(e.state.get("").text()).isEqualTo("2024-01-01T01:23:20Z");

    Extraction next = Extraction.run(r, e.state);
    assertThat(next.records).extracting(rec -> rec.get("id")).containsExactly(5000);
  }

  @Test
  void aParallelFullLoadReadsEveryRowOnce() throws Exception {
    Resource r = resource("split_me", ReadMethod.PLAIN, b -> b.split(RangeSplit.of("n", 3)));
    Extraction e = Extraction.run(r);
    assertThat(e.records).hasSize(5000);
    assertThat(e.records.stream().map(rec -> rec.get("id")).distinct().count()).isEqualTo(5000);
    assertThat(e.pages).allSatisfy(p -> assertThat(p.stateKey()).isEmpty());
  }

  /** A first run: no state, no window. */
  private record EmptyContext(Resource resource) implements ExtractContext {
    @Override
    public String pipelineName() {
      return "test";
    }

    @Override
    public dev.ducklift.core.ResourceSpec spec() {
      return resource.spec();
    }

    @Override
    public Optional<CursorValue> lastValue(String stateKey) {
      return Optional.empty();
    }

    @Override
    public Optional<CursorValue> startValue(String stateKey) {
      return Optional.empty();
    }

    @Override
    public Optional<CursorValue> endValue() {
      return Optional.empty();
    }

    @Override
    public Map<String, CursorValue> lastValues() {
      return Map.of();
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  }
}
