package dev.ducklift.rest.internal;

import java.util.List;
import java.util.Locale;

/** Reads RFC 8288 {@code Link} header values. */
public final class LinkHeader {
  private LinkHeader() {}

  /**
   * The target of the first link whose {@code rel} (a space-separated list, case-insensitive)
   * contains {@code rel}, across all {@code Link} header values; {@code null} when there is none.
   */
  public static String find(List<String> headerValues, String rel) {
    String wanted = rel.toLowerCase(Locale.ROOT);
    for (String value : headerValues) {
      int i = 0;
      while (i < value.length()) {
        int open = value.indexOf('<', i);
        if (open < 0) {
          break;
        }
        int close = value.indexOf('>', open);
        if (close < 0) {
          break;
        }
        String target = value.substring(open + 1, close).trim();
        // Parameters run until the next comma outside a quoted string.
        int j = close + 1;
        boolean quoted = false;
        StringBuilder params = new StringBuilder();
        while (j < value.length()) {
          char c = value.charAt(j);
          if (c == '"') {
            quoted = !quoted;
          } else if (c == ',' && !quoted) {
            break;
          }
          params.append(c);
          j++;
        }
        if (relations(params.toString()).contains(" " + wanted + " ")) {
          return target;
        }
        i = j + 1;
      }
    }
    return null;
  }

  private static String relations(String params) {
    for (String param : params.split(";")) {
      String p = param.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("rel")) {
        String v = p.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        return " " + v.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ") + " ";
      }
    }
    return "";
  }
}
