package dev.ducklift.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.jdbc.internal.ResolvedTable.MappedColumn;
import dev.ducklift.jdbc.spi.SourceColumn;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyBinaryParserTest {

  /** Header, then rows of fields (null for NULL), then the trailer, as PostgreSQL writes them. */
  private static byte[] export(byte[]... rows) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write("PGCOPY\n".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[] {(byte) 0xff, '\r', '\n', 0});
    out.writeInt(0);
    out.writeInt(3);
    out.write(new byte[] {9, 9, 9}); // a header extension, skipped
    for (byte[] row : rows) {
      out.write(row);
    }
    out.writeShort(-1);
    return bytes.toByteArray();
  }

  private static byte[] row(byte[]... fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(fields.length);
    for (byte[] f : fields) {
      out.writeInt(f == null ? -1 : f.length);
      if (f != null) {
        out.write(f);
      }
    }
    return bytes.toByteArray();
  }

  private static List<List<String>> parse(int columns, byte[]... chunks) {
    List<List<String>> rows = new ArrayList<>();
    CopyBinaryParser parser = new CopyBinaryParser(columns);
    for (byte[] chunk : chunks) {
      parser.feed(
          chunk,
          f -> {
            List<String> row = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
              row.add(
                  f.isNull(i)
                      ? null
                      : HexFormat.of()
                          .formatHex(Arrays.copyOfRange(f.bytes(i), f.start(i), f.end(i))));
            }
            rows.add(row);
          });
    }
    assertThat(parser.incomplete()).isFalse();
    return rows;
  }

  @Test
  void rowsSplitAcrossChunksAtEveryByteGiveTheSameFields() throws IOException {
    byte[] all =
        export(
            row(new byte[] {1, 2}, null, new byte[0]),
            row(new byte[] {3}, new byte[] {4, 5, 6, 7}, null));
    List<List<String>> whole = parse(3, all);
    assertThat(whole)
        .containsExactly(Arrays.asList("0102", null, ""), Arrays.asList("03", "04050607", null));
    for (int cut = 1; cut < all.length; cut++) {
      for (int cut2 = cut; cut2 < all.length; cut2 += 5) {
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
  }

  @Test
  void anExportWithoutItsTrailerOrWithTheWrongFieldCountFails() throws IOException {
    byte[] all = export(row(new byte[] {1}));
    CopyBinaryParser parser = new CopyBinaryParser(1);
    parser.feed(Arrays.copyOf(all, all.length - 2), f -> {});
    assertThat(parser.incomplete()).isTrue();
    assertThatThrownBy(() -> parse(2, all)).hasMessageContaining("1 fields, expected 2");
    assertThatThrownBy(
            () -> parse(1, "not a copy export at all".getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("binary signature");
  }

  private static MappedColumn column(String type) {
    SourceColumn source = new SourceColumn("c", Types.OTHER, type, 0, 0, true);
    return new MappedColumn(
        source, new PostgresDialect().typeMapping().find(source).orElseThrow(), "c");
  }

  private static byte[] int64(long v) {
    return java.nio.ByteBuffer.allocate(8).putLong(v).array();
  }

  private static byte[] int32(int v) {
    return java.nio.ByteBuffer.allocate(4).putInt(v).array();
  }

  @Test
  void cursorValuesDecodedFromBinaryEqualTheirTextDecoding() {
    Instant pgEpoch = Instant.parse("2000-01-01T00:00:00Z");
    for (String text :
        List.of(
            "2024-01-01 00:00:00.123456+00",
            "1999-12-31 23:59:59.999999+00",
            "1970-01-01 00:00:00+00",
            "0044-03-15 00:00:00+00 BC")) {
      Instant instant = PgText.timestamptz(text).toInstant();
      long micros =
          (instant.getEpochSecond() - pgEpoch.getEpochSecond()) * 1_000_000
              + instant.getNano() / 1000;
      MappedColumn tstz = column("timestamptz");
      assertThat(TypedColumns.binaryObject(tstz, int64(micros), 0, 8))
          .as(text)
          .isEqualTo(tstz.mapping().textDecoder().decode(text));
      String local = text.replace("+00", "");
      MappedColumn ts = column("timestamp");
      assertThat(TypedColumns.binaryObject(ts, int64(micros), 0, 8))
          .as(local)
          .isEqualTo(ts.mapping().textDecoder().decode(local));
    }
    MappedColumn tstz = column("timestamptz");
    assertThat(TypedColumns.binaryObject(tstz, int64(Long.MAX_VALUE), 0, 8))
        .isEqualTo(tstz.mapping().textDecoder().decode("infinity"));
    MappedColumn date = column("date");
    long days = LocalDate.of(2024, 2, 29).toEpochDay() - LocalDate.of(2000, 1, 1).toEpochDay();
    assertThat(TypedColumns.binaryObject(date, int32((int) days), 0, 4))
        .isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(TypedColumns.binaryObject(date, int32(Integer.MIN_VALUE), 0, 4))
        .isEqualTo(date.mapping().textDecoder().decode("-infinity"));
    assertThat(TypedColumns.binaryObject(column("int8"), int64(Long.MIN_VALUE), 0, 8))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(TypedColumns.binaryObject(column("int4"), int32(-7), 0, 4)).isEqualTo(-7);
    assertThat(TypedColumns.binaryObject(column("int2"), new byte[] {(byte) 0x80, 0}, 0, 2))
        .isEqualTo(-32768);
    assertThat(TypedColumns.hasBinaryObject(column("numeric"))).isFalse();
    assertThat(TypedColumns.hasBinaryObject(column("text"))).isFalse();
  }
}
