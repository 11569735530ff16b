package dev.ducklift.rest.internal;

import dev.ducklift.rest.ResponseAction;
import java.time.Instant;
import java.util.List;

/**
 * Per-request context carried by OkHttp request tags to the interceptors.
 *
 * @param resource the resource name
 * @param page the page number in its request sequence
 * @param deadline when the resource's time is up (retries that would end later fail instead)
 * @param responseActions the endpoint's response actions (a matching response is never retried)
 */
public record RequestTag(
    String resource, int page, Instant deadline, List<ResponseAction> responseActions) {}
