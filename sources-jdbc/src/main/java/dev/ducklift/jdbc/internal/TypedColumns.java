package dev.ducklift.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.spi.EpochValues;
import dev.ducklift.core.spi.TypedRowSink;
import dev.ducklift.jdbc.internal.ResolvedTable.MappedColumn;
import dev.ducklift.jdbc.spi.TextDecoder;
import dev.ducklift.jdbc.spi.ValueReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * Sets column-typed values on a {@link TypedRowSink}, from the bulk export's text or from a result
 * set, exactly as the normalizer would stage the value the column's mapping produces: the common
 * PostgreSQL types are parsed straight from their text, everything else goes through the mapping's
 * decoder or reader. JSON documents whose text is already JSON are staged as that text with
 * insignificant whitespace removed, never parsed.
 */
final class TypedColumns {

  /** Sets one column from its (non-null) exported text. */
  @FunctionalInterface
  interface FromText {
    void set(TypedRowSink sink, int column, String text);
  }

  /** Sets one column (or leaves it null) from a result set's current row. */
  @FunctionalInterface
  interface FromResult {
    void set(TypedRowSink sink, int column, ResultSet rows, int index) throws SQLException;
  }

  /** The normalizer's serializer for lists and maps in JSON columns. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private TypedColumns() {}

  static FromText fromText(MappedColumn c, boolean postgres, boolean jsonText) {
    DataType.Kind kind = c.mapping().type().kind();
    if (jsonText) {
      return (sink, i, text) -> setJsonText(sink, i, text);
    }
    if (postgres) {
      switch (kind) {
        case SMALLINT, INTEGER, BIGINT -> {
          return (sink, i, text) -> sink.setLong(i, Long.parseLong(text));
        }
        case TIMESTAMPTZ -> {
          return (sink, i, text) -> {
            long micros = PgText.timestamptzMicros(text);
            if (micros == Long.MIN_VALUE) {
              set(sink, i, kind, PgText.timestamptz(text));
            } else {
              sink.setEpochMicros(i, micros);
            }
          };
        }
        case TEXT -> {
          if (c.mapping().javaType() == String.class) {
            TextDecoder d = c.mapping().textDecoder();
            return (sink, i, text) -> sink.setObject(i, d.decode(text));
          }
        }
        default -> {}
      }
    }
    TextDecoder decoder = c.mapping().textDecoder();
    return (sink, i, text) -> set(sink, i, kind, decoder.decode(text));
  }

  /**
   * Sets one column from its (non-null) exported text, given as UTF-8 bytes {@code b[from, to)}.
   */
  @FunctionalInterface
  interface FromBytes {
    void set(TypedRowSink sink, int column, byte[] b, int from, int to);
  }

  /**
   * Like {@link #fromText}, without building a string for the common PostgreSQL types: integers,
   * timestamptz and uuids are parsed from the bytes, text and JSON documents go to the sink as
   * bytes; any other type, or a value in an unusual form, goes through {@link #fromText}. Returns a
   * new instance for each read (it holds scratch buffers), for one thread.
   */
  static FromBytes fromBytes(MappedColumn c, boolean postgres, boolean jsonText) {
    FromText text = fromText(c, postgres, jsonText);
    FromBytes viaString =
        (sink, i, b, from, to) ->
            text.set(sink, i, new String(b, from, to - from, StandardCharsets.UTF_8));
    if (jsonText) {
      JsonBytes json = new JsonBytes();
      return json::set;
    }
    if (!postgres) {
      return viaString;
    }
    switch (c.mapping().type().kind()) {
      case SMALLINT, INTEGER, BIGINT -> {
        return (sink, i, b, from, to) -> {
          // At most 18 digits cannot overflow; anything longer or malformed takes the slow path,
          // which also reports a bad value.
          if (to - from <= 18 && to > from) {
            boolean negative = b[from] == '-';
            int k = negative ? from + 1 : from;
            long v = 0;
            int start = k;
            for (; k < to; k++) {
              int d = b[k] - '0';
              if (d < 0 || d > 9) {
                break;
              }
              v = v * 10 + d;
            }
            if (k == to && k > start) {
              sink.setLong(i, negative ? -v : v);
              return;
            }
          }
          viaString.set(sink, i, b, from, to);
        };
      }
      case TIMESTAMPTZ -> {
        PgText.AsciiView view = new PgText.AsciiView();
        return (sink, i, b, from, to) -> {
          long micros = PgText.timestamptzMicros(view.of(b, from, to));
          if (micros == Long.MIN_VALUE) {
            viaString.set(sink, i, b, from, to);
          } else {
            sink.setEpochMicros(i, micros);
          }
        };
      }
      case UUID -> {
        return (sink, i, b, from, to) -> {
          java.util.UUID u = PgText.uuid(b, from, to);
          if (u == null) {
            viaString.set(sink, i, b, from, to);
          } else {
            sink.setObject(i, u);
          }
        };
      }
      case TEXT -> {
        if (c.mapping().textDecoder() == PgText.AS_IS) {
          return (sink, i, b, from, to) -> sink.setUtf8(i, b, from, to - from);
        }
        return viaString;
      }
      default -> {
        return viaString;
      }
    }
  }

