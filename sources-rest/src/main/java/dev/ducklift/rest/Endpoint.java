package dev.ducklift.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how a resource's records are requested. Every field may be unset ({@code null} or
 * empty) so that {@link RestSource} can fill it from the resource defaults and the client: endpoint
 * values win over resource defaults, which win over the client. Query parameters and headers merge
 * by name.
 *
 * <p>Strings in the path, parameters, headers and string values of the JSON body may hold
 * placeholders: {@code {incremental.start_value}} (the last watermark minus the lag, or the initial
 * value), {@code {incremental.last_value}}, {@code {incremental.initial_value}}, {@code
 * {incremental.end_value}} and {@code {resources.<parent>.<field>}} (a field of each parent
 * record). A parameter or header whose placeholder has no value is left out.
 *
 * @param path the path relative to the client's base URL, or an absolute URL
 * @param method the HTTP method; {@code GET} when unset
 * @param params query parameters
 * @param json a JSON request body
 * @param headers extra request headers
 * @param dataSelector a JSON path to the records; auto-detected when unset
 * @param paginator the paginator; auto-detection when unset everywhere
 * @param responseActions special handling of matching responses, checked in order
 */
public record Endpoint(
    String path,
    String method,
    Map<String, String> params,
    JsonNode json,
    Map<String, String> headers,
    String dataSelector,
    Paginator paginator,
    List<ResponseAction> responseActions) {

  public Endpoint {
    method = method == null ? null : method.trim().toUpperCase(Locale.ROOT);
    params =
        params == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    headers =
        headers == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    json = json == null ? null : json.deepCopy();
    responseActions = List.copyOf(responseActions == null ? List.of() : responseActions);
  }

  /** An endpoint with only a path. */
  public static Endpoint of(String path) {
    return builder().path(path).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder newBuilder() {
    Builder b = new Builder();
    b.path = path;
    b.method = method;
    b.params.putAll(params);
    b.json = json;
    b.headers.putAll(headers);
    b.dataSelector = dataSelector;
    b.paginator = paginator;
    b.responseActions.addAll(responseActions);
    return b;
  }

  /** This endpoint with unset fields taken from {@code defaults}. */
  public Endpoint withDefaults(Endpoint defaults) {
    if (defaults == null) {
      return this;
    }
    Map<String, String> mergedParams = new LinkedHashMap<>(defaults.params);
    mergedParams.putAll(params);
    Map<String, String> mergedHeaders = new LinkedHashMap<>(defaults.headers);
    mergedHeaders.putAll(headers);
    return new Endpoint(
        path != null ? path : defaults.path,
        method != null ? method : defaults.method,
        mergedParams,
        json != null ? json : defaults.json,
        mergedHeaders,
        dataSelector != null ? dataSelector : defaults.dataSelector,
        paginator != null ? paginator : defaults.paginator,
        !responseActions.isEmpty() ? responseActions : defaults.responseActions);
  }

  /** Builds an {@link Endpoint}. Not thread-safe. */
  public static final class Builder {
    private String path;
    private String method;
    private final Map<String, String> params = new LinkedHashMap<>();
    private JsonNode json;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String dataSelector;
    private Paginator paginator;
    private final List<ResponseAction> responseActions = new ArrayList<>();

    private Builder() {}

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder method(String method) {
      this.method = method;
      return this;
    }

    public Builder param(String name, String value) {
      this.params.put(name, value);
      return this;
    }

    public Builder params(Map<String, String> params) {
      this.params.putAll(params);
      return this;
    }

    public Builder json(JsonNode body) {
      this.json = body;
      return this;
    }

    public Builder header(String name, String value) {
      this.headers.put(name, value);
      return this;
    }

    public Builder dataSelector(String jsonPath) {
      this.dataSelector = jsonPath;
      return this;
    }

    public Builder paginator(Paginator paginator) {
      this.paginator = paginator;
      return this;
    }

    public Builder responseAction(ResponseAction action) {
      this.responseActions.add(action);
      return this;
    }

    public Endpoint build() {
      return new Endpoint(
          path, method, params, json, headers, dataSelector, paginator, responseActions);
    }
  }
}
