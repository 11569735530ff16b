package dev.ducklift.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TypeWidening;
import dev.ducklift.core.spi.EpochValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The type rules of the normalizer's values: the type a value infers on its own, its canonical
 * staged form in a column of a given type, and the type a column widens to for a value that does
 * not fit it (see {@link Normalizer} for the rules). Not thread-safe: one per normalizer.
 */
final class ColumnTypes {

  /** What {@link #coerce} returns for a value that does not fit the type. */
  static final Object NO_FIT = new Object();

  /** Digits before the point that an inferred decimal keeps room for (as many as a BIGINT's). */
  static final int DECIMAL_WHOLE_DIGITS = 18;

  private static final DataType DECIMAL_INTEGRAL = DataType.decimal(38, 0);

  private final IsoTemporal temporal = new IsoTemporal();
  private final ZoneId naiveZone;
  private final boolean naiveUtc;

  /**
   * @param naiveZone the zone naive timestamps and dates are read in when they meet a {@code
   *     TIMESTAMPTZ} column, or {@code null} to keep naive and offset timestamps apart
   */
  ColumnTypes(ZoneId naiveZone) {
    this.naiveZone = naiveZone;
    this.naiveUtc = naiveZone != null && naiveZone.normalized().equals(ZoneOffset.UTC);
  }

  /** What the last ISO string parsed by {@link #infer} or {@link #coerce} was. */
  IsoTemporal.Kind lastTemporalKind() {
    return temporal.kind();
  }

  /** The type of a value on its own (no column yet), or {@code null} for an unsupported value. */
  DataType infer(Object v) {
    if (v instanceof String s) {
      return switch (temporal.parse(s)) {
        case DATE -> DataType.DATE;
        case TIMESTAMP -> DataType.TIMESTAMP;
        case TIMESTAMPTZ -> DataType.TIMESTAMPTZ;
        case NONE -> DataType.TEXT;
      };
    }
    if (v instanceof Boolean) {
      return DataType.BOOLEAN;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return DataType.BIGINT;
    }
    if (v instanceof Double || v instanceof Float) {
      return DataType.DOUBLE;
    }
    if (v instanceof BigDecimal d) {
      return decimalFor(d);
    }
    if (v instanceof BigInteger b) {
      if (b.bitLength() < 64) {
        return DataType.BIGINT;
      }
      return fitsDecimal(new BigDecimal(b), DECIMAL_INTEGRAL) ? DECIMAL_INTEGRAL : DataType.DOUBLE;
    }
    if (v instanceof OffsetDateTime || v instanceof ZonedDateTime || v instanceof Instant) {
      return DataType.TIMESTAMPTZ;
    }
    if (v instanceof LocalDateTime) {
      return DataType.TIMESTAMP;
    }
    if (v instanceof LocalDate) {
      return DataType.DATE;
    }
    if (v instanceof LocalTime) {
      return DataType.TIME;
    }
    if (v instanceof UUID) {
      return DataType.UUID;
    }
    if (v instanceof byte[]) {
      return DataType.BINARY;
    }
    if (v instanceof Duration || v instanceof Character || v instanceof Enum<?>) {
      return DataType.TEXT;
    }
    if (v instanceof Map<?, ?>
        || v instanceof List<?>
        || v instanceof JsonNode
        || v instanceof Object[]) {
      return DataType.JSON;
    }
    return null;
  }

  /**
   * A decimal sized to an exact value: its own scale, and at least {@link #DECIMAL_WHOLE_DIGITS}
   * digits before the point, so that later values of the column rarely need a wider type; {@code
   * DOUBLE} when it needs more than 38 digits.
   */
  static DataType decimalFor(BigDecimal d) {
    return decimalFor(d, DECIMAL_WHOLE_DIGITS);
  }

  private static DataType decimalFor(BigDecimal d, int minimumWholeDigits) {
    int scale = Math.max(d.scale(), 0);
    int whole = Math.max(d.precision() - d.scale(), 1);
    if (whole + scale > 38) {
      return DataType.DOUBLE;
    }
    return DataType.decimal(Math.min(38, Math.max(whole, minimumWholeDigits) + scale), scale);
  }

