package dev.ducklift.ducklake.read;

import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Access to the lakes written by the official DuckDB {@code ducklake} extension, kept beside the
 * repository in {@code shared/ducklake/fixtures}. Tests always work on copies: the shared folder
 * must never change.
 */
public final class LakeFixtures {
  private LakeFixtures() {}

  /** The fixtures folder, found by walking up from the working directory; empty when absent. */
  public static Optional<Path> root() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared").resolve("ducklake").resolve("fixtures");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
      dir = dir.getParent();
    }
    return Optional.empty();
  }

  /** The names of all fixture lakes (folders holding a catalog.ducklake), sorted. */
  public static List<String> names() {
    Path root = root().orElseThrow();
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> Files.exists(p.resolve("catalog.ducklake")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a fixture lake into {@code target/<name>} (writable) and returns that folder. */
  public static Path copy(String name, Path targetParent) {
    Path source = root().orElseThrow().resolve(name);
    Path target = targetParent.resolve(name);
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path dest = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
        dest.toFile().setWritable(true, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /** A DuckDB connection whose default database is the lake's catalog file. */
  public static Connection openCatalog(Path lake, boolean readOnly) {
    try {
      Connection c = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement st = c.createStatement()) {
        st.execute(
            "ATTACH '"
                + lake.resolve("catalog.ducklake").toString().replace("'", "''")
                + "' AS lake_catalog"
                + (readOnly ? " (READ_ONLY)" : ""));
        st.execute("USE lake_catalog");
      }
      return c;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot open the catalog of " + lake, e);
    }
  }

  /** A reader over a copied fixture, with the data path overridden to the copy's data folder. */
  public static LakeReader reader(Connection catalog, Path lake) {
    return LakeReader.open(catalog, null, lake.resolve("data").toString());
  }

  /** A copied fixture opened through the catalog database, as the lake's own code opens it. */
  public record OpenLake(CatalogDatabase database, LakeReader reader) implements AutoCloseable {
    @Override
    public void close() {
      try {
        reader.close();
      } finally {
        database.close();
      }
    }
  }

  /** Opens a copied fixture through {@link CatalogDatabase} with its data path overridden. */
  public static OpenLake open(Path lake, boolean readOnly) {
    CatalogDatabase database =
        CatalogDatabase.open(CatalogLocation.duckdb(lake.resolve("catalog.ducklake")), readOnly);
    try {
      return new OpenLake(database, LakeReader.open(database, lake.resolve("data").toString()));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** Lines of a CSV file without its header, split on commas outside double quotes. */
  public static List<List<String>> csv(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      List<List<String>> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
          char c = line.charAt(i);
          if (c == '"') {
            quoted = !quoted;
          } else if (c == ',' && !quoted) {
            fields.add(sb.toString());
            sb.setLength(0);
          } else {
            sb.append(c);
          }
        }
        fields.add(sb.toString());
        rows.add(fields);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
