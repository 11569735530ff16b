package dev.ducklift.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.spi.TypedRowSink;
import dev.ducklift.jdbc.internal.ResolvedTable.MappedColumn;
import dev.ducklift.jdbc.spi.SourceColumn;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values set from COPY bytes are exactly those set from the same text as a string. */
class TypedColumnsTest {

  /** Records every call as text; a text value set as bytes is recorded as its string. */
  private static final class RecordingSink implements TypedRowSink {
    final List<String> calls = new ArrayList<>();
    boolean sawBytes;

    @Override
    public void stateKey(String stateKey) {}

    @Override
    public void setLong(int column, long value) {
      calls.add("long " + value);
    }

    @Override
    public void setDouble(int column, double value) {
      calls.add("double " + value);
    }

    @Override
    public void setBoolean(int column, boolean value) {
      calls.add("boolean " + value);
    }

    @Override
    public void setEpochMicros(int column, long micros) {
      calls.add("micros " + micros);
    }

    @Override
    public void setEpochDays(int column, int days) {
      calls.add("days " + days);
    }

    @Override
    public void setObject(int column, Object value) {
      calls.add(value == null ? "null" : value.getClass().getSimpleName() + " " + value);
    }

    @Override
    public void setUtf8(int column, byte[] utf8, int from, int length) {
      sawBytes = true;
      TypedRowSink.super.setUtf8(column, utf8, from, length);
    }

    @Override
    public void endRow() {}

    @Override
    public void discardPage() {}

    @Override
    public boolean endPage(String description, String stateKey, Map<String, CursorValue> p) {
      return true;
    }
  }

  private static MappedColumn column(String type) {
    SourceColumn source = new SourceColumn("c", Types.OTHER, type, 0, 0, true);
    return new MappedColumn(
        source, new PostgresDialect().typeMapping().find(source).orElseThrow(), "c");
  }

  private static String viaText(MappedColumn c, String text) {
    RecordingSink sink = new RecordingSink();
    boolean json = c.source().typeName().startsWith("json");
    try {
      TypedColumns.fromText(c, true, json).set(sink, 0, text);
    } catch (RuntimeException e) {
      return "fails";
    }
    return String.join(", ", sink.calls);
  }

  /**
   * Sets the value from bytes in the middle of a larger buffer, with a fresh and a reused reader.
   */
  private static String viaBytes(TypedColumns.FromBytes reader, String text, boolean[] bytes) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] buffer = new byte[utf8.length + 6];
    java.util.Arrays.fill(buffer, (byte) '\t');
    System.arraycopy(utf8, 0, buffer, 3, utf8.length);
    RecordingSink sink = new RecordingSink();
    try {
      reader.set(sink, 0, buffer, 3, 3 + utf8.length);
    } catch (RuntimeException e) {
      return "fails";
    }
    bytes[0] |= sink.sawBytes;
    return String.join(", ", sink.calls);
  }

  private static void assertSameAsText(String type, boolean expectBytes, String... values) {
    MappedColumn c = column(type);
    boolean json = type.startsWith("json");
    TypedColumns.FromBytes reused = TypedColumns.fromBytes(c, true, json);
    boolean[] bytes = {false};
    for (String v : values) {
      String expected = viaText(c, v);
      assertThat(viaBytes(TypedColumns.fromBytes(c, true, json), v, bytes))
          .as("%s '%s'", type, v)
          .isEqualTo(expected);
      assertThat(viaBytes(reused, v, bytes)).as("%s '%s' (reused)", type, v).isEqualTo(expected);
    }
    assertThat(bytes[0]).as("%s handed over as bytes", type).isEqualTo(expectBytes);
  }

  @Test
  void integersParsedFromBytesMatchTheTextPathIncludingLimitsAndBadValues() {
    for (String type : List.of("int2", "int4", "int8")) {
      assertSameAsText(
          type,
          false,
          "0",
          "-1",
          "7",
          "123456789012345678",
          "-123456789012345678",
          "9223372036854775807",
          "-9223372036854775808",
          "9223372036854775808",
          "",
          "-",
          "+5",
          "12a",
          "1.5");
    }
  }

  @Test
  void timestampsWithTimeZoneParsedFromBytesMatchTheTextPathInEveryForm() {
    assertSameAsText(
        "timestamptz",
        false,
        "2024-01-01 00:00:00+00",
        "2024-01-01 00:00:00.123456+00",
        "2024-01-01 00:00:00.1+00",
        "1970-01-01 00:00:00+00",
        "1969-12-31 23:59:59.999999+00",
        "0001-01-01 00:00:00+00",
        "1999-12-31 23:59:59.999999-11",
        "2024-06-01 12:00:00+05:30",
        "0044-03-15 00:00:00+00 BC",
        "infinity",
        "-infinity",
        "2024-13-01 00:00:00+00",
        "not a time");
  }

  @Test
  void uuidsParsedFromBytesMatchTheTextPath() {
    assertSameAsText(
        "uuid",
        false,
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g",
        "a0eebc99x9c0b-4ef8-bb6d-6bb9bd380a11",
        "1-2-3-4-5",
        "");
  }

  @Test
  void textAndJsonGoToTheSinkAsBytesWithTheSameStrings() {
    assertSameAsText("text", true, "", "plain", "dück 🦆", "tab\there", "  spaced  ");
    assertSameAsText("varchar", true, "x", "ü");
    String[] documents = {
      "{\"a\": 1, \"b\": [1, 2.50, null]}",
      "{\"s\": \"q \\\" x  y\", \"t\": \"back\\\\\"}",
      "{}",
      "[1, 2]",
      "\"x y\"",
      "\"dück 🦆\"",
      "12.5"
    };
    assertSameAsText("jsonb", true, documents);
    assertSameAsText("json", true, documents);
  }

  @Test
  void jsonNullStaysNullAndEmptyArraysStayEmptyArraysOnBothPaths() {
    for (String type : List.of("json", "jsonb")) {
      MappedColumn c = column(type);
      for (String v : List.of("null", " null ")) {
        assertThat(viaText(c, v)).as("%s '%s'", type, v).isEmpty();
        assertThat(viaBytes(TypedColumns.fromBytes(c, true, true), v, new boolean[1]))
            .as("%s '%s'", type, v)
            .isEmpty();
      }
      for (String v : List.of("[]", "[ ]")) {
        assertThat(viaText(c, v)).as("%s '%s'", type, v).isEqualTo("String []");
        assertThat(viaBytes(TypedColumns.fromBytes(c, true, true), v, new boolean[1]))
            .as("%s '%s'", type, v)
            .isEqualTo("String []");
      }
    }
  }

  @Test
  void otherTypesTakeTheTextPath() {
    assertSameAsText("date", false, "2024-02-29", "infinity", "0044-03-15 BC");
    assertSameAsText("numeric", false, "1.50", "-0.000001", "NaN");
    assertSameAsText("bool", false, "t", "f");
    assertSameAsText("float8", false, "1e308", "-Infinity", "NaN", "0.1");
  }
}
