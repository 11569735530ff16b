package dev.ducklift.ducklake.promote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.DestinationFactory;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.storage.S3Settings;
import dev.ducklift.ducklake.storage.StorageLocation;
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
 *   data_path: lake/data               # or a bucket prefix: s3://bucket/lake/
 *   storage:                           # optional, for s3:// (absent keys: the AWS SDK's defaults)
 *     endpoint: http://127.0.0.1:9000  # MinIO, R2, GCS interop, ...
 *     region: us-east-1
 *     path_style: true
 *     use_ssl: false
 *     access_key_id: env:S3_KEY        # secret references, or none for the default chain
 *     secret_access_key: env:S3_SECRET
 *     session_token: env:S3_TOKEN
 *     cache_directory: /var/cache/ducklift   # read cache, shared safely by processes
 *     cache_max_bytes: 2147483648
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
          "storage",
          "schema",
          "author",
          "target_file_size_bytes",
          "max_commit_attempts",
          "retry_wait_ms",
          "busy_timeout",
          "cursor_window_pruning");
  private static final Set<String> STORAGE_KEYS =
      Set.of(
          "endpoint",
          "region",
          "path_style",
          "use_ssl",
          "access_key_id",
          "secret_access_key",
          "session_token",
          "cache_directory",
          "cache_max_bytes");
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
            .storage(storage(config, secrets, baseDirectory, where));
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

  /** The data path: a directory, or {@code s3://bucket/prefix/} with the {@code storage} block. */
  static StorageLocation storage(
      JsonNode config, SecretResolver secrets, Path baseDirectory, String where) {
    String dataPath = required(config, "data_path", where);
    JsonNode block = config.path("storage");
    if (!dataPath.startsWith("s3://")) {
      if (!block.isMissingNode() && !block.isNull()) {
        throw new DuckliftException(
            where + ": 'storage' applies to an s3:// data_path only, not to " + dataPath);
      }
      if (dataPath.contains("://")) {
        throw new DuckliftException(
            where
                + ": data_path "
                + dataPath
                + " is not supported: use a directory or s3://bucket/prefix/ (S3, MinIO, R2, GCS"
                + " interoperability)");
      }
      return StorageLocation.local(baseDirectory.resolve(dataPath));
    }
    String w = where + ", storage";
    S3Settings settings = S3Settings.DEFAULTS;
    StorageLocation location;
    try {
      if (!block.isMissingNode() && !block.isNull()) {
        if (!block.isObject()) {
          throw new DuckliftException(w + ": must be a mapping");
        }
        checkKeys(block, STORAGE_KEYS, w);
        settings =
            new S3Settings(
                text(block, "endpoint"),
                text(block, "region"),
                flag(block, "path_style", false, w),
                flag(block, "use_ssl", true, w),
                secret(block, "access_key_id", secrets, w),
                secret(block, "secret_access_key", secrets, w),
                secret(block, "session_token", secrets, w));
      }
      location = StorageLocation.s3(dataPath, settings);
    } catch (IllegalArgumentException e) {
      throw new DuckliftException(where + ": " + e.getMessage(), e);
    }
    if (block.hasNonNull("cache_directory") || block.hasNonNull("cache_max_bytes")) {
      location =
          location.withCache(
              block.hasNonNull("cache_directory")
                  ? baseDirectory.resolve(block.get("cache_directory").asText())
                  : location.cacheDirectory(),
              block.hasNonNull("cache_max_bytes")
                  ? number(block, "cache_max_bytes", w)
                  : location.cacheMaxBytes());
    }
    return location;
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
  }

  private static boolean flag(JsonNode node, String key, boolean dflt, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new DuckliftException(where + ": '" + key + "' must be true or false");
    }
    return v.asBoolean();
  }

  private static Secret secret(JsonNode node, String key, SecretResolver secrets, String where) {
    String ref = text(node, key);
    if (ref == null) {
      return null;
    }
    if (!(ref.startsWith("env:") || ref.startsWith("file:") || ref.startsWith("secrets:"))) {
      throw new DuckliftException(
          where
              + ": '"
              + key
              + "' must be a secret reference (env:NAME, file:/path or secrets:key), not the"
              + " value itself");
    }
    return secrets.resolve(ref);
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
