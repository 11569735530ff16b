package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.spi.TypedResource;
import dev.ducklift.core.spi.TypedRowSink;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows staged column-typed land exactly as normalized records do, with the same checkpoints. */
class TypedStagingIT {

  @TempDir Path dir;
  private DuckDbTestDestination typedLake;
  private DuckDbTestDestination recordLake;

  @BeforeEach
  void open() {
    typedLake = new DuckDbTestDestination(dir.resolve("typed.duckdb"));
    recordLake = new DuckDbTestDestination(dir.resolve("records.duckdb"));
  }

  @AfterEach
  void close() {
    typedLake.close();
    recordLake.close();
  }

  private static final List<Column> COLUMNS =
      List.of(
          new Column("id", DataType.BIGINT, false),
          new Column("updated_at", DataType.TIMESTAMPTZ, false),
          new Column("name", DataType.TEXT, true),
          new Column("doc", DataType.JSON, true));

  private static ResourceSpec spec() {
    ResourceSpec.Builder b =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .incremental(Incremental.on("updated_at"))
            .maxNestingDepth(0);
    for (Column c : COLUMNS) {
      b.column(new ColumnHint(c.name(), c.type(), c.nullable()));
    }
    return b.build();
  }

  /** Rows {@code (id, minute, name)} served in pages of three, from the start value on. */
  static final class Rows implements TypedResource {
    final List<Object[]> rows = new ArrayList<>();
    int failAfterPages = -1;

    Rows add(long id, int minute, String name) {
      rows.add(new Object[] {id, OffsetDateTime.parse(ts(minute)), name});
      return this;
    }

    @Override
    public ResourceSpec spec() {
      return TypedStagingIT.spec();
    }

    @Override
    public List<Column> columns() {
      return COLUMNS;
    }

    private List<Object[]> window(ExtractContext context) {
      OffsetDateTime start =
          context.startValue().map(v -> (OffsetDateTime) v.value()).orElse(OffsetDateTime.MIN);
      return rows.stream().filter(r -> !((OffsetDateTime) r[1]).isBefore(start)).toList();
    }

    @Override
    public void extract(ExtractContext context, PageConsumer pages) {
      List<Map<String, Object>> page = new ArrayList<>();
      int served = 0;
      for (Object[] r : window(context)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r[0]);
        m.put("updated_at", r[1]);
        m.put("name", r[2]);
        m.put("doc", r[2] == null ? null : Map.of("name", r[2]));
        page.add(m);
        if (page.size() == 3) {
          if (served++ == failAfterPages) {
            throw new IllegalStateException("source broke");
          }
          pages.accept(new Page(page, "page " + served));
          page = new ArrayList<>();
        }
      }
      if (!page.isEmpty()) {
        pages.accept(new Page(page, "last page"));
      }
    }

    @Override
    public void extractTyped(ExtractContext context, TypedRowSink sink) {
      int inPage = 0;
      int served = 0;
      for (Object[] r : window(context)) {
        OffsetDateTime t = (OffsetDateTime) r[1];
        sink.setLong(0, (Long) r[0]);
        sink.setEpochMicros(1, t.toEpochSecond() * 1_000_000L + t.getNano() / 1000);
        sink.setObject(2, r[2]);
        sink.setObject(3, r[2] == null ? null : "{\"name\":\"" + r[2] + "\"}");
        sink.endRow();
        if (++inPage == 3) {
          if (served++ == failAfterPages) {
            sink.discardPage();
            throw new IllegalStateException("source broke");
          }
          sink.endPage("page " + served, "", Map.of());
          inPage = 0;
        }
      }
      if (inPage > 0) {
        sink.endPage("last page", "", Map.of());
      }
    }
  }

  /** The same rows, seen only as records. */
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

  private static String ts(int minute) {
    return String.format("2024-05-01T10:%02d:00Z", minute);
  }

  private Pipeline pipeline(String name, DuckDbTestDestination lake, Resource resource) {
    return Pipeline.builder("p")
        .workingDirectory(dir.resolve(name))
        .destination(lake)
        .resource(resource)
        .checkpointEveryPages(1)
        .build();
  }

  private static final String ALL =
      "SELECT _dl_id, id, updated_at, name, doc::VARCHAR AS doc FROM orders ORDER BY id";

  @Test
  void typedRowsLandLikeNormalizedRecordsAcrossIncrementalRuns() {
    Rows rows = new Rows();
    for (int i = 1; i <= 8; i++) {
      rows.add(i, i, i == 5 ? null : "n" + i);
    }
    Pipeline typed = pipeline("typed", typedLake, rows);
    Pipeline records = pipeline("records", recordLake, new RecordsOnly(rows));
    assertThat(typed.run().rowsInserted()).isEqualTo(8);
    assertThat(records.run().rowsInserted()).isEqualTo(8);
    rows.add(9, 8, "tied at the watermark").add(10, 12, "n10");
    assertThat(typed.run().rowsInserted()).isEqualTo(2);
    assertThat(records.run().rowsInserted()).isEqualTo(2);

    assertThat(typedLake.query(ALL)).isEqualTo(recordLake.query(ALL)).hasSize(10);
    assertThat(typed.state().resource("orders").watermarks().get(""))
        .isEqualTo(records.state().resource("orders").watermarks().get(""))
        .isEqualTo(CursorValue.of(OffsetDateTime.parse(ts(12))));
  }

  @Test
  void aFailedTypedLoadKeepsItsCheckpointedPagesAndTheNextRunLoadsEverythingOnce() {
    Rows rows = new Rows();
    for (int i = 1; i <= 10; i++) {
      rows.add(i, i, "n" + i);
    }
    rows.failAfterPages = 2; // pages 1-2 are ended and checkpointed, page 3 is dropped
    Pipeline typed = pipeline("typed", typedLake, rows);
    assertThatThrownBy(typed::run)
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("source broke");
    assertThat(typedLake.count("orders")).isZero();

    rows.failAfterPages = -1;
    RunResult resumed = typed.run();
    assertThat(resumed.resumedLoads()).hasSize(1);
    assertThat(typedLake.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM orders"))
        .containsExactly(Map.of("n", 10L, "d", 10L));
    assertThat(typed.state().resource("orders").watermarks().get(""))
        .isEqualTo(CursorValue.of(OffsetDateTime.parse(ts(10))));
  }
}
