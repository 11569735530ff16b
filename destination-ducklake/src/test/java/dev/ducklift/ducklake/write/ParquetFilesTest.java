package dev.ducklift.ducklake.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ParquetFilesTest {
  @Test
  void exactNameEscapesEveryCodePointAndAnchorsBothEnds() {
    assertThat(ParquetFiles.exactName("id")).isEqualTo("^\\x{69}\\x{64}$");
    assertThat(ParquetFiles.exactName("a.b")).isEqualTo("^\\x{61}\\x{2e}\\x{62}$");
    assertThat(ParquetFiles.exactName("ü😀")).isEqualTo("^\\x{fc}\\x{1f600}$");
  }

  @Test
  void exactNameMatchesOnlyTheNameItself() {
    // java.util.regex reads \x{h..h} like RE2, so it can stand in for DuckDB's matcher here
    for (String name : new String[] {"id", "a.b", "x*", "q'\"", "ID", "with space", "é"}) {
      Pattern p = Pattern.compile(ParquetFiles.exactName(name));
      assertThat(p.matcher(name).find()).as(name).isTrue();
      assertThat(p.matcher(name + "x").find()).as(name).isFalse();
      assertThat(p.matcher("x" + name).find()).as(name).isFalse();
      assertThat(p.matcher(name.toUpperCase()).find())
          .as(name)
          .isEqualTo(name.equals(name.toUpperCase()));
    }
  }
}
