package dev.ducklift.jdbc.spi;

/**
 * Decodes the text form of a non-null value, as a database's bulk export writes it (PostgreSQL's
 * {@code COPY ... TO STDOUT} text format, after unescaping), into the same Java value the column's
 * {@link ValueReader} produces.
 */
@FunctionalInterface
public interface TextDecoder {

  /**
   * Decodes {@code text}.
   *
   * @throws RuntimeException when the text is not a value of the column's type
   */
  Object decode(String text);
}
