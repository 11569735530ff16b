package dev.ducklift.ducklake.promote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.DestinationFactory;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * The {@code ducklake} destination of declarative pipelines:
 *
 * <pre>{@code
 * destination:
 *   type: ducklake
 *   catalog: lake/catalog.ducklake     # a DuckDB catalog file, or a PostgreSQL catalog:
 *   # catalog: {url: jdbc:postgresql://db/lake, user: lake, password: env:LAKE_PASSWORD,
 *   #           metadata_schema: lake_meta}
 *   data_path: lake/data
 *   schema: main                       # optional
 *   author: ducklift                   # optional
 *   target_file_size_bytes: 536870912  # optional
 *   max_commit_attempts: 10            # optional
 *   retry_wait_ms: 100                 # optional
 *   cursor_window_pruning: true        # optional
 * }</pre>
 *
 * Relative paths are resolved against the config's directory; the PostgreSQL password must be a
 * secret reference.
 */
public final class DuckLakeDestinationFactory implements DestinationFactory {
  private static final Set<String> KEYS =
      Set.of(
          "type",
          "catalog",
          "data_path",
          "schema",
          "author",
          "target_file_size_bytes",
          "max_commit_attempts",
          "retry_wait_ms",
          "busy_timeout",
          "cursor_window_pruning");
  private static final Set<String> POSTGRES_KEYS =
      Set.of("url", "user", "password", "metadata_schema");

  @Override
  public String type() {
    return "ducklake";
  }

  @Override
  public Destination create(JsonNode config, SecretResolver secrets, Path baseDirectory) {
    String where = "Destination 'ducklake'";
    checkKeys(config, KEYS, where);
    DuckLakeDestination.Builder b =
        DuckLakeDestination.builder()
            .catalog(catalog(config.path("catalog"), secrets, baseDirectory, where))
            .dataPath(baseDirectory.resolve(required(config, "data_path", where)));
    if (config.hasNonNull("schema")) {
      b.schema(config.get("schema").asText());
    }
    if (config.hasNonNull("author")) {
      b.author(config.get("author").asText());
    }
    if (config.hasNonNull("target_file_size_bytes")) {
      b.targetFileSizeBytes(number(config, "target_file_size_bytes", where));
    }
    if (config.hasNonNull("max_commit_attempts")) {
      b.maxCommitAttempts((int) number(config, "max_commit_attempts", where));
    }
    if (config.hasNonNull("retry_wait_ms")) {
      b.retryBaseWait(Duration.ofMillis(number(config, "retry_wait_ms", where)));
    }
    if (config.hasNonNull("busy_timeout")) {
      b.busyTimeout(duration(config.get("busy_timeout"), where + ", busy_timeout"));
    }
    if (config.hasNonNull("cursor_window_pruning")) {
      JsonNode v = config.get("cursor_window_pruning");
      if (!v.isBoolean()) {
        throw new DuckliftException(where + ": 'cursor_window_pruning' must be true or false");
      }
      b.cursorWindowPruning(v.asBoolean());
    }
    return b.build();
  }

  private static CatalogLocation catalog(
      JsonNode node, SecretResolver secrets, Path baseDirectory, String where) {
    if (node.isTextual()) {
      return CatalogLocation.duckdb(baseDirectory.resolve(node.asText()));
    }
    if (!node.isObject()) {
      throw new DuckliftException(
          where
              + ": 'catalog' must be a DuckDB file path or a PostgreSQL mapping (url, user,"
              + " password, metadata_schema)");
    }
    String pg = where + ", catalog";
    checkKeys(node, POSTGRES_KEYS, pg);
    String password = required(node, "password", pg);
    if (!(password.startsWith("env:")
        || password.startsWith("file:")
        || password.startsWith("secrets:"))) {
      throw new DuckliftException(
          pg
              + ": 'password' must be a secret reference (env:NAME, file:/path or secrets:key),"
              + " not the password itself");
    }
    Secret resolved = secrets.resolve(password);
    String url = required(node, "url", pg);
    String user = required(node, "user", pg);
    return node.hasNonNull("metadata_schema")
        ? CatalogLocation.postgres(url, user, resolved, node.get("metadata_schema").asText())
        : CatalogLocation.postgres(url, user, resolved);
  }

  private static String required(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull() || v.asText().isBlank()) {
      throw new DuckliftException(where + ": '" + key + "' is required");
    }
    return v.asText();
  }

  private static long number(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (!v.canConvertToLong()) {
      throw new DuckliftException(where + ": '" + key + "' must be a whole number");
    }
    return v.asLong();
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    if (!node.isObject()) {
      throw new DuckliftException(where + " must be a mapping");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw new DuckliftException(
            where
                + ": unknown key '"
                + n
                + "' (expected one of "
                + new java.util.TreeSet<>(allowed)
                + ")");
      }
    }
  }

  /** A duration: {@code 30s}, {@code 500ms}, {@code 2m}, ISO-8601 ({@code PT30S}), or seconds. */
  static Duration duration(JsonNode node, String where) {
    if (node.isNumber()) {
      return Duration.ofMillis(Math.round(node.asDouble() * 1000));
    }
    String t = node.asText().trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException(t);
      };
    } catch (RuntimeException e) {
      throw new DuckliftException(
          where + ": '" + node.asText() + "' is not a duration (500ms, 30s, 2m, PT30S)", e);
    }
  }
}
