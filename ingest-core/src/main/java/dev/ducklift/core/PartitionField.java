package dev.ducklift.core;

import dev.ducklift.core.schema.DataType;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One key of a table's partition hint: a column, or a transform of a column, as in DuckLake's
 * {@code SET PARTITIONED BY (year(ts), month(ts), region)}.
 *
 * @param transform how the column's value becomes the partition value
 * @param column the normalized column name
 */
public record PartitionField(Transform transform, String column) {
  private static final Pattern CALL =
      Pattern.compile("\\s*([A-Za-z_]+)\\s*\\(\\s*(.+?)\\s*\\)\\s*");

  /** The partition transforms of DuckLake 1.0. */
  public enum Transform {
    /** The column's own value. */
    IDENTITY,
    /** The year of a date or timestamp. */
    YEAR,
    /** The month (1–12) of a date or timestamp. */
    MONTH,
    /** The day of the month (1–31) of a date or timestamp. */
    DAY,
    /** The hour (0–23) of a timestamp. */
    HOUR;

    /**
     * Why this transform cannot apply to a column of {@code type}, or {@code null} if it can:
     * identity takes any value but a list, year/month/day a date or timestamp, hour a timestamp.
     */
    public String problemWith(DataType type) {
      DataType.Kind k = type.kind();
      boolean temporal =
          k == DataType.Kind.DATE || k == DataType.Kind.TIMESTAMP || k == DataType.Kind.TIMESTAMPTZ;
      boolean ok =
          switch (this) {
            case IDENTITY -> k != DataType.Kind.LIST;
            case YEAR, MONTH, DAY -> temporal;
            case HOUR -> k == DataType.Kind.TIMESTAMP || k == DataType.Kind.TIMESTAMPTZ;
          };
      return ok
          ? null
          : configName()
              + " does not apply to a column of type "
              + type.kind().name().toLowerCase(Locale.ROOT)
              + (this == IDENTITY
                  ? ""
                  : " (it needs a " + (this == HOUR ? "timestamp" : "date or timestamp") + ")");
    }

    /** The name DuckLake's catalog records ({@code identity}, {@code year}, ...). */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The transform named {@code name}, case-insensitively.
     *
     * @throws DuckliftException if no transform has that name
     */
    public static Transform fromConfigName(String name) {
      for (Transform t : values()) {
        if (t.configName().equalsIgnoreCase(name.trim())) {
          return t;
        }
      }
      throw new DuckliftException(
          "Unknown partition transform '" + name + "': use identity, year, month, day or hour");
    }
  }

  public PartitionField {
    Objects.requireNonNull(transform, "transform");
    Objects.requireNonNull(column, "column");
    if (column.isBlank()) {
      throw new DuckliftException("A partition key needs a column name");
    }
  }

  /** The column's own value as the partition value. */
  public static PartitionField identity(String column) {
    return new PartitionField(Transform.IDENTITY, column);
  }

  /**
   * Parses {@code column} or {@code transform(column)}.
   *
   * @throws DuckliftException naming the key if the transform is unknown or the text is malformed
   */
  public static PartitionField parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = CALL.matcher(text);
    if (m.matches()) {
      try {
        return new PartitionField(Transform.fromConfigName(m.group(1)), m.group(2));
      } catch (DuckliftException e) {
        throw new DuckliftException("Partition key '" + text + "': " + e.getMessage(), e);
      }
    }
    if (text.isBlank() || text.contains("(") || text.contains(")")) {
      throw new DuckliftException(
          "Partition key '" + text + "' is neither a column nor transform(column)");
    }
    return identity(text.trim());
  }

  /** The same transform on another column name (for example the normalized name). */
  public PartitionField withColumn(String name) {
    return new PartitionField(transform, name);
  }

  /** {@code column} for identity, else {@code transform(column)}: what {@link #parse} reads. */
  @Override
  public String toString() {
    return transform == Transform.IDENTITY ? column : transform.configName() + "(" + column + ")";
  }
}
