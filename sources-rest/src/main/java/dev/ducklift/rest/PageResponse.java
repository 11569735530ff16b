package dev.ducklift.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.rest.internal.Json;
import dev.ducklift.rest.internal.JsonPath;
import java.util.Objects;
import okhttp3.Headers;

/**
 * What a paginator may inspect of a response: status, headers, the parsed body and how many records
 * the page had. Bodies are parsed once into maps and lists; {@link #value(String)} reads them
 * directly, {@link #body()} builds a Jackson tree on first use.
 */
public final class PageResponse {
  private final int status;
  private final Headers headers;
  private final Object value;
  private final int recordCount;
  private final int pageNumber;
  private JsonNode body;

  private PageResponse(
      int status, Headers headers, Object value, JsonNode body, int recordCount, int pageNumber) {
    this.status = status;
    this.headers = Objects.requireNonNull(headers, "headers");
    this.value = value;
    this.body = body;
    this.recordCount = recordCount;
    this.pageNumber = pageNumber;
  }

  /**
   * A response with a JSON tree body.
   *
   * @param body the parsed body, or {@code null} when the response had none
   * @param recordCount how many records the data selector found on this page
   * @param pageNumber the page's number in its request sequence, from 1
   */
  public static PageResponse of(
      int status, Headers headers, JsonNode body, int recordCount, int pageNumber) {
    return new PageResponse(
        status, headers, body == null ? null : Json.toJava(body), body, recordCount, pageNumber);
  }

  /** A response whose body was parsed into maps, lists and exact numbers (or {@code null}). */
  public static PageResponse ofValue(
      int status, Headers headers, Object value, int recordCount, int pageNumber) {
    return new PageResponse(status, headers, value, null, recordCount, pageNumber);
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The response headers. */
  public Headers headers() {
    return headers;
  }

  /** How many records the data selector found on this page. */
  public int recordCount() {
    return recordCount;
  }

  /** The page's number in its request sequence, from 1. */
  public int pageNumber() {
    return pageNumber;
  }

  /**
   * The first value at {@code jsonPath} in the body (a {@link String}, number, {@link Boolean}, map
   * or list), or {@code null} when it is missing or JSON {@code null}.
   */
  public Object value(String jsonPath) {
    return JsonPath.compile(jsonPath).firstValue(value);
  }

  /** The parsed body as a Jackson tree, or {@code null} when the response had none. */
  public synchronized JsonNode body() {
    if (body == null && value != null) {
      body = Json.toNode(value);
    }
    return body;
  }
}
