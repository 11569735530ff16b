package dev.ducklift.core.internal;

import dev.ducklift.core.Normalization;
import java.util.HashMap;
import java.util.Map;

/**
 * Naming conventions: snake_case identifiers (the default) or the source's names as they are
 * ({@code direct}), {@code __} as the nesting separator, and a length limit beyond which a name is
 * shortened with a stable hash suffix.
 */
public final class Naming {

  /** Identifiers longer than this are shortened (prefix + hash). */
  public static final int MAX_LENGTH = 120;

  /** Separates a parent and a child in flattened column names and child table names. */
  public static final String SEPARATOR = "__";

  private final Map<String, String> cache = new HashMap<>();
  private final boolean direct;

  /** The snake_case convention. */
  public Naming() {
    this(Normalization.Naming.SNAKE_CASE);
  }

  public Naming(Normalization.Naming convention) {
    this.direct = convention == Normalization.Naming.DIRECT;
  }

  /**
   * The column or table name of one raw name (cached): its snake_case form, or under {@code direct}
   * the name itself ({@code _} for an empty name).
   */
  public String normalize(String raw) {
    if (direct) {
      return raw.isEmpty() ? "_" : raw;
    }
    String cached = cache.get(raw);
    if (cached == null) {
      cached = snakeCase(raw);
      if (cache.size() < 100_000) {
        cache.put(raw, cached);
      }
    }
    return cached;
  }

  /**
   * Joins a normalized parent path and a normalized child name with {@link #SEPARATOR}, shortening
   * the result when it exceeds {@link #MAX_LENGTH}.
   */
  public static String join(String parent, String child) {
    return shorten(parent.isEmpty() ? child : parent + SEPARATOR + child);
  }

  /** {@code name} itself when short enough, else a prefix and a hash of the full name. */
  public static String shorten(String name) {
    if (name.length() <= MAX_LENGTH) {
      return name;
    }
    String hash = RowIds.shortHash(name);
    return name.substring(0, MAX_LENGTH - hash.length() - 1) + "_" + hash;
  }

  /**
   * snake_case: camelCase boundaries become {@code _}, letters are lower-cased, anything that is
   * not a letter or digit becomes {@code _}, runs of {@code _} collapse to one (so {@code __} only
   * ever means nesting), a leading digit gets a {@code _} prefix, and an empty result is {@code _}.
   */
  public static String snakeCase(String raw) {
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
            appendUnderscore(out);
          }
          out.append(Character.toLowerCase(c));
        } else {
          out.append(c);
        }
      } else {
        appendUnderscore(out);
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

  private static void appendUnderscore(StringBuilder out) {
    if (out.length() == 0 || out.charAt(out.length() - 1) != '_') {
      out.append('_');
    }
  }
}
