package dev.ducklift.jdbc.spi;

import dev.ducklift.core.schema.DataType;
import java.util.Objects;

/**
 * How one source column lands: its declared Ducklift type, the Java class of its values, how to
 * read it from a result set and, where the dialect has a bulk text export, how to decode its text
 * form.
 *
 * @param type the column type declared to the normalizer (no inference)
 * @param javaType the class of every non-null value the reader and decoder produce
 * @param reader reads a value from a result set
 * @param textDecoder decodes a value from the bulk export's text form, or {@code null} when the
 *     dialect has no bulk export
 * @param warning why the mapping is a fallback (for example an unknown source type read as text),
 *     or {@code null}
 */
public record ColumnMapping(
    DataType type, Class<?> javaType, ValueReader reader, TextDecoder textDecoder, String warning) {
  public ColumnMapping {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(javaType, "javaType");
    Objects.requireNonNull(reader, "reader");
  }

  public static ColumnMapping of(
      DataType type, Class<?> javaType, ValueReader reader, TextDecoder textDecoder) {
    return new ColumnMapping(type, javaType, reader, textDecoder, null);
  }

  /** This mapping with a fallback warning. */
  public ColumnMapping withWarning(String message) {
    return new ColumnMapping(type, javaType, reader, textDecoder, message);
  }
}
