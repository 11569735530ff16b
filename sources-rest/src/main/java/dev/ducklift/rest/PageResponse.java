package dev.ducklift.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import okhttp3.Headers;

/**
 * What a paginator may inspect of a response.
 *
 * @param status the HTTP status code
 * @param headers the response headers
 * @param body the parsed JSON body, or {@code null} when the response had none
 * @param recordCount how many records the data selector found on this page
 * @param pageNumber the page's number in its request sequence, from 1
 */
public record PageResponse(
    int status, Headers headers, JsonNode body, int recordCount, int pageNumber) {
  public PageResponse {
    Objects.requireNonNull(headers, "headers");
  }
}
