package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotChangeTest {
  @Test
  void splitsEntriesButNotCommasInsideQuotedNames() {
    List<SnapshotChange> changes =
        SnapshotChange.parse(
            "created_table:\"main\".\"a,b\",inserted_into_table:12,created_schema:\"x\"");
    assertThat(changes)
        .extracting(SnapshotChange::type)
        .containsExactly("created_table", "inserted_into_table", "created_schema");
    assertThat(changes.get(0).names()).containsExactly("main", "a,b");
    assertThat(changes.get(1).hasId()).isTrue();
    assertThat(changes.get(1).id()).isEqualTo(12);
    assertThat(changes.get(2).names()).containsExactly("x");
  }

  @Test
  void unescapesDoubledQuotesInNames() {
    SnapshotChange change = SnapshotChange.parse("created_table:\"s\".\"say \"\"hi\"\"\"").get(0);
    assertThat(change.names()).containsExactly("s", "say \"hi\"");
  }

  @Test
  void splitsQuotedColumnAliases() {
    assertThat(SnapshotChange.quotedNames("\"a\",\"b,c\"")).containsExactly("a", "b,c");
    assertThat(SnapshotChange.quotedNames("")).isEmpty();
  }

  @Test
  void readsNothingFromAnEmptyOrNullText() {
    assertThat(SnapshotChange.parse(null)).isEmpty();
    assertThat(SnapshotChange.parse("")).isEmpty();
  }

  @Test
  void rejectsMalformedText() {
    assertThatThrownBy(() -> SnapshotChange.parse("inserted_into_table"))
        .isInstanceOf(DuckliftException.class);
    assertThatThrownBy(() -> SnapshotChange.parse("created_table:\"open"))
        .isInstanceOf(DuckliftException.class);
    assertThatThrownBy(() -> SnapshotChange.parse("created_table:main.t").get(0).names())
        .isInstanceOf(DuckliftException.class);
    assertThat(SnapshotChange.parse("dropped_table:x").get(0).hasId()).isFalse();
  }
}
