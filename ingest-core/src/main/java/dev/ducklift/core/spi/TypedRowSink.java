package dev.ducklift.core.spi;

import dev.ducklift.core.CursorValue;
import java.util.Map;

/**
 * Receives column-typed rows from a {@link TypedResource}. Column indexes are positions in {@link
 * TypedResource#columns()}. A row is built with the setters (a column not set is null) and ended
 * with {@link #endRow}; rows are grouped into pages by {@link #endPage}, where the runtime may
 * checkpoint. Values must match the column's declared type exactly (no conversion happens):
 *
 * <ul>
 *   <li>{@code SMALLINT}, {@code INTEGER}, {@code BIGINT}: {@link #setLong};
 *   <li>{@code REAL}, {@code DOUBLE}: {@link #setDouble};
 *   <li>{@code BOOLEAN}: {@link #setBoolean};
 *   <li>{@code TIMESTAMPTZ} (the instant) and {@code TIMESTAMP} (the wall-clock time read as UTC):
 *       {@link #setEpochMicros}, {@code infinity} as {@link EpochValues#INFINITE_MICROS} and {@code
 *       -infinity} as its negation;
 *   <li>{@code DATE}: {@link #setEpochDays}, the infinities as {@link EpochValues#INFINITE_DAYS}
 *       and its negation;
 *   <li>{@code TEXT} and {@code JSON} (the JSON text of one value): a {@link String}, or its UTF-8
 *       bytes with {@link #setUtf8}; {@code DECIMAL}: a {@link java.math.BigDecimal} that fits the
 *       declared precision and scale; {@code UUID}: a {@link java.util.UUID}; {@code BINARY}: a
 *       {@code byte[]}; {@code TIME}: a {@link java.time.LocalTime} ({@link
 *       java.time.LocalTime#MAX} for {@code 24:00:00}): {@link #setObject}.
 * </ul>
 *
 * <p>Not thread-safe: call it from the thread that called {@link TypedResource#extractTyped}.
 */
public interface TypedRowSink {

  /**
   * The state key ({@link dev.ducklift.core.Page#stateKey()}) of the rows that follow, {@code ""}
   * until set; the cursor window of each row is the one of its key. Set it at a page boundary.
   */
  void stateKey(String stateKey);

  void setLong(int column, long value);

  void setDouble(int column, double value);

  void setBoolean(int column, boolean value);

  void setEpochMicros(int column, long micros);

  void setEpochDays(int column, int days);

  /** Sets a reference-typed value; {@code null} sets the column null. */
  void setObject(int column, Object value);

  /**
   * Sets a {@code TEXT} or {@code JSON} column to the string whose UTF-8 encoding is {@code
   * utf8[from, from + length)}; the bytes are copied before this returns, so a caller may reuse its
   * buffer. The default builds the string and calls {@link #setObject}.
   */
  default void setUtf8(int column, byte[] utf8, int from, int length) {
    setObject(column, new String(utf8, from, length, java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Ends the current row and hands it over.
   *
   * @throws dev.ducklift.core.DuckliftException when the row breaks a declared rule (a null key or
   *     a null in a column declared not nullable)
   */
  void endRow();

  /**
   * Drops the rows handed over since the last page end, as if they had not been sent (a read that
   * lost its connection and resumes from the last page end re-reads them). Rows are staged only
   * when their page ends.
   */
  void discardPage();

  /**
   * Ends a page: the rows since the previous page end, read from {@code description}, tracked under
   * {@code stateKey}, with the positions the resource sets itself (as in {@link
   * dev.ducklift.core.Page}).
   *
   * @return {@code false} when the runtime wants no more rows; the resource should then stop
   */
  boolean endPage(String description, String stateKey, Map<String, CursorValue> positions);
}