  /**
   * The type a column of type {@code current} widens to for {@code value} (of type {@code
   * inferred}), or {@code null} when it cannot: DuckDB's maximum type of both (see {@link
   * TypeWidening}), with a number that a decimal maximum cannot hold going to {@code DOUBLE}
   * instead, so a number never needs a text column. Naive and offset timestamps do not meet under
   * {@code naive_timestamps: separate}.
   */
  DataType widen(DataType current, DataType inferred, Object value) {
    DataType needed = inferred;
    if (current.kind() == DataType.Kind.DECIMAL) {
      // A decimal column widens by what the value itself needs, without the room a new column gets.
      if (value instanceof BigDecimal d) {
        needed = decimalFor(d, 1);
      } else if ((value instanceof Double || value instanceof Float)
          && Double.isFinite(((Number) value).doubleValue())) {
        needed = decimalFor(new BigDecimal(value.toString()), 1);
      }
    }
    if (naiveZone == null && isTemporal(current) && isTemporal(needed)) {
      return null;
    }
    DataType max = TypeWidening.max(current, needed).orElse(null);
    if (max == null) {
      return null;
    }
    if (max.kind() == DataType.Kind.DECIMAL
        && (!TypeWidening.keepsValues(current, max) || coerce(value, max) == NO_FIT)) {
      max = DataType.DOUBLE;
    }
    return max.equals(current) ? null : max;
  }

  static boolean isTemporal(DataType type) {
    DataType.Kind k = type.kind();
    return k == DataType.Kind.DATE
        || k == DataType.Kind.TIMESTAMP
        || k == DataType.Kind.TIMESTAMPTZ;
  }

