package dev.ducklift.ducklake.promote;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pipeline of the crash tests and, computed independently of the code under test, the lake one
 * clean run of it leaves. Two datasets: {@code A} (loaded before the crash run) and {@code B} (the
 * run that is killed, then run again). The source behaves like an API with a {@code since}
 * parameter: it returns only events at or after the run's start value.
 */
final class CrashScenario {
  static final String PIPELINE = "crash";

  private CrashScenario() {}

  /** An event: its key, cursor, value and child item names. */
  record Event(int id, long ts, String value, List<String> items) {
    Map<String, Object> record() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("ts", ts);
      m.put("value", value);
      List<Map<String, Object>> list = new ArrayList<>();
      for (String s : items) {
        list.add(Map.of("sku", s));
      }
      m.put("items", list);
      return m;
    }
  }

  static List<Event> dataset(String name, WriteDisposition d) {
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

  /** The parent rows a clean run of A then B leaves, in id order (append: by id then value). */
  static List<Event> expected(WriteDisposition d) {
    List<Event> a = dataset("A", d);
    List<Event> b = dataset("B", d);
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
      if (d == WriteDisposition.MERGE || !lake.containsKey(e.id())) {
        lake.put(e.id(), e);
      }
    }
    return new ArrayList<>(lake.values());
  }

  static Resource resource(String dataset, WriteDisposition d) {
    return resource(dataset, d, false);
  }

  /**
   * The resource; a partitioned one also carries a {@code shard} column ({@code s0}..{@code s2})
   * its root table is partitioned by.
   */
  static Resource resource(String dataset, WriteDisposition d, boolean partitioned) {
    List<Event> events = dataset(dataset, d);
    ResourceSpec.Builder builder =
        ResourceSpec.builder("events")
            .primaryKey("id")
            .writeDisposition(d)
            .incremental(
                d == WriteDisposition.APPEND
                    ? Incremental.on("ts")
                    : Incremental.on("ts").withLag(100L));
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
  static void run(Path lakeDir, Path workDir, WriteDisposition d, String dataset) {
    run(lakeDir, workDir, d, dataset, false);
  }

  /** Runs the pipeline once on dataset {@code A} or {@code B}, optionally partitioned. */
  static void run(
      Path lakeDir, Path workDir, WriteDisposition d, String dataset, boolean partitioned) {
    try (Pipeline p =
        Pipeline.builder(PIPELINE)
            .workingDirectory(workDir)
            .destination(destination(lakeDir))
            .resource(resource(dataset, d, partitioned))
            .checkpointEveryPages(1)
            .build()) {
      p.run();
    }
  }
}