  /** Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  /** Days from the Unix epoch to PostgreSQL's epoch, 2000-01-01. */
  private static final int PG_EPOCH_DAYS = 10_957;

  /**
   * A reader of column {@code c}'s binary {@code COPY} form, for the PostgreSQL types whose binary
   * form is simple (integers, floats, booleans, uuids, dates, timestamps, text, json and jsonb), or
   * {@code null}: then export the column as {@code ::text} and read it with {@link #fromBytes}.
   * Values are set exactly as {@link #fromText} sets their text form; the infinities of dates and
   * timestamps go through the text path. Returns a new instance for each read, for one thread.
   */
  static FromBytes fromBinary(MappedColumn c, boolean jsonText) {
    FromBytes text = fromBytes(c, true, jsonText);
    DataType.Kind kind = c.mapping().type().kind();
    String type = c.source().typeName();
    switch (type) {
      case "int2" -> {
        return kind != DataType.Kind.SMALLINT
            ? null
            : (sink, i, b, from, to) ->
                sink.setLong(i, (short) ((b[from] & 0xff) << 8 | (b[from + 1] & 0xff)));
      }
      case "int4" -> {
        return kind != DataType.Kind.INTEGER
            ? null
            : (sink, i, b, from, to) -> sink.setLong(i, CopyBinaryParser.int32(b, from));
      }
      case "int8" -> {
        return kind != DataType.Kind.BIGINT
            ? null
            : (sink, i, b, from, to) -> sink.setLong(i, CopyBinaryParser.int64(b, from));
      }
      case "float4" -> {
        return kind != DataType.Kind.REAL
            ? null
            : (sink, i, b, from, to) ->
                sink.setDouble(i, Float.intBitsToFloat(CopyBinaryParser.int32(b, from)));
      }
      case "float8" -> {
        return kind != DataType.Kind.DOUBLE
            ? null
            : (sink, i, b, from, to) ->
                sink.setDouble(i, Double.longBitsToDouble(CopyBinaryParser.int64(b, from)));
      }
      case "bool" -> {
        return kind != DataType.Kind.BOOLEAN
            ? null
            : (sink, i, b, from, to) -> sink.setBoolean(i, b[from] != 0);
      }
      case "uuid" -> {
        return kind != DataType.Kind.UUID
            ? null
            : (sink, i, b, from, to) ->
                sink.setObject(
                    i,
                    new java.util.UUID(
                        CopyBinaryParser.int64(b, from), CopyBinaryParser.int64(b, from + 8)));
      }
      case "timestamptz", "timestamp" -> {
        if (kind
            != (type.equals("timestamp") ? DataType.Kind.TIMESTAMP : DataType.Kind.TIMESTAMPTZ)) {
          return null;
        }
        return (sink, i, b, from, to) -> sink.setEpochMicros(i, epochMicros(b, from));
      }
      case "date" -> {
        if (kind != DataType.Kind.DATE) {
          return null;
        }
        return (sink, i, b, from, to) -> sink.setEpochDays(i, epochDays(b, from));
      }
      case "text", "varchar", "bpchar", "json" -> {
        // the binary form of these is their text
        return kind == DataType.Kind.TEXT && c.mapping().textDecoder() == PgText.AS_IS
                || kind == DataType.Kind.JSON && jsonText
            ? text
            : null;
      }
      case "jsonb" -> {
        if (kind != DataType.Kind.JSON || !jsonText) {
          return null;
        }
        // a version byte (1), then the document's text
        return (sink, i, b, from, to) -> {
          if (to == from || b[from] != 1) {
            throw new IllegalArgumentException("Unknown jsonb binary version");
          }
          text.set(sink, i, b, from + 1, to);
        };
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * Epoch microseconds of the binary timestamp at {@code b[from]} (microseconds from 2000-01-01);
   * PostgreSQL's infinities (the largest and smallest int64) become DuckDB's.
   */
  static long epochMicros(byte[] b, int from) {
    long v = CopyBinaryParser.int64(b, from);
    if (v == Long.MAX_VALUE) {
      return EpochValues.INFINITE_MICROS;
    }
    if (v == Long.MIN_VALUE) {
      return -EpochValues.INFINITE_MICROS;
    }
    try {
      return Math.addExact(v, PG_EPOCH_MICROS);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("The timestamp is beyond DuckDB's timestamp range", e);
    }
  }

  /**
   * Epoch days of the binary date at {@code b[from]} (days from 2000-01-01); PostgreSQL's
   * infinities (the largest and smallest int32) become DuckDB's.
   */
  static int epochDays(byte[] b, int from) {
    int v = CopyBinaryParser.int32(b, from);
    if (v == Integer.MAX_VALUE) {
      return EpochValues.INFINITE_DAYS;
    }
    if (v == Integer.MIN_VALUE) {
      return -EpochValues.INFINITE_DAYS;
    }
    return v + PG_EPOCH_DAYS;
  }

  /**
   * Whether {@link #binaryObject} decodes column {@code c}'s binary form (integers, dates and
   * timestamps, the types of cursors and their tiebreak ids).
   */
  static boolean hasBinaryObject(MappedColumn c) {
    return switch (c.source().typeName()) {
      case "int2", "int4", "int8", "timestamptz", "timestamp", "date" ->
          fromBinary(c, false) != null;
      default -> false;
    };
  }

  /**
   * The value the column's text decoder gives for the binary {@code COPY} value b[from, to), for a
   * column where {@link #hasBinaryObject} holds.
   */
  static Object binaryObject(MappedColumn c, byte[] b, int from, int to) {
    TextDecoder d = c.mapping().textDecoder();
    switch (c.source().typeName()) {
      case "int2" -> {
        return d.decode(Short.toString((short) ((b[from] & 0xff) << 8 | (b[from + 1] & 0xff))));
      }
      case "int4" -> {
        return d.decode(Integer.toString(CopyBinaryParser.int32(b, from)));
      }
      case "int8" -> {
        return d.decode(Long.toString(CopyBinaryParser.int64(b, from)));
      }
      case "date" -> {
        return EpochValues.localDate(epochDays(b, from));
      }
      case "timestamptz", "timestamp" -> {
        long micros = epochMicros(b, from);
        return c.source().typeName().equals("timestamp")
            ? EpochValues.localDateTime(micros)
            : EpochValues.offsetDateTime(micros);
      }
      default ->
          throw new IllegalArgumentException("No binary decoding for " + c.source().typeName());
    }
  }

  /** {@link #setJsonText} on UTF-8 bytes, with its own scratch buffer. */
  private static final class JsonBytes {
    private byte[] scratch = new byte[256];

    void set(TypedRowSink sink, int i, byte[] b, int from, int to) {
      byte[] out = b;
      int start = from;
      int end = to;
      int k = minifiedPrefix(b, from, to);
      if (k < to) {
        if (scratch.length < to - from) {
          scratch = new byte[Math.max(scratch.length * 2, to - from)];
        }
        out = scratch;
        start = 0;
        end = minify(b, from, k, to, scratch);
      }
      int n = end - start;
      if (n == 4
          && out[start] == 'n'
          && out[start + 1] == 'u'
          && out[start + 2] == 'l'
          && out[start + 3] == 'l') {
        return;
      }
      sink.setUtf8(i, out, start, n);
    }

    /** The index of the first whitespace outside strings, {@code to} when there is none. */
    private static int minifiedPrefix(byte[] b, int from, int to) {
      boolean inString = false;
      for (int i = from; i < to; i++) {
        byte c = b[i];
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
          return i;
        }
      }
      return to;
    }

    /**
     * Copies b[from, to) without whitespace outside strings into {@code out}, where b[from, k) has
     * none and b[k] is whitespace outside strings; returns the length written.
     */
    private static int minify(byte[] b, int from, int k, int to, byte[] out) {
      int n = k - from;
      System.arraycopy(b, from, out, 0, n);
      boolean inString = false;
      for (int i = k; i < to; i++) {
        byte c = b[i];
        if (inString) {
          out[n++] = c;
          if (c == '\\' && i + 1 < to) {
            out[n++] = b[++i];
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
          out[n++] = c;
        } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
          out[n++] = c;
        }
      }
      return n;
    }
  }

  static FromResult fromResult(MappedColumn c, boolean jsonText) {
    DataType.Kind kind = c.mapping().type().kind();
    if (jsonText) {
      return (sink, i, rows, index) -> {
        String text = rows.getString(index);
        if (text != null) {
          setJsonText(sink, i, text);
        }
      };
    }
    ValueReader reader = c.mapping().reader();
    return (sink, i, rows, index) -> {
      Object value = reader.read(rows, index);
      if (value != null) {
        set(sink, i, kind, value);
      }
    };
  }

  /** Sets a value a mapping produced, converted as the normalizer converts it for {@code kind}. */
  static void set(TypedRowSink sink, int i, DataType.Kind kind, Object v) {
    switch (kind) {
      case SMALLINT, INTEGER, BIGINT -> sink.setLong(i, ((Number) v).longValue());
      case REAL, DOUBLE -> sink.setDouble(i, ((Number) v).doubleValue());
      case BOOLEAN -> sink.setBoolean(i, (Boolean) v);
      case TIMESTAMPTZ -> {
        if (v instanceof OffsetDateTime t) {
          sink.setEpochMicros(i, EpochValues.epochMicros(t));
        } else if (v instanceof Instant t) {
          sink.setEpochMicros(i, EpochValues.epochMicros(t));
        } else {
          sink.setEpochMicros(i, EpochValues.epochMicros(((ZonedDateTime) v).toOffsetDateTime()));
        }
      }
      case TIMESTAMP -> sink.setEpochMicros(i, EpochValues.epochMicros((LocalDateTime) v));
      case DATE -> sink.setEpochDays(i, EpochValues.epochDays((LocalDate) v));
      case TEXT ->
          sink.setObject(
              i,
              v instanceof String s
                  ? s
                  : v instanceof BigDecimal d ? d.toPlainString() : v.toString());
      case JSON -> {
        try {
          if (v instanceof JsonNode j && j.isNull()) {
            return;
          }
          sink.setObject(i, v instanceof JsonNode j ? j.toString() : JSON.writeValueAsString(v));
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("Cannot write a JSON value: " + e.getMessage(), e);
        }
      }
      default -> sink.setObject(i, v);
    }
  }

  /**
   * Sets a JSON document given as text; a JSON {@code null} stays null, as the normalizer stages
   * it, and an empty array is {@code []}, as the normalizer stages it in a column declared JSON.
   */
  static void setJsonText(TypedRowSink sink, int i, String text) {
    String json = minifyJson(text);
    if (!json.equals("null")) {
      sink.setObject(i, json);
    }
  }

  /**
   * {@code json} without whitespace outside strings: the text a parsed document would print as, for
   * documents the database already printed in canonical form (jsonb), without parsing it.
   */
  static String minifyJson(String json) {
    int n = json.length();
    int i = 0;
    boolean inString = false;
    for (; i < n; i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        break;
      }
    }
    if (i >= n) {
      return json;
    }
    StringBuilder b = new StringBuilder(n);
    b.append(json, 0, i);
    for (; i < n; i++) {
      char c = json.charAt(i);
      if (inString) {
        b.append(c);
        if (c == '\\' && i + 1 < n) {
          b.append(json.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        b.append(c);
      } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
        b.append(c);
      }
    }
    return b.toString();
  }
}