  /** The canonical staged form of {@code v} in a column of {@code type}, or {@link #NO_FIT}. */
  Object coerce(Object v, DataType type) {
    switch (type.kind()) {
      case TEXT:
        if (v instanceof String) {
          return v;
        }
        if (v instanceof byte[]
            || v instanceof Map<?, ?>
            || v instanceof List<?>
            || v instanceof JsonNode
            || v instanceof Object[]) {
          return NO_FIT;
        }
        if (v instanceof BigDecimal d) {
          return d.toPlainString();
        }
        return v.toString();
      case BIGINT:
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
          return v;
        }
        return integral(v, Long.MIN_VALUE, Long.MAX_VALUE);
      case INTEGER:
        return integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case SMALLINT:
        return integral(v, Short.MIN_VALUE, Short.MAX_VALUE);
      case DOUBLE:
      case REAL:
        if (v instanceof Double
            || v instanceof Float
            || v instanceof Long
            || v instanceof Integer
            || v instanceof Short
            || v instanceof Byte) {
          return v;
        }
        if (v instanceof BigInteger b) {
          return b.doubleValue();
        }
        if (v instanceof BigDecimal b) {
          return b.doubleValue();
        }
        if (v instanceof String s) {
          try {
            return Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            return NO_FIT;
          }
        }
        return NO_FIT;
      case DECIMAL:
        {
          BigDecimal d;
          if (v instanceof BigDecimal b) {
            d = b;
          } else if (v instanceof Long
              || v instanceof Integer
              || v instanceof Short
              || v instanceof Byte) {
            d = BigDecimal.valueOf(((Number) v).longValue());
          } else if (v instanceof BigInteger b) {
            d = new BigDecimal(b);
          } else if (v instanceof Double || v instanceof Float) {
            // The shortest decimal that reads back as the same double: the JSON text, mostly.
            if (!Double.isFinite(((Number) v).doubleValue())) {
              return NO_FIT;
            }
            d = new BigDecimal(v.toString());
          } else if (v instanceof String s) {
            try {
              d = new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
              return NO_FIT;
            }
          } else {
            return NO_FIT;
          }
          return fitsDecimal(d, type) ? d : NO_FIT;
        }
      case BOOLEAN:
        if (v instanceof Boolean) {
          return v;
        }
        if (v instanceof String s) {
          if (s.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
          }
          if (s.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
          }
        }
        return NO_FIT;
      case TIMESTAMPTZ:
        if (v instanceof OffsetDateTime t) {
          return EpochValues.epochMicros(t);
        }
        if (v instanceof Instant t) {
          return EpochValues.epochMicros(t);
        }
        if (v instanceof ZonedDateTime t) {
          return EpochValues.epochMicros(t.toOffsetDateTime());
        }
        if (v instanceof String s) {
          return switch (temporal.parse(s)) {
            case TIMESTAMPTZ -> temporal.epochMicros();
            case TIMESTAMP, DATE ->
                naiveZone == null ? NO_FIT : inNaiveZone(temporal.epochMicros());
            default -> NO_FIT;
          };
        }
        if (naiveZone != null) {
          if (v instanceof LocalDateTime t) {
            return inNaiveZone(EpochValues.epochMicros(t));
          }
          if (v instanceof LocalDate d) {
            return inNaiveZone(d.toEpochDay() * 86_400_000_000L);
          }
        }
        return NO_FIT;
      case TIMESTAMP:
        if (v instanceof LocalDateTime t) {
          return EpochValues.epochMicros(t);
        }
        if (v instanceof String s) {
          IsoTemporal.Kind k = temporal.parse(s);
          return k == IsoTemporal.Kind.TIMESTAMP
                  || (k == IsoTemporal.Kind.DATE && naiveZone != null)
              ? (Object) temporal.epochMicros()
              : NO_FIT;
        }
        if (v instanceof LocalDate d && naiveZone != null) {
          return d.toEpochDay() * 86_400_000_000L;
        }
        return NO_FIT;
      case DATE:
        if (v instanceof LocalDate d) {
          return EpochValues.epochDays(d);
        }
        if (v instanceof String s && temporal.parse(s) == IsoTemporal.Kind.DATE) {
          return temporal.epochDays();
        }
        return NO_FIT;
      case TIME:
        if (v instanceof LocalTime) {
          return v;
        }
        if (v instanceof String s) {
          try {
            return LocalTime.parse(s);
          } catch (DateTimeParseException e) {
            return NO_FIT;
          }
        }
        return NO_FIT;
      case UUID:
        if (v instanceof UUID) {
          return v;
        }
        if (v instanceof String s && s.length() == 36) {
          try {
            return UUID.fromString(s);
          } catch (IllegalArgumentException e) {
            return NO_FIT;
          }
        }
        return NO_FIT;
      case BINARY:
        return v instanceof byte[] ? v : NO_FIT;
      case JSON:
        try {
          return v instanceof JsonNode j ? j.toString() : Normalizer.JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
          return NO_FIT;
        }
      default:
        return NO_FIT;
    }
  }

  /**
   * The instant of a naive wall-clock time (given as microseconds of that wall clock read as UTC)
   * in the configured zone.
   */
  private Object inNaiveZone(long wallMicros) {
    if (naiveUtc || Math.abs(wallMicros) == EpochValues.INFINITE_MICROS) {
      return wallMicros;
    }
    long seconds = Math.floorDiv(wallMicros, 1_000_000L);
    long micros = Math.floorMod(wallMicros, 1_000_000L);
    LocalDateTime wall = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    long epochSecond = wall.atZone(naiveZone).toEpochSecond();
    return epochSecond * 1_000_000L + micros;
  }

  private static Object integral(Object v, long min, long max) {
    long value;
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      value = ((Number) v).longValue();
    } else if (v instanceof BigInteger b) {
      if (b.bitLength() >= 64) {
        return NO_FIT;
      }
      value = b.longValue();
    } else if (v instanceof BigDecimal d) {
      try {
        value = d.longValueExact();
      } catch (ArithmeticException e) {
        return NO_FIT;
      }
    } else if (v instanceof String s) {
      try {
        value = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return NO_FIT;
      }
    } else {
      return NO_FIT;
    }
    return value < min || value > max ? NO_FIT : (Object) value;
  }

  private static boolean fitsDecimal(BigDecimal d, DataType type) {
    BigDecimal stripped = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    int scale = Math.max(stripped.scale(), 0);
    int integerDigits = stripped.precision() - stripped.scale();
    return scale <= type.scale() && integerDigits <= type.precision() - type.scale();
  }
}
