package dev.ducklift.ducklake.promote;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.MergeStrategy;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pipeline of the crash tests and, computed independently of the code under test, the lake one
 * clean run of it leaves, per {@link Mode} (a write disposition, or a merge with hints). Two
 * datasets: {@code A} (loaded before the crash run) and {@code B} (the run that is killed, then run
 * again). The source behaves like an API with a {@code since} parameter: it returns only events at
 * or after the run's start value.
 */
final class CrashScenario {
  static final String PIPELINE = "crash";

  /** The validity boundary of each dataset's load under {@link Mode#SCD2}. */
  static final Map<String, Instant> BOUNDARIES =
      Map.of(
          "A", Instant.parse("2024-01-01T00:00:00Z"), "B", Instant.parse("2024-01-02T00:00:00Z"));

  private CrashScenario() {}

  /** What the crash tests promote. */
  enum Mode {
    APPEND(WriteDisposition.APPEND),
    INSERT_NEW(WriteDisposition.INSERT_NEW),
    MERGE(WriteDisposition.MERGE),
    /** Merge with a {@code hard_delete} flag: some keys of the lake are deleted by dataset B. */
    MERGE_HARD_DELETE(WriteDisposition.MERGE),
    /** Merge with strategy {@code scd2}: every version kept. */
    SCD2(WriteDisposition.MERGE),
    /** Merge into a root table partitioned by a {@code shard} column ({@code s0}..{@code s2}). */
    MERGE_PARTITIONED(WriteDisposition.MERGE);

    final WriteDisposition disposition;

    Mode(WriteDisposition disposition) {
      this.disposition = disposition;
    }

    String configName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static Mode fromConfigName(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  /** Keys of dataset A that dataset B deletes under {@link Mode#MERGE_HARD_DELETE}. */
  static final List<Integer> DELETED = List.of(3, 8, 16);

  /** An event: its key, cursor, value, child item names and hard-delete flag. */
  record Event(int id, long ts, String value, List<String> items, boolean deleted) {
    Event(int id, long ts, String value, List<String> items) {
      this(id, ts, value, items, false);
    }

    Map<String, Object> record() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("ts", ts);
      m.put("value", value);
      if (deleted) {
        m.put("deleted", true);
      }
      List<Map<String, Object>> list = new ArrayList<>();
      for (String s : items) {
        list.add(Map.of("sku", s));
      }
      m.put("items", list);
      return m;
    }
  }

  static List<Event> dataset(String name, Mode mode) {
    WriteDisposition d = mode.disposition;
    List<Event> out = new ArrayList<>();
    if (name.equals("A")) {
      for (int i = 1; i <= 20; i++) {
        out.add(new Event(i, i, "a" + i, items("a", i)));
      }
      return out;
    }
    switch (d) {
      case APPEND -> {
        for (int i = 21; i <= 45; i++) {
          out.add(new Event(i, i, "b" + i, items("b", i)));
        }
      }
      case INSERT_NEW -> {
        // keys 15..20 are in the lake already (same cursor: events never change)
        for (int i = 15; i <= 40; i++) {
          out.add(new Event(i, i, "b" + i, items("b", i)));
        }
        out.add(new Event(30, 30, "b30-last", items("c", 30)));
      }
      case MERGE -> {
        for (int i = 15; i <= 40; i++) {
          out.add(new Event(i, 20 + i, "b" + i, items("b", i)));
        }
        out.add(new Event(30, 50, "b30-newest", items("c", 30)));
        // an older version staged later loses to the newer one; its child rows are the same, as
        // staged child rows cannot tell two versions of one parent key apart
        out.add(new Event(31, 10, "b31-older", items("b", 31)));
        if (mode == Mode.MERGE_HARD_DELETE) {
          for (int id : DELETED) {
            // after the key's own version (16 is also in 15..40): the flag wins by cursor
            out.add(new Event(id, 100 + id, "gone", List.of(), true));
          }
        }
      }
      default -> throw new IllegalArgumentException(d.toString());
    }
    return out;
  }

  private static List<String> items(String prefix, int id) {
    List<String> out = new ArrayList<>();
    for (int j = 0; j < 1 + id % 3; j++) {
      out.add(prefix + id + "-" + j);
    }
    return out;
  }

