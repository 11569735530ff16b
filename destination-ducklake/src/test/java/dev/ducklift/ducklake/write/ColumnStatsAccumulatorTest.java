package dev.ducklift.ducklake.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnStatsAccumulatorTest {
  /** Captures what the accumulator binds (contains_null, contains_nan, min, max). */
  private static Map<Integer, Object> bound(ColumnStatsAccumulator a) throws Exception {
    Map<Integer, Object> values = new HashMap<>();
    PreparedStatement ps =
        (PreparedStatement)
            Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("setNull")) {
                    values.put((Integer) args[0], null);
                  } else if (method.getName().startsWith("set")) {
                    values.put((Integer) args[0], args[1]);
                  }
                  return null;
                });
    a.bind(ps, 1);
    return values;
  }

  private static FileColumnStats stats(
      Long values, Long nulls, String min, String max, Boolean nan) {
    return new FileColumnStats(1, 10L, values, nulls, min, max, nan);
  }

  @Test
  void boundsWidenAndNullsAccumulate() throws Exception {
    ColumnStatsAccumulator a = ColumnStatsAccumulator.existing("int64", false, null, "5", "9");
    a.add(stats(3L, 0L, "10", "12", null));
    a.add(stats(2L, 1L, "-3", "0", null));
    assertThat(bound(a)).containsEntry(1, true).containsEntry(3, "-3").containsEntry(4, "12");
  }

  @Test
  void aFileWithValuesButNoBoundsMakesTheBoundsUnknown() throws Exception {
    ColumnStatsAccumulator a = ColumnStatsAccumulator.empty("float32");
    a.add(stats(5L, 0L, "1.5", "2.5", false));
    a.add(stats(3L, 0L, null, null, true));
    a.add(stats(2L, 0L, "-100", "100", false));
    assertThat(bound(a)).containsEntry(2, true).containsEntry(3, null).containsEntry(4, null);
  }

  @Test
  void allNullFilesLeaveBoundsAloneAndUnknownCountsMakeContainsNullUnknown() throws Exception {
    ColumnStatsAccumulator a = ColumnStatsAccumulator.empty("varchar");
    a.add(stats(0L, 4L, null, null, null));
    a.add(stats(2L, 0L, "a", "b", null));
    assertThat(bound(a)).containsEntry(1, true).containsEntry(3, "a").containsEntry(4, "b");
    a.add(stats(null, null, null, null, null));
    assertThat(bound(a)).containsEntry(1, null).containsEntry(3, null);
  }
}
