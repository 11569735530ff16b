package dev.ducklift.jdbc.internal;

/**
 * The record key of a database column: snake_case (camelCase boundaries become {@code _}, letters
 * lower-cased, anything else {@code _}, runs of {@code _} collapsed, trailing ones dropped, a
 * leading digit prefixed). Keys are already in the normalizer's naming convention, so the declared
 * column hints, the primary key and the cursor path name the same columns the normalizer derives
 * from the records.
 */
final class ColumnNames {
  private ColumnNames() {}

  static String recordKey(String raw) {
    StringBuilder out = new StringBuilder(raw.length() + 4);
    int n = raw.length();
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        if (Character.isUpperCase(c)) {
          boolean prevLowerOrDigit =
              i > 0
                  && (Character.isLowerCase(raw.charAt(i - 1))
                      || Character.isDigit(raw.charAt(i - 1)));
          boolean acronymEnd =
              i > 0
                  && Character.isUpperCase(raw.charAt(i - 1))
                  && i + 1 < n
                  && Character.isLowerCase(raw.charAt(i + 1));
          if ((prevLowerOrDigit || acronymEnd) && out.length() > 0) {
            underscore(out);
          }
          out.append(Character.toLowerCase(c));
        } else {
          out.append(c);
        }
      } else {
        underscore(out);
      }
    }
    int end = out.length();
    while (end > 1 && out.charAt(end - 1) == '_') {
      end--;
    }
    out.setLength(end);
    if (out.length() == 0) {
      return "_";
    }
    if (Character.isDigit(out.charAt(0))) {
      out.insert(0, '_');
    }
    return out.toString();
  }

  private static void underscore(StringBuilder out) {
    if (out.length() == 0 || out.charAt(out.length() - 1) != '_') {
      out.append('_');
    }
  }
}