  /**
   * The parent rows a clean run of A then B leaves, in id order (append: by id then value). Not for
   * {@link Mode#SCD2}, see {@link #expectedVersions}.
   */
  static List<Event> expected(Mode mode) {
    WriteDisposition d = mode.disposition;
    List<Event> a = dataset("A", mode);
    List<Event> b = dataset("B", mode);
    if (d == WriteDisposition.APPEND) {
      List<Event> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }
    Map<Integer, Event> lake = new TreeMap<>();
    for (Event e : a) {
      lake.put(e.id(), e);
    }
    Map<Integer, Event> batch = new LinkedHashMap<>();
    for (Event e : b) {
      Event prev = batch.get(e.id());
      if (prev == null || e.ts() >= prev.ts()) {
        batch.put(e.id(), e);
      }
    }
    for (Event e : batch.values()) {
      if (e.deleted()) {
        lake.remove(e.id());
      } else if (d == WriteDisposition.MERGE || !lake.containsKey(e.id())) {
        lake.put(e.id(), e);
      }
    }
    return new ArrayList<>(lake.values());
  }

  /** A version of an event in an SCD2 table, validity as epoch seconds ({@code null}: current). */
  record Version(Event event, long validFrom, Long validTo) {}

  /**
   * The versions a clean SCD2 run of A then B leaves: a key of B's winners whose ts or value
   * differs from its current version closes that version at B's boundary and adds a new one; keys
   * outside B (an incremental load) stay current.
   */
  static List<Version> expectedVersions() {
    long a = BOUNDARIES.get("A").getEpochSecond();
    long b = BOUNDARIES.get("B").getEpochSecond();
    List<Version> out = new ArrayList<>();
    Map<Integer, Integer> current = new TreeMap<>();
    for (Event e : dataset("A", Mode.SCD2)) {
      current.put(e.id(), out.size());
      out.add(new Version(e, a, null));
    }
    Map<Integer, Event> batch = new LinkedHashMap<>();
    for (Event e : dataset("B", Mode.SCD2)) {
      Event prev = batch.get(e.id());
      if (prev == null || e.ts() >= prev.ts()) {
        batch.put(e.id(), e);
      }
    }
    for (Event e : batch.values()) {
      Integer at = current.get(e.id());
      if (at != null) {
        Event was = out.get(at).event();
        if (was.ts() == e.ts() && was.value().equals(e.value())) {
          continue;
        }
        out.set(at, new Version(was, a, b));
      }
      current.put(e.id(), out.size());
      out.add(new Version(e, b, null));
    }
    return out;
  }

  static Resource resource(String dataset, Mode mode) {
    WriteDisposition d = mode.disposition;
    List<Event> events = dataset(dataset, mode);
    MergeHints hints =
        switch (mode) {
          case MERGE_HARD_DELETE -> MergeHints.builder().hardDelete("deleted").build();
          case SCD2 ->
              MergeHints.builder()
                  .strategy(MergeStrategy.SCD2)
                  .boundaryTimestamp(BOUNDARIES.get(dataset))
                  .build();
          default -> MergeHints.NONE;
        };
    ResourceSpec.Builder builder =
        ResourceSpec.builder("events")
            .primaryKey("id")
            .writeDisposition(d)
            .incremental(
                d == WriteDisposition.APPEND
                    ? Incremental.on("ts")
                    : Incremental.on("ts").withLag(100L))
            .merge(hints);
    boolean partitioned = mode == Mode.MERGE_PARTITIONED;
    if (partitioned) {
      builder.partitionBy("shard");
    }
    ResourceSpec spec = builder.build();
    return Resources.fromFunction(
        spec,
        (context, pages) -> {
          Optional<CursorValue> last = context.lastValue("");
          Optional<CursorValue> start = context.startValue("");
          List<Map<String, Object>> page = new ArrayList<>();
          int n = 0;
          for (Event e : events) {
            CursorValue ts = CursorValue.of(e.ts());
            boolean wanted =
                d == WriteDisposition.APPEND
                    ? last.isEmpty() || ts.compareTo(last.get()) > 0
                    : start.isEmpty() || ts.compareTo(start.get()) >= 0;
            if (!wanted) {
              continue;
            }
            Map<String, Object> record = e.record();
            if (partitioned) {
              record.put("shard", "s" + e.id() % 3);
            }
            page.add(record);
            if (page.size() == 5) {
              pages.accept(new dev.ducklift.core.Page(page, "events page " + ++n));
              page = new ArrayList<>();
            }
          }
          if (!page.isEmpty()) {
            pages.accept(new dev.ducklift.core.Page(page, "events page " + ++n));
          }
        });
  }

  static DuckLakeDestination destination(Path lakeDir) {
    return DuckLakeDestination.builder()
        .catalog(CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")))
        .dataPath(lakeDir.resolve("data"))
        .build();
  }

  /** Runs the pipeline once on dataset {@code A} or {@code B}. */
  static void run(Path lakeDir, Path workDir, Mode mode, String dataset) {
    try (Pipeline p =
        Pipeline.builder(PIPELINE)
            .workingDirectory(workDir)
            .destination(destination(lakeDir))
            .resource(resource(dataset, mode))
            .checkpointEveryPages(1)
            .build()) {
      p.run();
    }
  }
}
