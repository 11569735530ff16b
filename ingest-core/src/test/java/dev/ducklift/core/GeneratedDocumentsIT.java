package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random valid JSON documents never crash normalization or staging, and every child table holds
 * exactly one row per array element.
 */
class GeneratedDocumentsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] KEYS = {"a", "b", "c", "d", "e", "f", "g", "h"};
  private static final int MAX_DEPTH = 4;

  @TempDir Path dir;

  private final Map<String, Long> expectedChildRows = new HashMap<>();

  @RepeatedTest(4)
  void randomDocumentsStageAndChildRowCountsEqualArrayLengths(RepetitionInfo info)
      throws Exception {
    Random random = new Random(1000L + info.getCurrentRepetition());
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Map<String, Object> doc = randomObject(random, 0);
      // Through JSON text and back, as a source would deliver it.
      String text = JSON.writeValueAsString(doc);
      Map<String, Object> parsed =
          JSON.readValue(text, new TypeReference<Map<String, Object>>() {});
      count(parsed, "docs", 0);
      records.add(parsed);
    }
    ResourceSpec spec = ResourceSpec.builder("docs").maxNestingDepth(MAX_DEPTH).build();
    try (DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
        Pipeline pipeline =
            Pipeline.builder("gen")
                .workingDirectory(dir.resolve("work"))
                .destination(lake)
                .resource(Resources.ofRecords(spec, records, 37))
                .checkpointEvery(500)
                .build()) {
      RunResult result = pipeline.run();

      assertThat(lake.count("docs")).isEqualTo(records.size());
      for (Map.Entry<String, Long> e : expectedChildRows.entrySet()) {
        assertThat(lake.count(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      }
      long childTables = result.tables().stream().filter(t -> t.table().contains("__")).count();
      assertThat(childTables).isEqualTo(expectedChildRows.size());
    }
  }

  /** Counts array elements per child table, the way a reader of the docs would name them. */
  private void count(Object value, String table, int level) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        visitField(e.getValue(), table, (String) e.getKey(), level);
      }
    }
  }

  private void visitField(Object value, String table, String path, int level) {
    if (value instanceof Map<?, ?> map) {
      if (level + 1 <= MAX_DEPTH) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          visitField(e.getValue(), table, path + "__" + e.getKey(), level + 1);
        }
      }
    } else if (value instanceof List<?> list && !list.isEmpty() && level + 1 <= MAX_DEPTH) {
      String child = table + "__" + path;
      expectedChildRows.merge(child, (long) list.size(), Long::sum);
      for (Object element : list) {
        if (element instanceof Map<?, ?>) {
          count(element, child, level + 1);
        } else {
          visitField(element, child, "value", level + 1);
        }
      }
    }
  }

  private static Map<String, Object> randomObject(Random random, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    int fields = random.nextInt(depth == 0 ? 6 : 4) + (depth == 0 ? 1 : 0);
    for (int i = 0; i < fields; i++) {
      map.put(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth + 1));
    }
    return map;
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 5 ? 8 : 11);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextInt(1000) - 500;
      case 3 -> random.nextLong();
      case 4 -> random.nextDouble() * 1e6;
      case 5 -> "text-" + random.nextInt(100);
      case 6 ->
          String.format("2024-%02d-%02dT10:00:00Z", 1 + random.nextInt(12), 1 + random.nextInt(28));
      case 7 -> new BigDecimal(random.nextInt(100000)).movePointLeft(random.nextInt(4)).toString();
      case 8, 9 -> randomObject(random, depth);
      default -> {
        List<Object> list = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          list.add(randomValue(random, depth + 1));
        }
        yield list;
      }
    };
  }
}
