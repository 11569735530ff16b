package dev.ducklift.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.rest.internal.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * One HTTP request of a resource, before authentication. Immutable: paginators derive the next
 * request with the {@code with*} methods.
 *
 * @param method the HTTP method ({@code GET}, {@code POST}, ...)
 * @param url the full URL including query parameters
 * @param headers request headers (authentication is added later and never appears here)
 * @param body the JSON body, or {@code null}
 */
public record PageRequest(String method, HttpUrl url, Map<String, String> headers, JsonNode body) {
  public PageRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers == null ? Map.of() : headers);
    body = body == null ? null : body.deepCopy();
  }

  public PageRequest withUrl(HttpUrl newUrl) {
    return new PageRequest(method, newUrl, headers, body);
  }

  /** This request with query parameter {@code name} set to {@code value} (replacing others). */
  public PageRequest withQueryParameter(String name, String value) {
    return withUrl(url.newBuilder().setQueryParameter(name, value).build());
  }

  /** The value of query parameter {@code name}, or {@code null}. */
  public String queryParameter(String name) {
    return url.queryParameter(name);
  }

  public PageRequest withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new PageRequest(method, url, copy, body);
  }

  /**
   * This request with the JSON body field at dotted {@code path} set to {@code value} (objects on
   * the way are created).
   */
  public PageRequest withBodyField(String path, Object value) {
    ObjectNode root =
        body != null && body.isObject()
            ? (ObjectNode) body.deepCopy()
            : Json.MAPPER.createObjectNode();
    String[] parts = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      node = child != null && child.isObject() ? (ObjectNode) child : node.putObject(parts[i]);
    }
    node.set(parts[parts.length - 1], Json.toNode(value));
    return new PageRequest(method, url, headers, root);
  }

  /** The body field at dotted {@code path}, or {@code null}. */
  public JsonNode bodyField(String path) {
    JsonNode node = body;
    for (String part : path.split("\\.")) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(part);
    }
    return node;
  }
}
