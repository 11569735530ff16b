package dev.ducklift.ducklake.catalog;

import dev.ducklift.core.Secret;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the catalog (metadata) of a DuckLake lives: a DuckDB database file, or a PostgreSQL
 * database reached over JDBC. {@code toString()} never shows a password.
 */
public sealed interface CatalogLocation
    permits CatalogLocation.DuckDbFile, CatalogLocation.Postgres {

  /** A catalog in a DuckDB database file ({@code catalog.ducklake}). */
  static DuckDbFile duckdb(Path file) {
    return new DuckDbFile(file);
  }

  /** A catalog in the {@code public} schema of a PostgreSQL database. */
  static Postgres postgres(String jdbcUrl, String user, Secret password) {
    return new Postgres(jdbcUrl, user, password, Optional.empty());
  }

  /** A catalog in the given metadata schema of a PostgreSQL database (created if missing). */
  static Postgres postgres(String jdbcUrl, String user, Secret password, String metadataSchema) {
    return new Postgres(jdbcUrl, user, password, Optional.of(metadataSchema));
  }

  /**
   * A DuckDB database file holding the catalog tables in its {@code main} schema.
   *
   * @param file the database file; its parent directory must exist when a lake is created
   */
  record DuckDbFile(Path file) implements CatalogLocation {
    public DuckDbFile {
      file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    }
  }

  /**
   * A PostgreSQL database holding the catalog tables.
   *
   * @param jdbcUrl a {@code jdbc:postgresql:} URL (without credentials)
   * @param user the user name
   * @param password the password
   * @param metadataSchema the schema of the catalog tables; empty means {@code public}
   */
  record Postgres(String jdbcUrl, String user, Secret password, Optional<String> metadataSchema)
      implements CatalogLocation {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");

    public Postgres {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "A PostgreSQL catalog needs a jdbc:postgresql: URL, got " + redact(jdbcUrl));
      }
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      metadataSchema = Objects.requireNonNull(metadataSchema, "metadataSchema");
      metadataSchema.ifPresent(
          s -> {
            if (s.isBlank()) {
              throw new IllegalArgumentException("The metadata schema must not be blank");
            }
          });
    }

    /** The schema holding the catalog tables. */
    public String schema() {
      return metadataSchema.orElse("public");
    }

    private static String redact(String url) {
      return PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    }

    @Override
    public String toString() {
      return "Postgres[jdbcUrl="
          + redact(jdbcUrl)
          + ", user="
          + user
          + ", password=***, metadataSchema="
          + schema()
          + "]";
    }
  }
}
