package dev.ducklift.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.Normalization;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.rest.Endpoint;
import dev.ducklift.rest.OAuth2ClientCredentials;
import dev.ducklift.rest.Paginator;
import dev.ducklift.rest.ProcessingStep;
import dev.ducklift.rest.ResponseAction;
import dev.ducklift.rest.RestAuth;
import dev.ducklift.rest.RestClientConfig;
import dev.ducklift.rest.RestResourceConfig;
import dev.ducklift.rest.RestSource;
import dev.ducklift.rest.RetryConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code rest_api} source declaration (YAML or JSON, as a Jackson tree) into the same
 * builders the Java DSL uses. Unknown keys are errors, so typos do not pass silently; every error
 * names the source and the field.
 */
public final class RestConfigReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private final String source;
  private final SecretResolver secrets;

  public RestConfigReader(String source, SecretResolver secrets) {
    this.source = source;
    this.secrets = secrets;
  }

  public RestSource.Builder read(JsonNode config) {
    check(config, "", Set.of("name", "type", "client", "resource_defaults", "resources"));
    RestSource.Builder b = RestSource.builder(source);
    JsonNode client = config.get("client");
    if (client == null) {
      throw error("client", "is missing");
    }
    b.client(client(client));
    JsonNode sensitive = client.get("sensitive_query_params");
    if (sensitive != null) {
      strings(sensitive, "client.sensitive_query_params").forEach(b::sensitiveQueryParameter);
    }
    if (config.has("resource_defaults")) {
      b.resourceDefaults(resource(config.get("resource_defaults"), "resource_defaults", true));
    }
    JsonNode resources = config.get("resources");
    if (resources == null || !resources.isArray() || resources.isEmpty()) {
      throw error("resources", "must be a non-empty list");
    }
    for (int i = 0; i < resources.size(); i++) {
      b.resource(resource(resources.get(i), "resources[" + i + "]", false));
    }
    return b;
  }

  private RestClientConfig client(JsonNode n) {
    String f = "client";
    check(
        n,
        f,
        Set.of(
            "base_url",
            "headers",
            "auth",
            "paginator",
            "retry",
            "requests_per_second",
            "connect_timeout",
            "read_timeout",
            "max_concurrency",
            "sensitive_query_params"));
    RestClientConfig.Builder b = RestClientConfig.builder();
    if (n.has("base_url")) {
      b.baseUrl(text(n.get("base_url"), f + ".base_url"));
    }
    stringMap(n.get("headers"), f + ".headers").forEach(b::header);
    if (n.has("auth")) {
      b.auth(auth(n.get("auth"), f + ".auth"));
    }
    if (n.has("paginator")) {
      b.paginator(paginator(n.get("paginator"), f + ".paginator"));
    }
    if (n.has("retry")) {
      b.retry(retry(n.get("retry"), f + ".retry"));
    }
    if (n.has("requests_per_second")) {
      b.requestsPerSecond(
          number(n.get("requests_per_second"), f + ".requests_per_second").doubleValue());
    }
    if (n.has("connect_timeout")) {
      b.connectTimeout(duration(n.get("connect_timeout"), f + ".connect_timeout"));
    }
    if (n.has("read_timeout")) {
      b.readTimeout(duration(n.get("read_timeout"), f + ".read_timeout"));
    }
    if (n.has("max_concurrency")) {
      b.maxConcurrency(number(n.get("max_concurrency"), f + ".max_concurrency").intValue());
    }
    return b.build();
  }

  private RetryConfig retry(JsonNode n, String f) {
    check(
        n,
        f,
        Set.of("max_attempts", "initial_backoff", "max_backoff", "jitter", "resource_deadline"));
    RetryConfig r = RetryConfig.defaults();
    if (n.has("max_attempts")) {
      r = r.withMaxAttempts(number(n.get("max_attempts"), f + ".max_attempts").intValue());
    }
    if (n.has("initial_backoff") || n.has("max_backoff")) {
      r =
          r.withBackoff(
              n.has("initial_backoff")
                  ? duration(n.get("initial_backoff"), f + ".initial_backoff")
                  : r.initialBackoff(),
              n.has("max_backoff")
                  ? duration(n.get("max_backoff"), f + ".max_backoff")
                  : r.maxBackoff());
    }
    if (n.has("jitter")) {
      r = r.withJitter(number(n.get("jitter"), f + ".jitter").doubleValue());
    }
    if (n.has("resource_deadline")) {
      r = r.withResourceDeadline(duration(n.get("resource_deadline"), f + ".resource_deadline"));
    }
    return r;
  }

  private RestAuth auth(JsonNode n, String f) {
    String type = text(required(n, "type", f), f + ".type").toLowerCase(Locale.ROOT);
    switch (type) {
      case "bearer" -> {
        check(n, f, Set.of("type", "token"));
        return RestAuth.bearer(secret(required(n, "token", f), f + ".token"));
      }
      case "api_key" -> {
        check(n, f, Set.of("type", "name", "api_key", "location"));
        RestAuth.ApiKey.Location location =
            n.has("location")
                ? enumValue(
                    n.get("location"), f + ".location", RestAuth.ApiKey.Location::fromConfigName)
                : RestAuth.ApiKey.Location.HEADER;
        return RestAuth.apiKey(
            text(required(n, "name", f), f + ".name"),
            secret(required(n, "api_key", f), f + ".api_key"),
            location);
      }
      case "http_basic", "basic" -> {
        check(n, f, Set.of("type", "username", "password"));
        return RestAuth.basic(
            text(required(n, "username", f), f + ".username"),
            secret(required(n, "password", f), f + ".password"));
      }
      case "oauth2_client_credentials" -> {
        check(
            n,
            f,
            Set.of(
                "type",
                "token_url",
                "client_id",
                "client_secret",
                "scope",
                "refresh_margin",
                "credentials_in_body",
                "extra_params"));
        OAuth2ClientCredentials.Builder b =
            RestAuth.oauth2ClientCredentials(
                text(required(n, "token_url", f), f + ".token_url"),
                text(required(n, "client_id", f), f + ".client_id"),
                secret(required(n, "client_secret", f), f + ".client_secret"));
        if (n.has("scope")) {
          b.scope(text(n.get("scope"), f + ".scope"));
        }
        if (n.has("refresh_margin")) {
          b.refreshMargin(duration(n.get("refresh_margin"), f + ".refresh_margin"));
        }
        if (n.has("credentials_in_body")) {
          b.credentialsInBody(n.get("credentials_in_body").asBoolean());
        }
        stringMap(n.get("extra_params"), f + ".extra_params").forEach(b::extraParameter);
        return b.build();
      }
      case "custom" -> {
        return custom(n, f, RestAuth.class);
      }
      default ->
          throw error(
              f + ".type",
              "is '"
                  + type
                  + "'; expected bearer, api_key, http_basic, oauth2_client_credentials"
                  + " or custom");
    }
  }

  private Paginator paginator(JsonNode n, String f) {
    if (n.isTextual()) {
      return switch (n.asText().toLowerCase(Locale.ROOT)) {
        case "auto" -> Paginator.auto();
        case "single_page" -> Paginator.singlePage();
        case "header_link" -> Paginator.headerLink();
        case "json_link" -> Paginator.jsonLink("next");
        case "offset" -> Paginator.offset(100);
        case "page_number" -> Paginator.pageNumber();
        default -> throw error(f, "is '" + n.asText() + "', which is not a paginator type");
      };
    }
    String type = text(required(n, "type", f), f + ".type").toLowerCase(Locale.ROOT);
    switch (type) {
      case "auto" -> {
        check(n, f, Set.of("type"));
        return Paginator.auto();
      }
      case "single_page" -> {
        check(n, f, Set.of("type"));
        return Paginator.singlePage();
      }
      case "json_link" -> {
        check(n, f, Set.of("type", "next_url_path"));
        return Paginator.jsonLink(
            n.has("next_url_path") ? text(n.get("next_url_path"), f + ".next_url_path") : "next");
      }
      case "header_link" -> {
        check(n, f, Set.of("type", "rel"));
        return new Paginator.HeaderLink(n.has("rel") ? text(n.get("rel"), f + ".rel") : "next");
      }
      case "cursor" -> {
        check(n, f, Set.of("type", "cursor_path", "cursor_param", "cursor_body_path"));
        return new Paginator.JsonCursor(
            text(required(n, "cursor_path", f), f + ".cursor_path"),
            n.has("cursor_param") ? text(n.get("cursor_param"), f + ".cursor_param") : null,
            n.has("cursor_body_path")
                ? text(n.get("cursor_body_path"), f + ".cursor_body_path")
                : null);
      }
      case "header_cursor" -> {
        check(n, f, Set.of("type", "cursor_header", "cursor_param"));
        return Paginator.headerCursor(
            text(required(n, "cursor_header", f), f + ".cursor_header"),
            text(required(n, "cursor_param", f), f + ".cursor_param"));
      }
      case "offset" -> {
        check(
            n,
            f,
            Set.of(
                "type",
                "limit",
                "offset",
                "offset_param",
                "limit_param",
                "total_path",
                "has_more_path",
                "maximum_offset",
                "stop_after_empty_page"));
        return new Paginator.Offset(
            number(required(n, "limit", f), f + ".limit").longValue(),
            n.has("offset") ? number(n.get("offset"), f + ".offset").longValue() : 0,
            optionalText(n, "offset_param", f),
            optionalText(n, "limit_param", f),
            optionalText(n, "total_path", f),
            optionalText(n, "has_more_path", f),
            n.has("maximum_offset")
                ? number(n.get("maximum_offset"), f + ".maximum_offset").longValue()
                : null,
            !n.has("stop_after_empty_page") || n.get("stop_after_empty_page").asBoolean());
      }
      case "page_number" -> {
        check(
            n,
            f,
            Set.of(
                "type",
                "base_page",
                "page_param",
                "total_path",
                "has_more_path",
                "maximum_page",
                "stop_after_empty_page",
                "page_size",
                "page_size_param"));
        return new Paginator.PageNumber(
            n.has("base_page") ? number(n.get("base_page"), f + ".base_page").longValue() : 1,
            optionalText(n, "page_param", f),
            optionalText(n, "total_path", f),
            optionalText(n, "has_more_path", f),
            n.has("maximum_page")
                ? number(n.get("maximum_page"), f + ".maximum_page").longValue()
                : null,
            !n.has("stop_after_empty_page") || n.get("stop_after_empty_page").asBoolean(),
            n.has("page_size") ? number(n.get("page_size"), f + ".page_size").longValue() : null,
            optionalText(n, "page_size_param", f));
      }
      case "custom" -> {
        return custom(n, f, Paginator.class);
      }
      default ->
          throw error(
              f + ".type",
              "is '"
                  + type
                  + "'; expected auto, single_page, json_link, header_link, cursor,"
                  + " header_cursor, offset, page_number or custom");
    }
  }

  /**
   * Instantiates {@code class}: a public constructor taking the config node if there is one, else a
   * public no-argument constructor.
   */
  private <T> T custom(JsonNode n, String f, Class<T> type) {
    String className = text(required(n, "class", f), f + ".class");
    try {
      Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      if (!type.isAssignableFrom(c)) {
        throw error(f + ".class", "'" + className + "' does not implement " + type.getSimpleName());
      }
      try {
        return type.cast(c.getConstructor(JsonNode.class).newInstance(n));
      } catch (NoSuchMethodException e) {
        return type.cast(c.getConstructor().newInstance());
      }
    } catch (ReflectiveOperationException e) {
      throw new DuckliftException(
          "Source '" + source + "': " + f + ".class '" + className + "' cannot be instantiated", e);
    }
  }

  private RestResourceConfig resource(JsonNode n, String f, boolean defaults) {
    if (n.isTextual() && !defaults) {
      return RestResourceConfig.builder(n.asText()).path(n.asText()).build();
    }
    Set<String> keys =
        new java.util.HashSet<>(
            Set.of(
                "name",
                "endpoint",
                "table_name",
                "primary_key",
                "write_disposition",
                "incremental",
                "row_order",
                "include_from_parent",
                "processing_steps",
                "columns",
                "naming",
                "naive_timestamps",
                "json_numbers",
                "partition_by"));
    keys.addAll(MergeHints.CONFIG_KEYS);
    check(n, f, keys);
    String name = defaults ? null : text(required(n, "name", f), f + ".name");
    RestResourceConfig.Builder b =
        defaults ? RestResourceConfig.defaults() : RestResourceConfig.builder(name);
    if (n.has("endpoint")) {
      b.endpoint(endpoint(n.get("endpoint"), f + ".endpoint"));
    } else if (!defaults) {
      b.path(name);
    }
    if (n.has("table_name")) {
      b.tableName(text(n.get("table_name"), f + ".table_name"));
    }
    if (n.has("primary_key")) {
      b.primaryKey(strings(n.get("primary_key"), f + ".primary_key"));
    }
    if (n.has("write_disposition")) {
      b.writeDisposition(
          enumValue(
              n.get("write_disposition"),
              f + ".write_disposition",
              WriteDisposition::fromConfigName));
    }
    if (n.has("incremental")) {
      b.incremental(incremental(n.get("incremental"), f + ".incremental"));
    }
    if (MergeHints.CONFIG_KEYS.stream().anyMatch(n::has)) {
      b.merge(MergeHints.fromConfig(n, f));
    }
    if (n.has("row_order")) {
      b.rowOrder(
          enumValue(
              n.get("row_order"), f + ".row_order", RestResourceConfig.RowOrder::fromConfigName));
    }
    if (n.has("include_from_parent")) {
      strings(n.get("include_from_parent"), f + ".include_from_parent")
          .forEach(b::includeFromParent);
    }
    if (n.has("partition_by")) {
      try {
        b.partitionBy(strings(n.get("partition_by"), f + ".partition_by").toArray(String[]::new));
      } catch (DuckliftException e) {
        throw error(f + ".partition_by", e.getMessage());
      }
    }
    if (n.has("processing_steps")) {
      JsonNode steps = n.get("processing_steps");
      if (!steps.isArray()) {
        throw error(f + ".processing_steps", "must be a list");
      }
      for (int i = 0; i < steps.size(); i++) {
        b.processingStep(step(steps.get(i), f + ".processing_steps[" + i + "]"));
      }
    }
    if (n.has("columns")) {
      columns(n.get("columns"), f + ".columns").forEach(b::column);
    }
    if (n.has("naming")) {
      b.naming(enumValue(n.get("naming"), f + ".naming", Normalization.Naming::fromConfigName));
    }
    if (n.has("naive_timestamps")) {
      String setting = text(n.get("naive_timestamps"), f + ".naive_timestamps");
      try {
        Normalization.naiveTimestampsFromConfig(setting);
      } catch (DuckliftException e) {
        throw error(f + ".naive_timestamps", e.getMessage());
      }
      b.naiveTimestamps(setting);
    }
    if (n.has("json_numbers")) {
      b.jsonNumbers(
          enumValue(
              n.get("json_numbers"),
              f + ".json_numbers",
              Normalization.JsonNumbers::fromConfigName));
    }
    return b.build();
  }

  /**
   * Column hints: {@code columns: {amount: "decimal(12,2)", id: {data_type: bigint, nullable:
   * false}}}.
   */
  private List<ColumnHint> columns(JsonNode n, String f) {
    if (!n.isObject()) {
      throw error(f, "must be a mapping of column names to types");
    }
    List<ColumnHint> hints = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String g = f + "." + e.getKey();
      JsonNode v = e.getValue();
      String type;
      boolean nullable = true;
      if (v.isTextual()) {
        type = v.asText();
      } else {
        check(v, g, Set.of("data_type", "nullable"));
        type = v.hasNonNull("data_type") ? text(v.get("data_type"), g + ".data_type") : null;
        if (v.has("nullable")) {
          if (!v.get("nullable").isBoolean()) {
            throw error(g + ".nullable", "must be true or false");
          }
          nullable = v.get("nullable").asBoolean();
        }
      }
      DataType dataType;
      try {
        dataType = type == null ? null : DataType.parse(type);
      } catch (IllegalArgumentException ex) {
        throw error(g, ex.getMessage());
      }
      hints.add(new ColumnHint(e.getKey(), dataType, nullable));
    }
    return hints;
  }

  private ProcessingStep step(JsonNode n, String f) {
    check(n, f, Set.of("filter", "map"));
    if (n.has("filter")) {
      JsonNode filter = n.get("filter");
      check(filter, f + ".filter", Set.of("path", "equals", "not_equals"));
      String path = text(required(filter, "path", f + ".filter"), f + ".filter.path");
      if (filter.has("equals") == filter.has("not_equals")) {
        throw error(f + ".filter", "needs exactly one of equals or not_equals");
      }
      return filter.has("equals")
          ? ProcessingStep.keepWhere(path, Json.toJava(filter.get("equals")))
          : ProcessingStep.dropWhere(path, Json.toJava(filter.get("not_equals")));
    }
    if (n.has("map")) {
      JsonNode map = n.get("map");
      check(map, f + ".map", Set.of("drop", "rename"));
      if (map.has("drop") == map.has("rename")) {
        throw error(f + ".map", "needs exactly one of drop or rename");
      }
      if (map.has("drop")) {
        return ProcessingStep.dropFields(
            strings(map.get("drop"), f + ".map.drop").toArray(String[]::new));
      }
      return ProcessingStep.renameFields(stringMap(map.get("rename"), f + ".map.rename"));
    }
    throw error(f, "needs filter or map");
  }

  private Endpoint endpoint(JsonNode n, String f) {
    if (n.isTextual()) {
      return Endpoint.of(n.asText());
    }
    check(
        n,
        f,
        Set.of(
            "path",
            "method",
            "params",
            "json",
            "headers",
            "data_selector",
            "paginator",
            "response_actions"));
    Endpoint.Builder b = Endpoint.builder();
    if (n.has("path")) {
      b.path(text(n.get("path"), f + ".path"));
    }
    if (n.has("method")) {
      b.method(text(n.get("method"), f + ".method"));
    }
    stringMap(n.get("params"), f + ".params").forEach(b::param);
    if (n.has("json")) {
      b.json(n.get("json"));
    }
    stringMap(n.get("headers"), f + ".headers").forEach(b::header);
    if (n.has("data_selector")) {
      String selector = text(n.get("data_selector"), f + ".data_selector");
      try {
        JsonPath.compile(selector);
      } catch (DuckliftException e) {
        throw error(f + ".data_selector", e.getMessage());
      }
      b.dataSelector(selector);
    }
    if (n.has("paginator")) {
      b.paginator(paginator(n.get("paginator"), f + ".paginator"));
    }
    if (n.has("response_actions")) {
      JsonNode actions = n.get("response_actions");
      if (!actions.isArray()) {
        throw error(f + ".response_actions", "must be a list");
      }
      for (int i = 0; i < actions.size(); i++) {
        String af = f + ".response_actions[" + i + "]";
        JsonNode a = actions.get(i);
        check(a, af, Set.of("status_code", "content", "action"));
        b.responseAction(
            new ResponseAction(
                a.has("status_code")
                    ? number(a.get("status_code"), af + ".status_code").intValue()
                    : null,
                a.has("content") ? text(a.get("content"), af + ".content") : null,
                enumValue(
                    required(a, "action", af),
                    af + ".action",
                    ResponseAction.Action::fromConfigName)));
      }
    }
    return b.build();
  }

  private Incremental incremental(JsonNode n, String f) {
    check(
        n,
        f,
        Set.of(
            "cursor_path",
            "initial_value",
            "end_value",
            "lag",
            "cursor_type",
            "last_value_func",
            "on_cursor_value_missing"));
    Incremental inc = Incremental.on(text(required(n, "cursor_path", f), f + ".cursor_path"));
    CursorValue.Kind kind =
        n.has("cursor_type")
            ? enumValue(
                n.get("cursor_type"),
                f + ".cursor_type",
                s -> CursorValue.Kind.valueOf(s.trim().toUpperCase(Locale.ROOT)))
            : null;
    if (n.has("initial_value")) {
      inc = inc.withInitialValue(cursorValue(n.get("initial_value"), kind, f + ".initial_value"));
    }
    if (n.has("end_value")) {
      inc = inc.withEndValue(cursorValue(n.get("end_value"), kind, f + ".end_value"));
    }
    if (n.has("lag")) {
      JsonNode lag = n.get("lag");
      if (lag.isIntegralNumber()) {
        inc = inc.withLag(lag.asLong());
      } else if (lag.isNumber()) {
        inc = inc.withLag(lag.decimalValue());
      } else {
        inc = inc.withLag(duration(lag, f + ".lag"));
      }
    }
    if (n.has("last_value_func")) {
      inc =
          inc.withLastValueFunction(
              enumValue(
                  n.get("last_value_func"),
                  f + ".last_value_func",
                  s -> Incremental.LastValueFunction.valueOf(s.trim().toUpperCase(Locale.ROOT))));
    }
    if (n.has("on_cursor_value_missing")) {
      inc =
          inc.withOnMissingCursor(
              enumValue(
                  n.get("on_cursor_value_missing"),
                  f + ".on_cursor_value_missing",
                  s -> Incremental.OnMissingCursor.valueOf(s.trim().toUpperCase(Locale.ROOT))));
    }
    return inc;
  }

  /** A cursor value of {@code kind}, or of the kind its form suggests when no kind is given. */
  private CursorValue cursorValue(JsonNode n, CursorValue.Kind kind, String f) {
    try {
      if (kind != null) {
        return CursorValue.parse(kind, n.asText());
      }
      if (n.isIntegralNumber()) {
        return CursorValue.of(n.asLong());
      }
      if (n.isNumber()) {
        return CursorValue.of(n.decimalValue());
      }
      String text = text(n, f);
      try {
        return CursorValue.of(OffsetDateTime.parse(text));
      } catch (DateTimeParseException notOffset) {
        try {
          return CursorValue.of(LocalDateTime.parse(text));
        } catch (DateTimeParseException notLocal) {
          try {
            return CursorValue.of(LocalDate.parse(text));
          } catch (DateTimeParseException notDate) {
            return CursorValue.of(text);
          }
        }
      }
    } catch (DuckliftException e) {
      throw error(f, e.getMessage());
    }
  }

  // ---- small readers ----

  private Secret secret(JsonNode n, String f) {
    String value = text(n, f);
    if (value.startsWith("env:") || value.startsWith("file:") || value.startsWith("secrets:")) {
      return secrets.resolve(value);
    }
    return Secret.of(value);
  }

  private void check(JsonNode n, String f, Set<String> allowed) {
    if (n == null || !n.isObject()) {
      throw error(f.isEmpty() ? "(root)" : f, "must be an object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw error(
            (f.isEmpty() ? "" : f + ".") + key,
            "is not a known field; expected one of " + allowed.stream().sorted().toList());
      }
    }
  }

  private JsonNode required(JsonNode n, String key, String f) {
    JsonNode v = n == null ? null : n.get(key);
    if (v == null || v.isNull()) {
      throw error(f + "." + key, "is missing");
    }
    return v;
  }

  private String text(JsonNode n, String f) {
    if (n == null || !n.isValueNode() || n.isNull()) {
      throw error(f, "must be a string");
    }
    return n.asText();
  }

  private String optionalText(JsonNode n, String key, String f) {
    return n.has(key) ? text(n.get(key), f + "." + key) : null;
  }

  private Number number(JsonNode n, String f) {
    if (n.isNumber()) {
      return n.numberValue();
    }
    try {
      return new BigDecimal(n.asText().trim());
    } catch (NumberFormatException e) {
      throw error(f, "must be a number");
    }
  }

  private List<String> strings(JsonNode n, String f) {
    List<String> list = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(e -> list.add(text(e, f)));
    } else {
      list.add(text(n, f));
    }
    return list;
  }

  private Map<String, String> stringMap(JsonNode n, String f) {
    Map<String, String> map = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return map;
    }
    if (!n.isObject()) {
      throw error(f, "must be an object");
    }
    n.properties().forEach(e -> map.put(e.getKey(), text(e.getValue(), f + "." + e.getKey())));
    return map;
  }

  private <E> E enumValue(JsonNode n, String f, java.util.function.Function<String, E> parse) {
    String value = text(n, f);
    try {
      return parse.apply(value.replace('-', '_'));
    } catch (IllegalArgumentException | DuckliftException e) {
      throw error(f, "has unknown value '" + value + "'");
    }
  }

  /**
   * Parses {@code PT5S}, {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or seconds.
   */
  private Duration duration(JsonNode n, String f) {
    if (n.isNumber()) {
      return Duration.ofMillis(Math.round(n.asDouble() * 1000));
    }
    String text = text(n, f).trim();
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException notIso) {
      Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
      if (m.matches()) {
        double amount = Double.parseDouble(m.group(1));
        long millis =
            switch (m.group(2)) {
              case "ms" -> Math.round(amount);
              case "s" -> Math.round(amount * 1000);
              case "m" -> Math.round(amount * 60_000);
              case "h" -> Math.round(amount * 3_600_000);
              default -> Math.round(amount * 86_400_000);
            };
        return Duration.ofMillis(millis);
      }
      throw error(f, "is '" + text + "', which is not a duration (e.g. 500ms, 5s, 2m, 1h, PT1H)");
    }
  }

  private DuckliftException error(String field, String problem) {
    return new DuckliftException("Source '" + source + "': " + field + " " + problem);
  }
}
