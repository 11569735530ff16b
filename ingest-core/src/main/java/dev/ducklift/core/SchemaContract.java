package dev.ducklift.core;

/** What happens when a value does not fit the table's current schema. */
public enum SchemaContract {
  /**
   * New columns are added; a value that cannot widen goes to a variant column or widens to text.
   */
  EVOLVE,
  /** Any schema change or non-conforming value fails the run. */
  FREEZE,
  /** The whole row is dropped (counted in the run result). */
  DISCARD_ROW,
  /** The non-conforming value is dropped (the column is set to null). */
  DISCARD_VALUE;

  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static SchemaContract fromConfigName(String name) {
    String normalized = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    try {
      return valueOf(normalized);
    } catch (IllegalArgumentException e) {
      throw new DuckliftException(
          "Unknown schema contract '"
              + name
              + "': expected evolve, freeze, discard_row or discard_value",
          e);
    }
  }
}
