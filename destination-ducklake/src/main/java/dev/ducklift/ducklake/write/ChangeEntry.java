package dev.ducklift.ducklake.write;

import java.util.ArrayList;
import java.util.List;

/** One {@code type:value} entry of a snapshot's {@code changes_made}. */
record ChangeEntry(String type, String value) {

  /** The numeric value (a table, schema or view id), or -1 for a quoted name. */
  long id() {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Splits {@code changes_made} at commas outside double-quoted names. */
  static List<ChangeEntry> parse(String changes) {
    List<ChangeEntry> out = new ArrayList<>();
    if (changes == null || changes.isEmpty()) {
      return out;
    }
    boolean inQuote = false;
    int start = 0;
    for (int i = 0; i <= changes.length(); i++) {
      if (i == changes.length() || (changes.charAt(i) == ',' && !inQuote)) {
        String entry = changes.substring(start, i);
        int colon = entry.indexOf(':');
        if (colon > 0) {
          out.add(new ChangeEntry(entry.substring(0, colon), entry.substring(colon + 1)));
        }
        start = i + 1;
      } else if (changes.charAt(i) == '"') {
        inQuote = !inQuote;
      }
    }
    return out;
  }
}
