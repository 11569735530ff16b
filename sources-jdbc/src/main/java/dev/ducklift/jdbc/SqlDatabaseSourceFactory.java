package dev.ducklift.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.Source;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.spi.SourceFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link JdbcSource} from configuration: source type {@code sql_database}. The same
 * objects as the Java DSL are built ({@link JdbcSource.Builder}, {@link JdbcTable.Builder}).
 *
 * <pre>{@code
 * sources:
 *   - name: shop
 *     type: sql_database
 *     url: jdbc:postgresql://127.0.0.1:5432/shop
 *     user: env:SHOP_USER              # a secret reference (env:, file:, secrets:) or plain text
 *     password: secrets:shop.password  # a secret reference; plain text is refused
 *     properties: {ApplicationName: ducklift}   # driver properties (optional)
 *     read_method: auto                # auto | plain | copy (default auto)
 *     fetch_size: 10000                # rows per round trip (default 10000)
 *     page_size: 10000                 # rows per page (default 10000)
 *     parallelism: 2                   # connections of a range split (default 2)
 *     retries: 3                       # resumes after a dropped connection (default 3)
 *     tables:
 *       - table: public.events         # or  pattern: public.order_%   or  query: SELECT ...
 *         resource: events             # resource name (required for a query)
 *         destination_table: events    # default: the resource name
 *         include_columns: [a, b]      # or exclude_columns: [c]
 *         primary_key: [event_id]      # default: read from the database
 *         partition_by: [year(event_timestamp), region]  # identity, year, month, day, hour
 *         write_disposition: insert-new
 *         cursor:
 *           mode: timestamp            # incrementing | timestamp | timestamp+incrementing
 *           column: event_timestamp
 *           incrementing_column: id    # timestamp+incrementing only
 *           lag: PT5M                  # ISO-8601 duration (or 5m, 30s, 2h, 1d); a number for ids
 *           initial_value: "2024-01-01T00:00:00Z"
 *           end_value: "2024-02-01T00:00:00Z"
 *         column_types: {amount: "decimal(20,4)", notes: json}
 *         split: {column: id, parts: 4, lower: "1", upper: "1000000"}
 *         shard: 0                     # with split: this worker reads only shard 0 of 4
 * }</pre>
 *
 * <p>Unknown keys are refused, so a misspelt hint does not go unnoticed.
 */
public final class SqlDatabaseSourceFactory implements SourceFactory {

  private static final Set<String> SOURCE_KEYS =
      Set.of(
          "name",
          "type",
          "url",
          "user",
          "password",
          "properties",
          "read_method",
          "fetch_size",
          "page_size",
          "parallelism",
          "retries",
          "tables");
  private static final Set<String> TABLE_KEYS =
      Set.of(
          "table",
          "pattern",
          "query",
          "resource",
          "destination_table",
          "include_columns",
          "exclude_columns",
          "primary_key",
          "write_disposition",
          "cursor",
          "column_types",
          "split",
          "shard",
          "partition_by");
  private static final Set<String> CURSOR_KEYS =
      Set.of("mode", "column", "incrementing_column", "lag", "initial_value", "end_value");
  private static final Set<String> SPLIT_KEYS = Set.of("column", "parts", "lower", "upper");
  private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public String type() {
    return "sql_database";
  }

  @Override
  public Source create(String name, JsonNode config, SecretResolver secrets, Path baseDirectory) {
    String where = "Source '" + name + "'";
    keys(config, SOURCE_KEYS, where);
    JdbcSource.Builder b = JdbcSource.builder(name).url(text(config, "url", where, true));
    String user = text(config, "user", where, false);
    if (user != null) {
      if (isReference(user)) {
        b.user(secrets.resolve(user));
      } else {
        b.user(user);
      }
    }
    String password = text(config, "password", where, false);
    if (password != null) {
      if (!isReference(password)) {
        throw new DuckliftException(
            where
                + ": 'password' must be a secret reference (env:NAME, file:/path or secrets:key),"
                + " not the password itself");
      }
      b.password(secrets.resolve(password));
    }
    JsonNode props = config.path("properties");
    if (!props.isMissingNode()) {
      Iterator<Map.Entry<String, JsonNode>> it = props.fields();
      while (it.hasNext()) {
        var e = it.next();
        b.property(e.getKey(), e.getValue().asText());
      }
    }
    String method = text(config, "read_method", where, false);
    if (method != null) {
      b.readMethod(ReadMethod.fromConfigName(method));
    }
    if (config.has("fetch_size")) {
      b.fetchSize(integer(config, "fetch_size", where));
    }
    if (config.has("page_size")) {
      b.pageSize(integer(config, "page_size", where));
    }
    if (config.has("parallelism")) {
      b.parallelism(integer(config, "parallelism", where));
    }
    if (config.has("retries")) {
      b.retries(integer(config, "retries", where), Duration.ofMillis(500));
    }
    JsonNode tables = config.path("tables");
    if (!tables.isArray() || tables.isEmpty()) {
      throw new DuckliftException(where + ": 'tables' must be a non-empty list");
    }
    for (int i = 0; i < tables.size(); i++) {
      b.table(table(tables.get(i), where + ", tables[" + i + "]"));
    }
    return b.build();
  }

