package dev.ducklift.core;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;

/**
 * How a resource's records become columns: the naming convention, how naive timestamps meet
 * timestamps with an offset, and how a JSON source reads numbers.
 *
 * @param naming how field names become column and table names
 * @param naiveTimestamps the zone a naive timestamp (or a date) is read in when it meets a {@code
 *     TIMESTAMPTZ} column, or {@code null} for {@code separate}: naive and offset timestamps then
 *     never share a column (the other form goes to a variant column)
 * @param jsonNumbers how JSON numbers with a fraction or an exponent are read
 */
public record Normalization(Naming naming, ZoneId naiveTimestamps, JsonNumbers jsonNumbers) {

  /** snake_case names, naive timestamps read as UTC, JSON floats as {@code DOUBLE}. */
  public static final Normalization DEFAULT =
      new Normalization(Naming.SNAKE_CASE, ZoneOffset.UTC, JsonNumbers.DOUBLE);

  public Normalization {
    Objects.requireNonNull(naming, "naming");
    Objects.requireNonNull(jsonNumbers, "jsonNumbers");
  }

  /** Naming conventions. */
  public enum Naming {
    /**
     * Lower-case snake_case identifiers; fields that normalize to the same name get a suffix (see
     * the README).
     */
    SNAKE_CASE,
    /** The source's names as they are (quoted identifiers); only the nesting separator is added. */
    DIRECT;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Naming fromConfigName(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
        case "snake_case" -> SNAKE_CASE;
        case "direct" -> DIRECT;
        default ->
            throw new DuckliftException(
                "Unknown naming '" + name + "': expected snake_case or direct");
      };
    }
  }

  /** How a JSON source reads numbers with a fraction or an exponent. */
  public enum JsonNumbers {
    /** As doubles (the nearest double), so the column is {@code DOUBLE}, as other tools do. */
    DOUBLE,
    /** As exact decimals, so the column is a decimal sized to the data (for money). */
    EXACT;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static JsonNumbers fromConfigName(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "double" -> DOUBLE;
        case "exact" -> EXACT;
        default ->
            throw new DuckliftException(
                "Unknown json_numbers '" + name + "': expected double or exact");
      };
    }
  }

  public Normalization withNaming(Naming naming) {
    return new Normalization(naming, naiveTimestamps, jsonNumbers);
  }

  /** This with naive timestamps read in {@code zone}, or kept separate when {@code null}. */
  public Normalization withNaiveTimestamps(ZoneId zone) {
    return new Normalization(naming, zone, jsonNumbers);
  }

  public Normalization withJsonNumbers(JsonNumbers jsonNumbers) {
    return new Normalization(naming, naiveTimestamps, jsonNumbers);
  }

  /** Whether naive and offset timestamps are kept in separate columns. */
  public boolean separateNaiveTimestamps() {
    return naiveTimestamps == null;
  }

  /**
   * Parses a {@code naive_timestamps} setting: {@code utc}, {@code separate}, or a zone id ({@code
   * Europe/Berlin}, {@code +02:00}).
   *
   * @return the zone, or {@code null} for {@code separate}
   */
  public static ZoneId naiveTimestampsFromConfig(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("utc")) {
      return ZoneOffset.UTC;
    }
    if (v.equalsIgnoreCase("separate")) {
      return null;
    }
    try {
      return ZoneId.of(v);
    } catch (DateTimeException e) {
      throw new DuckliftException(
          "Unknown naive_timestamps '" + value + "': expected utc, separate or a time zone id", e);
    }
  }

  /** The setting's config form: {@code utc}, {@code separate} or the zone id. */
  public String naiveTimestampsConfigName() {
    if (naiveTimestamps == null) {
      return "separate";
    }
    return naiveTimestamps.equals(ZoneOffset.UTC) ? "utc" : naiveTimestamps.getId();
  }
}
