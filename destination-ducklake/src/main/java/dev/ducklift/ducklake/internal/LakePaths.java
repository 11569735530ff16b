package dev.ducklift.ducklake.internal;

import dev.ducklift.ducklake.DuckLakeException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Pattern;

/** Directory names for schemas and tables, and joining catalog paths safely. */
public final class LakePaths {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-]+");

  private LakePaths() {}

  /**
   * The directory name (with trailing {@code /}) of a schema or table: its name if it is a plain
   * identifier, else a fresh UUID, so that no name can reach outside its parent directory.
   */
  public static String directoryFor(String name) {
    if (PLAIN.matcher(name).matches()) {
      return name + "/";
    }
    return Uuids.v7() + "/";
  }

  /**
   * Joins a parent directory and a catalog path.
   *
   * @param parent an absolute {@code /}-terminated directory
   * @param path the catalog's path value
   * @param relative its {@code path_is_relative}
   * @throws DuckLakeException if a relative path leaves the parent directory
   */
  public static String resolve(String parent, String path, boolean relative) {
    if (path == null) {
      return parent;
    }
    if (!relative) {
      return path;
    }
    String joined = parent + path;
    Path normalized = Paths.get(joined).normalize();
    if (!normalized.startsWith(Paths.get(parent).normalize())) {
      throw new DuckLakeException(
          "The catalog path '" + path + "' leads outside its directory " + parent);
    }
    return joined;
  }
}