  private static JdbcTable table(JsonNode node, String where) {
    Set<String> allowed = new java.util.HashSet<>(TABLE_KEYS);
    allowed.addAll(MergeHints.CONFIG_KEYS);
    keys(node, allowed, where);
    String table = text(node, "table", where, false);
    String pattern = text(node, "pattern", where, false);
    String query = text(node, "query", where, false);
    String resource = text(node, "resource", where, false);
    int given = (table != null ? 1 : 0) + (pattern != null ? 1 : 0) + (query != null ? 1 : 0);
    if (given != 1) {
      throw new DuckliftException(where + ": give exactly one of 'table', 'pattern' or 'query'");
    }
    JdbcTable.Builder b;
    if (query != null) {
      if (resource == null) {
        throw new DuckliftException(where + ": a query needs a 'resource' name");
      }
      b = JdbcTable.query(resource, query);
    } else {
      b = table != null ? JdbcTable.table(table) : JdbcTable.pattern(pattern);
      if (resource != null) {
        b.resourceName(resource);
      }
    }
    String destination = text(node, "destination_table", where, false);
    if (destination != null) {
      b.destinationTable(destination);
    }
    if (node.has("include_columns")) {
      b.includeColumns(list(node, "include_columns", where));
    }
    if (node.has("exclude_columns")) {
      b.excludeColumns(list(node, "exclude_columns", where));
    }
    if (node.has("primary_key")) {
      b.primaryKey(list(node, "primary_key", where));
    }
    if (node.has("partition_by")) {
      try {
        b.partitionBy(list(node, "partition_by", where));
      } catch (DuckliftException e) {
        throw new DuckliftException(where + ", partition_by: " + e.getMessage(), e);
      }
    }
    String disposition = text(node, "write_disposition", where, false);
    if (disposition != null) {
      b.writeDisposition(WriteDisposition.fromConfigName(disposition));
    }
    b.merge(MergeHints.fromConfig(node, where));
    JsonNode cursor = node.path("cursor");
    if (!cursor.isMissingNode()) {
      cursor(b, cursor, where + ", cursor");
    }
    JsonNode types = node.path("column_types");
    if (!types.isMissingNode()) {
      Iterator<Map.Entry<String, JsonNode>> it = types.fields();
      while (it.hasNext()) {
        var e = it.next();
        b.columnType(e.getKey(), dataType(e.getValue().asText(), where + ", column_types"));
      }
    }
    JsonNode split = node.path("split");
    if (!split.isMissingNode()) {
      String w = where + ", split";
      keys(split, SPLIT_KEYS, w);
      RangeSplit s = RangeSplit.of(text(split, "column", w, true), integer(split, "parts", w));
      String lower = text(split, "lower", w, false);
      String upper = text(split, "upper", w, false);
      if (lower != null || upper != null) {
        s = s.withBounds(lower, upper);
      }
      if (node.has("shard")) {
        b.shard(s, integer(node, "shard", where));
      } else {
        b.split(s);
      }
    } else if (node.has("shard")) {
      throw new DuckliftException(where + ": 'shard' needs a 'split'");
    }
    return b.build();
  }

  private static void cursor(JdbcTable.Builder b, JsonNode node, String where) {
    keys(node, CURSOR_KEYS, where);
    CursorMode mode = CursorMode.fromConfigName(text(node, "mode", where, true));
    String column = text(node, "column", where, true);
    switch (mode) {
      case INCREMENTING -> b.incrementing(column);
      case TIMESTAMP -> b.timestamp(column);
      case TIMESTAMP_INCREMENTING ->
          b.timestampAndIncrementing(column, text(node, "incrementing_column", where, true));
    }
    String initial = text(node, "initial_value", where, false);
    if (initial != null) {
      b.initialValue(initial);
    }
    String end = text(node, "end_value", where, false);
    if (end != null) {
      b.endValue(end);
    }
    JsonNode lag = node.path("lag");
    if (lag.isIntegralNumber()) {
      b.lag(lag.asLong());
    } else if (lag.isTextual()) {
      b.lag(duration(lag.asText(), where));
    } else if (!lag.isMissingNode()) {
      throw new DuckliftException(where + ": 'lag' must be a duration or a whole number");
    }
  }

  static Duration duration(String text, String where) {
    String t = text.trim();
    Matcher m = SHORT_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(t);
    } catch (RuntimeException e) {
      throw new DuckliftException(
          where + ": '" + text + "' is not a duration (PT5M, 5m, 30s, 2h, 1d)", e);
    }
  }

  static DataType dataType(String text, String where) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      return DataType.decimal(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    return switch (t) {
      case "text", "varchar" -> DataType.TEXT;
      case "json" -> DataType.JSON;
      default ->
          throw new DuckliftException(
              where + ": type '" + text + "' cannot be declared; use decimal(p,s), text or json");
    };
  }

  private static boolean isReference(String value) {
    return value.startsWith("env:") || value.startsWith("file:") || value.startsWith("secrets:");
  }

  private static void keys(JsonNode node, Set<String> allowed, String where) {
    if (!node.isObject()) {
      throw new DuckliftException(where + " must be a mapping");
    }
    List<String> unknown = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            k -> {
              if (!allowed.contains(k)) {
                unknown.add(k);
              }
            });
    if (!unknown.isEmpty()) {
      throw new DuckliftException(
          where
              + " has unknown keys "
              + unknown
              + "; known keys: "
              + new java.util.TreeSet<>(allowed));
    }
  }

  private static String text(JsonNode node, String key, String where, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new DuckliftException(where + " needs '" + key + "'");
      }
      return null;
    }
    if (!v.isValueNode()) {
      throw new DuckliftException(where + ": '" + key + "' must be a single value");
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new DuckliftException(where + ": '" + key + "' must be a whole number");
    }
    return v.asInt();
  }

  private static List<String> list(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray()) {
      v.forEach(e -> out.add(e.asText()));
    } else {
      throw new DuckliftException(where + ": '" + key + "' must be a list of column names");
    }
    return out;
  }
}
