package dev.ducklift.ducklake.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnCacheTest {
  private static final List<ColumnNode> V1 =
      List.of(new ColumnNode(1, "id", "int64", true, null, null, List.of()));
  private static final List<ColumnNode> V2 =
      List.of(
          new ColumnNode(1, "id", "int64", true, null, null, List.of()),
          new ColumnNode(2, "note", "varchar", true, null, null, List.of()));

  @Test
  void answersOnlyForTheSchemaVersionTheColumnsWereReadAt() {
    ColumnCache cache = new ColumnCache();
    cache.put(5, "u", 3, V1);

    assertThat(cache.get(5, "u", 3)).isEqualTo(V1);
    assertThat(cache.get(5, "u", 4)).isNull();
    assertThat(cache.get(5, "u", 2)).isNull();
    assertThat(cache.get(6, "u", 3)).isNull();
  }

  @Test
  void doesNotAnswerForATableOfTheSameIdWithAnotherUuid() {
    ColumnCache cache = new ColumnCache();
    cache.put(5, "old", 3, V1);

    assertThat(cache.get(5, "new", 3)).isNull();
  }

  @Test
  void keepsTheNewerVersionWhenAnOlderOneIsReadLater() {
    ColumnCache cache = new ColumnCache();
    cache.put(5, "u", 4, V2);
    cache.put(5, "u", 3, V1);

    assertThat(cache.get(5, "u", 4)).isEqualTo(V2);
    assertThat(cache.get(5, "u", 3)).isNull();
  }

  @Test
  void replacesAnOlderVersionWithANewerOne() {
    ColumnCache cache = new ColumnCache();
    cache.put(5, "u", 3, V1);
    cache.put(5, "u", 4, V2);

    assertThat(cache.get(5, "u", 4)).isEqualTo(V2);
    assertThat(cache.get(5, "u", 3)).isNull();
  }

  @Test
  void doesNotRememberATableWithoutUuid() {
    ColumnCache cache = new ColumnCache();
    cache.put(5, null, 3, V1);

    assertThat(cache.get(5, null, 3)).isNull();
  }

  @Test
  void staysBoundedWithManyTables() {
    ColumnCache cache = new ColumnCache();
    for (int t = 0; t < ColumnCache.MAX_TABLES * 2; t++) {
      cache.put(t, "u", 1, V1);
    }

    assertThat(cache.size()).isLessThanOrEqualTo(ColumnCache.MAX_TABLES);
    assertThat(cache.get(ColumnCache.MAX_TABLES * 2 - 1, "u", 1)).isEqualTo(V1);
  }
}
