package dev.ducklift.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyTextParserTest {

  private static List<List<String>> parse(int columns, byte[]... chunks) {
    List<List<String>> rows = new ArrayList<>();
    CopyTextParser parser = new CopyTextParser(columns);
    for (byte[] chunk : chunks) {
      parser.feed(chunk, fields -> rows.add(Arrays.asList(fields.clone())));
    }
    assertThat(parser.pending()).isFalse();
    return rows;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodesNullsEscapesAndMultiByteCharacters() {
    String text = "1\t\\N\tplain\n2\ta\\tb\\nc\\\\d\\x41\\101\\b\\f\\r\\v\tdück 🦆\n";
    assertThat(parse(3, bytes(text)))
        .containsExactly(
            Arrays.asList("1", null, "plain"),
            Arrays.asList("2", "a\tb\nc\\dAA\b\f\r\u000b", "dück 🦆"));
  }

  @Test
  void rowsSplitAcrossChunksAtEveryByteGiveTheSameFields() {
    byte[] all = bytes("10\tx\\ty\tdück\n20\t\\N\t\n30\t\\\\\tend\n");
    List<List<String>> whole = parse(3, all);
    for (int cut = 1; cut < all.length; cut++) {
      for (int cut2 = cut; cut2 < all.length; cut2 += 3) {
        assertThat(
                parse(
                    3,
                    Arrays.copyOfRange(all, 0, cut),
                    Arrays.copyOfRange(all, cut, cut2),
                    Arrays.copyOfRange(all, cut2, all.length)))
            .as("cut at %d and %d", cut, cut2)
            .isEqualTo(whole);
      }
    }
    assertThat(whole.get(1)).containsExactly("20", null, "");
    assertThat(whole.get(2)).containsExactly("30", "\\", "end");
  }

  @Test
  void octalEscapesOfUtf8BytesDecodeToTheCharacter() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(bytes("\\303\\274\n")); // ü as two escaped bytes
    assertThat(parse(1, b.toByteArray())).containsExactly(List.of("ü"));
  }

  @Test
  void fieldsAsBytesPointIntoTheChunkOrAtTheirDecodedEscapes() {
    List<List<String>> rows = new ArrayList<>();
    List<Boolean> inChunk = new ArrayList<>();
    byte[] chunk = bytes("dück\ta\\tb\t\\N\n");
    new CopyTextParser(3)
        .feedBytes(
            chunk,
            f -> {
              rows.add(Arrays.asList(f.string(0), f.string(1), f.string(2)));
              inChunk.add(f.bytes(0) == chunk && f.bytes(1) != chunk);
              assertThat(f.isNull(2)).isTrue();
              assertThat(
                      new String(
                          f.bytes(0), f.start(0), f.end(0) - f.start(0), StandardCharsets.UTF_8))
                  .isEqualTo("dück");
            });
    assertThat(rows).containsExactly(Arrays.asList("dück", "a\tb", null));
    assertThat(inChunk).containsExactly(true);
  }

  @Test
  void aRowWithTheWrongNumberOfFieldsFails() {
    assertThatThrownBy(() -> parse(2, bytes("1\t2\t3\n")))
        .hasMessageContaining("more than the 2 expected fields");
    assertThatThrownBy(() -> parse(3, bytes("1\t2\n")))
        .hasMessageContaining("2 fields, expected 3");
  }
}
