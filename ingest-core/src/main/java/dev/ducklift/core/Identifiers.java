package dev.ducklift.core;

import dev.ducklift.core.internal.Naming;

/**
 * The naming convention of normalized tables and columns, for sources that declare column hints,
 * primary keys or cursor paths in terms of the names the normalizer will derive.
 */
public final class Identifiers {
  private Identifiers() {}

  /**
   * The snake_case identifier the normalizer derives from a raw field or column name: camelCase
   * boundaries become {@code _}, letters are lower-cased, anything that is not a letter or digit
   * becomes {@code _}, runs of {@code _} collapse to one, trailing ones are dropped, a leading
   * digit gets a {@code _} prefix, and an empty result is {@code _}. Applying it twice changes
   * nothing.
   */
  public static String snakeCase(String raw) {
    return Naming.snakeCase(raw);
  }
}
