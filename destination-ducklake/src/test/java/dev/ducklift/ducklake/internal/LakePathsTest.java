package dev.ducklift.ducklake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.ducklake.DuckLakeException;
import org.junit.jupiter.api.Test;

class LakePathsTest {
  @Test
  void plainNamesAreTheirOwnDirectoryOthersGetAUuid() {
    assertThat(LakePaths.directoryFor("events_2024-a")).isEqualTo("events_2024-a/");
    for (String hostile : new String[] {"..", "../x", "a/b", "a b", "it's", "a\"b", ".", ""}) {
      assertThat(LakePaths.directoryFor(hostile)).matches("[0-9a-f-]{36}/");
    }
  }

  @Test
  void relativeCatalogPathsCannotLeaveTheirParent() {
    assertThat(LakePaths.resolve("/lake/", "main/", true)).isEqualTo("/lake/main/");
    assertThat(LakePaths.resolve("/lake/", "/elsewhere/", false)).isEqualTo("/elsewhere/");
    assertThatThrownBy(() -> LakePaths.resolve("/lake/main/", "../../etc/", true))
        .isInstanceOf(DuckLakeException.class);
  }

  @Test
  void uuidsAreVersion7() {
    assertThat(Uuids.v7().version()).isEqualTo(7);
  }
}
