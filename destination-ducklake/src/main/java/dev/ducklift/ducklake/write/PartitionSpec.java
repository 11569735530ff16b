package dev.ducklift.ducklake.write;

import static dev.ducklift.ducklake.catalog.CatalogDatabase.quote;

import dev.ducklift.core.PartitionField;
import dev.ducklift.ducklake.DuckLakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A table's partitioning as DuckLake records it: {@code ducklake_partition_info} and its {@code
 * ducklake_partition_column} rows.
 *
 * @param partitionId the catalog id, or null for a spec this transaction sets (its id is allocated
 *     at commit, from {@code next_catalog_id})
 * @param keys the keys in key-index order
 */
public record PartitionSpec(Long partitionId, List<Key> keys) {
  private static final Set<String> DATES =
      Set.of("date", "timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns", "timestamptz");
  private static final Set<String> TIMESTAMPS =
      Set.of("timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns", "timestamptz");

  /**
   * One partition key.
   *
   * @param columnId the partitioned column
   * @param transform {@code identity}, {@code year}, {@code month}, {@code day}, {@code hour} (or a
   *     transform of a newer format, which this writer refuses to write with)
   */
  public record Key(long columnId, String transform) {}

  public PartitionSpec {
    keys = List.copyOf(keys);
  }

  /**
   * The spec a partition hint asks for, its columns resolved against the table's.
   *
   * @throws DuckLakeException naming the table and key for an unknown column or a transform that
   *     does not apply to the column's type
   */
  public static PartitionSpec of(
      String tableLabel, List<PartitionField> fields, List<ColumnNode> columns) {
    List<Key> keys = new ArrayList<>();
    for (PartitionField f : fields) {
      ColumnNode column = find(columns, f.column());
      if (column == null) {
        throw new DuckLakeException(
            "Table "
                + tableLabel
                + ": partition key '"
                + f
                + "' names no column of the table (it has "
                + columns.stream().map(ColumnNode::name).toList()
                + ")");
      }
      String problem = problem(f.transform().configName(), column);
      if (problem != null) {
        throw new DuckLakeException(
            "Table " + tableLabel + ": partition key '" + f + "': " + problem);
      }
      keys.add(new Key(column.id(), f.transform().configName()));
    }
    return new PartitionSpec(null, keys);
  }

  private static ColumnNode find(List<ColumnNode> columns, String name) {
    for (ColumnNode c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    for (ColumnNode c : columns) {
      if (c.name().equalsIgnoreCase(name)) {
        return c;
      }
    }
    return null;
  }

  private static String problem(String transform, ColumnNode column) {
    String type = column.typeName();
    boolean ok =
        switch (transform) {
          case "identity" -> !column.isNested();
          case "year", "month", "day" -> DATES.contains(type);
          case "hour" -> TIMESTAMPS.contains(type);
          default -> false;
        };
    return ok
        ? null
        : transform
            + " does not apply to column "
            + column.name()
            + " of type "
            + type
            + switch (transform) {
              case "year", "month", "day" -> " (it needs a date or timestamp)";
              case "hour" -> " (it needs a timestamp)";
              default -> "";
            };
  }

  /** Whether both specs have the same keys in the same order (ids aside). */
  public boolean sameKeys(PartitionSpec other) {
    return other != null && keys.equals(other.keys);
  }

  /** The spec with the given catalog id. */
  PartitionSpec withId(long id) {
    return new PartitionSpec(id, keys);
  }

  /**
   * Checks that this writer can compute every key of a spec read from the catalog.
   *
   * @throws DuckLakeException naming the table and transform otherwise
   */
  void checkWritable(String tableLabel, List<ColumnNode> columns) {
    for (Key k : keys) {
      ColumnNode c = column(columns, k);
      if (!Set.of("identity", "year", "month", "day", "hour").contains(k.transform())) {
        throw new DuckLakeException(
            "Table "
                + tableLabel
                + " is partitioned with transform '"
                + k.transform()
                + "', which Ducklift cannot write (it writes identity, year, month, day and"
                + " hour)");
      }
      if (c == null) {
        throw new DuckLakeException(
            "Table "
                + tableLabel
                + " is partitioned by column id "
                + k.columnId()
                + ", which it no longer has");
      }
    }
  }

  private static ColumnNode column(List<ColumnNode> columns, Key k) {
    for (ColumnNode c : columns) {
      if (c.id() == k.columnId()) {
        return c;
      }
    }
    return null;
  }

  /**
   * The directory name of a key ({@code year}, {@code month}, ...; the column name for identity),
   * as the official writer names hive directories.
   */
  String directoryKey(Key k, List<ColumnNode> columns) {
    return k.transform().equals("identity") ? column(columns, k).name() : k.transform();
  }

  /**
   * The SQL computing a key's value from the table's columns (by name). Time transforms of a
   * timestamptz are taken in UTC, so the value does not depend on the writer's time zone.
   */
  String expression(Key k, List<ColumnNode> columns) {
    ColumnNode c = column(columns, k);
    return valueSql(k.transform(), quote(c.name()), c.typeName());
  }

  /**
   * DuckDB SQL computing the partition value of {@code transform} over {@code column} (an SQL
   * expression of DuckLake type {@code typeName}); {@code CAST(... AS VARCHAR)} of it is the text
   * recorded in {@code ducklake_file_partition_value}.
   */
  public static String valueSql(String transform, String column, String typeName) {
    String value = column;
    if (typeName.equals("timestamptz") && !transform.equals("identity")) {
      value = "timezone('UTC', " + value + ")";
    }
    return switch (transform) {
      case "identity" -> value;
      default -> transform.toLowerCase(Locale.ROOT) + "(" + value + ")";
    };
  }
}
