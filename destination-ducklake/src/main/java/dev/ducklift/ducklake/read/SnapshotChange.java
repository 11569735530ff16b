package dev.ducklift.ducklake.read;

import dev.ducklift.core.DuckliftException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code type:value} entry of a snapshot's {@code changes_made}. The value is either a decimal
 * id or one or two double-quoted names, kept here as written (quotes included) in {@link #value()}.
 */
public record SnapshotChange(String type, String value) {

  /** The id of an id-valued change ({@code inserted_into_table:3} gives 3). */
  public long id() {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new DuckliftException(
          "Snapshot change " + type + ":" + value + " has no numeric id", e);
    }
  }

  /** Whether the value is a numeric id. */
  public boolean hasId() {
    return !value.isEmpty() && value.chars().allMatch(Character::isDigit);
  }

  /** The unquoted names of a name-valued change ({@code "main"."t"} gives [main, t]). */
  public List<String> names() {
    return splitQuoted(value, '.', type + ":" + value);
  }

  /**
   * The names of a comma-separated list of double-quoted names ({@code "a","b"}), as stored in
   * {@code ducklake_view.column_aliases}; empty for null or empty text.
   */
  static List<String> quotedNames(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return splitQuoted(text, ',', "column aliases " + text);
  }

  private static List<String> splitQuoted(String value, char separator, String what) {
    List<String> names = new ArrayList<>();
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) != '"') {
        throw new DuckliftException("Malformed " + what + ": a name is not quoted");
      }
      StringBuilder name = new StringBuilder();
      i++;
      while (true) {
        if (i >= value.length()) {
          throw new DuckliftException("Malformed " + what + ": unterminated quote");
        }
        char c = value.charAt(i);
        if (c == '"') {
          if (i + 1 < value.length() && value.charAt(i + 1) == '"') {
            name.append('"');
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name.append(c);
        i++;
      }
      names.add(name.toString());
      if (i < value.length()) {
        if (value.charAt(i) != separator) {
          throw new DuckliftException("Malformed " + what);
        }
        i++;
      }
    }
    return names;
  }

  /**
   * Parses a {@code changes_made} string. Commas inside quoted names do not split entries.
   *
   * @throws DuckliftException when the text is malformed
   */
  public static List<SnapshotChange> parse(String changesMade) {
    List<SnapshotChange> result = new ArrayList<>();
    if (changesMade == null || changesMade.isEmpty()) {
      return result;
    }
    int i = 0;
    int n = changesMade.length();
    while (i < n) {
      int colon = changesMade.indexOf(':', i);
      if (colon < 0) {
        throw new DuckliftException("Malformed changes_made '" + changesMade + "': missing ':'");
      }
      String type = changesMade.substring(i, colon);
      int j = colon + 1;
      boolean quoted = false;
      while (j < n) {
        char c = changesMade.charAt(j);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && !quoted) {
          break;
        }
        j++;
      }
      if (quoted) {
        throw new DuckliftException("Malformed changes_made '" + changesMade + "': open quote");
      }
      result.add(new SnapshotChange(type, changesMade.substring(colon + 1, j)));
      i = j + 1;
    }
    return result;
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
