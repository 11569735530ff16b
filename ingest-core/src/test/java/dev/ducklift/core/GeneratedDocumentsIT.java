package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.math.BigDecimal;
import java.math.BigInteger;
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
 * Random valid JSON documents never crash normalization or staging, the child tables hold exactly
 * one row per array element, and numbers and timestamps of any form never split into variant
 * columns of their own kind.
 */
class GeneratedDocumentsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Keys, some of which normalize to the same name ({@code A}, {@code a}; {@code C-c}, {@code
   * c_c}).
   */
  private static final String[] KEYS = {
    "a", "b", "c", "d", "e", "f", "g", "h", "A", "B!", "C-c", "c_c"
  };

  private static final java.util.Set<String> NUMBERS =
      java.util.Set.of("bigint", "double", "decimal");
  private static final java.util.Set<String> TEMPORALS =
      java.util.Set.of("date", "timestamp", "timestamptz");
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
      // Colliding names give suffixed tables, so compare the rows of all child tables together.
      long childRows = 0;
      for (TableRunResult t : result.tables()) {
        if (t.table().contains("__")) {
          childRows += lake.count(t.table());
        }
      }
      assertThat(childRows)
          .isEqualTo(expectedChildRows.values().stream().mapToLong(Long::longValue).sum());
      // A variant column holds a value of another kind than its column: never a number in a
      // number column, nor a date or timestamp in a date or timestamp column.
      Map<String, String> types = new HashMap<>();
      for (Map<String, Object> c :
          lake.query(
              "SELECT table_name || '.' || column_name AS c, data_type AS t FROM information_schema.columns")) {
        types.put((String) c.get("c"), ((String) c.get("t")).toLowerCase(java.util.Locale.ROOT));
      }
      for (Map.Entry<String, String> e : types.entrySet()) {
        int at = e.getKey().lastIndexOf("__v_");
        if (at < 0) {
          continue;
        }
        String kind = e.getKey().substring(at + 4);
        String base = kindOf(types.get(e.getKey().substring(0, at)));
        assertThat(NUMBERS.contains(kind) && NUMBERS.contains(base))
            .as("%s beside a %s column", e.getKey(), base)
            .isFalse();
        assertThat(TEMPORALS.contains(kind) && TEMPORALS.contains(base))
            .as("%s beside a %s column", e.getKey(), base)
            .isFalse();
      }
    }
  }

  private static String kindOf(String duckdbType) {
    if (duckdbType == null) {
      return "";
    }
    if (duckdbType.startsWith("decimal")) {
      return "decimal";
    }
    return switch (duckdbType) {
      case "timestamp with time zone" -> "timestamptz";
      case "float" -> "double";
      case "integer", "smallint", "hugeint" -> "bigint";
      default -> duckdbType;
    };
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
    int kind = random.nextInt(depth > 5 ? 14 : 17);
    String day = String.format("2024-%02d-%02d", 1 + random.nextInt(12), 1 + random.nextInt(28));
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextInt(1000) - 500;
      case 3 -> random.nextLong();
      case 4 -> random.nextDouble() * 1e6;
      case 5 -> "text-" + random.nextInt(100);
      case 6 -> day + "T10:00:00Z";
      case 7 -> new BigDecimal(random.nextInt(100000)).movePointLeft(random.nextInt(4)).toString();
      // exponents: a JSON number such as 1.2345E-200
      case 8 -> random.nextDouble() * Math.pow(10, random.nextInt(600) - 300);
      // integers beyond 64 bits, some beyond 38 digits
      case 9 -> new BigInteger(64 + random.nextInt(80), random).add(BigInteger.ONE.shiftLeft(64));
      // naive timestamps, offsets other than Z, dates
      case 10 -> day + "T" + String.format("%02d:30:00", random.nextInt(24));
      case 11 -> day + "T10:00:00" + (random.nextBoolean() ? "+02:00" : "-05:30");
      case 12 -> day;
      case 13 -> random.nextInt(3) - 1 + 0.5;
      case 14, 15 -> randomObject(random, depth);
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
