package dev.ducklift.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Page;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.rest.PageRequest;
import dev.ducklift.rest.PageResponse;
import dev.ducklift.rest.ProcessingStep;
import dev.ducklift.rest.ResponseAction;
import dev.ducklift.rest.RestClientConfig;
import dev.ducklift.rest.RestEventListener;
import dev.ducklift.rest.RestResourceConfig.RowOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A REST resource: runs its request sequence (or one sequence per parent record) and hands pages to
 * the pipeline. Thread-safe; each {@link #extract} call is independent.
 */
public final class RestResource implements Resource {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final ResourceSpec spec;
  private final ResourcePlan plan;
  private final RestClientConfig client;
  private final Transport transport;
  private final RestEventListener listener;

  public RestResource(
      ResourceSpec spec,
      ResourcePlan plan,
      RestClientConfig client,
      Transport transport,
      RestEventListener listener) {
    this.spec = spec;
    this.plan = plan;
    this.client = client;
    this.transport = transport;
    this.listener = listener;
  }

  @Override
  public ResourceSpec spec() {
    return spec;
  }

  public ResourcePlan plan() {
    return plan;
  }

  @Override
  public void extract(ExtractContext context, PageConsumer pages) throws Exception {
    Instant deadline = deadline();
    if (plan.parent() == null) {
      // One thread fetches and parses the next page while the caller normalizes this one.
      try (ChildFanout prefetch = new ChildFanout(plan.name(), 1, 1, pages, context)) {
        if (prefetch.submit(sink -> runSequence(plan, context, "", null, deadline, sink))) {
          prefetch.finish();
        }
      }
      return;
    }
    try (ChildFanout fanout =
        new ChildFanout(plan.name(), client.maxConcurrency(), pages, context)) {
      boolean[] more = {true};
      // Parent pages are fetched on this thread; each parent record starts one child sequence.
      runSequence(
          plan.parent(),
          null,
          "",
          null,
          deadline,
          parentPage -> {
            for (Map<String, Object> parentRecord : parentPage.records()) {
              String key = parentKey(parentRecord);
              String stateKey = plan.incremental() == null ? "" : key;
              try {
                if (!fanout.submit(
                    sink -> runSequence(plan, context, stateKey, parentRecord, deadline, sink))) {
                  more[0] = false;
                  return false;
                }
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new DuckliftException(
                    "Resource '" + plan.name() + "' failed for parent " + key, e);
              }
            }
            return true;
          });
      if (more[0]) {
        fanout.finish();
      }
    }
  }

  private Instant deadline() {
    try {
      return Instant.now().plus(client.retry().resourceDeadline());
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return Instant.MAX;
    }
  }

  private String parentKey(Map<String, Object> parentRecord) {
    List<String> parts = new ArrayList<>();
    for (String field : plan.parentFields()) {
      Object value = RecordPaths.get(parentRecord, field);
      if (value == null) {
        throw new DuckliftException(
            "Resource '"
                + plan.name()
                + "' needs field '"
                + field
                + "' of parent resource '"
                + plan.parent().name()
                + "', but a parent record has none");
      }
      parts.add(Templates.asText(value));
    }
    return String.join("/", parts);
  }

  /**
   * Runs one request sequence of {@code p}: the first request, then the paginator's next requests
   * until it stops, the consumer refuses, the run is cancelled or an early stop applies.
   *
   * @param context the run's context, or {@code null} when fetching parents for a child (then
   *     incremental placeholders use the parent's initial value and no early stop applies)
   */
  private void runSequence(
      ResourcePlan p,
      ExtractContext context,
      String stateKey,
      Map<String, Object> parentRecord,
      Instant deadline,
      PageConsumer sink)
      throws IOException {
    Function<String, Object> values = placeholderValues(p, context, stateKey, parentRecord);
    PageRequest request = p.paginator().first(initialRequest(p, values));
    for (int page = 1; ; page++) {
      if (context != null && context.cancelled()) {
        return;
      }
      Fetched fetched = fetch(p, request, page, deadline);
      if (fetched.action == ResponseAction.Action.IGNORE) {
        return;
      }
      // The paginator reads the parsed body, which shares its maps with the records: ask it
      // before processing steps or the pipeline may change them.
      PageResponse response =
          PageResponse.ofValue(
              fetched.status, fetched.headers, fetched.body, fetched.records.size(), page);
      Optional<PageRequest> next = p.paginator().next(request, response);
      List<Map<String, Object>> records = new ArrayList<>(fetched.records.size());
      boolean stop = false;
      for (Object value : fetched.records) {
        Map<String, Object> record = Json.asRecord(value);
        if (context != null && passedBound(p, context, stateKey, record)) {
          stop = true;
          break;
        }
        if (parentRecord != null) {
          for (String field : p.includeFromParent()) {
            record.put(
                "_" + p.parent().name() + "_" + field.replace('.', '_'),
                RecordPaths.get(parentRecord, field));
          }
        }
        for (ProcessingStep step : p.processingSteps()) {
          record = step.apply(record);
          if (record == null) {
            break;
          }
        }
        if (record != null) {
          records.add(record);
        }
      }
      String url = transport.redactor().url(request.url());
      if (!records.isEmpty()) {
        String description = request.method() + " " + url + " (page " + page + ")";
        if (!sink.accept(new Page(records, description, stateKey))) {
          return;
        }
        if (context != null) {
          listener.pageExtracted(p.name(), description, records.size(), stateKey);
        }
      }
      if (stop) {
        return;
      }
      if (next.isEmpty()) {
        return;
      }
      if (next.get().equals(request)) {
        throw new DuckliftException(
            "Resource '"
                + p.name()
                + "': the paginator asked for "
                + url
                + " again after page "
                + page
                + "; stopping to avoid an endless loop");
      }
      request = next.get();
    }
  }

  /** Whether {@code record} lies past the bound an ordered resource may stop at. */
  private static boolean passedBound(
      ResourcePlan p, ExtractContext context, String stateKey, Map<String, Object> record) {
    Incremental inc = p.incremental();
    if (inc == null || p.rowOrder() == null) {
      return false;
    }
    Optional<CursorValue> bound =
        p.rowOrder() == RowOrder.ASC ? context.endValue() : context.startValue(stateKey);
    if (bound.isEmpty()) {
      return false;
    }
    CursorValue cursor = CursorReader.read(record, inc.cursorPath(), bound.get().kind());
    if (cursor == null) {
      return false;
    }
    int cmp = cursor.compareTo(bound.get());
    return p.rowOrder() == RowOrder.ASC ? cmp >= 0 : cmp < 0;
  }

  private Function<String, Object> placeholderValues(
      ResourcePlan p, ExtractContext context, String stateKey, Map<String, Object> parentRecord) {
    Incremental inc = p.incremental();
    return name -> {
      if (name.startsWith("resources.")) {
        if (parentRecord == null) {
          return null;
        }
        String rest = name.substring("resources.".length());
        String field = rest.substring(rest.indexOf('.') + 1);
        return RecordPaths.get(parentRecord, field);
      }
      if (inc == null) {
        return null;
      }
      Optional<CursorValue> initial = inc.initial();
      return switch (name) {
        case "incremental.initial_value" -> initial.orElse(null);
        case "incremental.start_value" ->
            context == null ? initial.orElse(null) : context.startValue(stateKey).orElse(null);
        case "incremental.last_value" ->
            context == null
                ? initial.orElse(null)
                : context.lastValue(stateKey).or(() -> initial).orElse(null);
        case "incremental.end_value" ->
            context == null ? inc.end().orElse(null) : context.endValue().orElse(null);
        default -> null;
      };
    };
  }

  private PageRequest initialRequest(ResourcePlan p, Function<String, Object> values) {
    String path = Templates.render(p.path(), values);
    if (path == null) {
      throw new DuckliftException(
          "Resource '" + p.name() + "': a placeholder in path '" + p.path() + "' has no value");
    }
    HttpUrl url;
    HttpUrl absolute = HttpUrl.parse(path);
    if (absolute != null) {
      url = absolute;
    } else {
      if (client.baseUrl() == null) {
        throw new DuckliftException(
            "Resource '" + p.name() + "' has a relative path but the client has no base URL");
      }
      url = HttpUrl.get(client.baseUrl()).resolve(path.startsWith("/") ? path.substring(1) : path);
      if (url == null) {
        throw new DuckliftException(
            "Resource '" + p.name() + "': path '" + p.path() + "' does not form a valid URL");
      }
    }
    HttpUrl.Builder ub = url.newBuilder();
    p.params()
        .forEach(
            (k, v) -> {
              String rendered = Templates.render(v, values);
              if (rendered != null) {
                ub.setQueryParameter(k, rendered);
              }
            });
    Map<String, String> headers = new LinkedHashMap<>(client.headers());
    p.headers()
        .forEach(
            (k, v) -> {
              String rendered = Templates.render(v, values);
              if (rendered != null) {
                headers.put(k, rendered);
              } else {
                headers.remove(k);
              }
            });
    JsonNode body = Templates.render(p.json(), values);
    return new PageRequest(p.method(), ub.build(), headers, body);
  }

  private record Fetched(
      int status,
      okhttp3.Headers headers,
      Object body,
      List<Object> records,
      ResponseAction.Action action) {}

  private Fetched fetch(ResourcePlan p, PageRequest request, int page, Instant deadline)
      throws IOException {
    Redactor redactor = transport.redactor();
    String shownUrl = redactor.url(request.url());
    Request.Builder rb =
        new Request.Builder()
            .url(request.url())
            .tag(RequestTag.class, new RequestTag(p.name(), page, deadline, p.responseActions()));
    request.headers().forEach(rb::header);
    RequestBody body =
        request.body() == null
            ? null
            : RequestBody.create(Json.MAPPER.writeValueAsBytes(request.body()), JSON);
    if (body == null
        && (request.method().equals("POST")
            || request.method().equals("PUT")
            || request.method().equals("PATCH"))) {
      body = RequestBody.create(new byte[0], JSON);
    }
    rb.method(request.method(), body);
    int status;
    okhttp3.Headers headers;
    byte[] bytes;
    String contentType;
    try (Response response = transport.client().newCall(rb.build()).execute()) {
      status = response.code();
      headers = response.headers();
      bytes = response.body().bytes();
      contentType = response.header("Content-Type", "");
    } catch (Transport.DeadlineExceeded e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DuckliftException(
          "Resource '"
              + p.name()
              + "' could not fetch page "
              + page
              + " from "
              + shownUrl
              + " after "
              + client.retry().maxAttempts()
              + " attempt(s): "
              + redactor.text(e.toString()),
          redactor.sanitize(e));
    }
    String text = null;
    for (ResponseAction action : p.responseActions()) {
      if (action.contentContains() != null && text == null) {
        text = new String(bytes, StandardCharsets.UTF_8);
      }
      if (action.matches(status, text)) {
        switch (action.action()) {
          case IGNORE, EMPTY -> {
            return new Fetched(status, headers, null, List.of(), action.action());
          }
          case FAIL ->
              throw new DuckliftException(
                  "Resource '"
                      + p.name()
                      + "' page "
                      + page
                      + " from "
                      + shownUrl
                      + " matched a fail action (HTTP "
                      + status
                      + "): "
                      + Transport.excerpt(bytes, redactor));
        }
      }
    }
    if (status < 200 || status >= 300) {
      throw new DuckliftException(
          "Resource '"
              + p.name()
              + "' got HTTP "
              + status
              + " for page "
              + page
              + " from "
              + shownUrl
              + ": "
              + Transport.excerpt(bytes, redactor));
    }
    if (bytes.length == 0 || status == 204) {
      return new Fetched(status, headers, null, List.of(), null);
    }
    if (contentType.toLowerCase(java.util.Locale.ROOT).contains("html") || startsWithTag(bytes)) {
      throw new DuckliftException(
          "Resource '"
              + p.name()
              + "' page "
              + page
              + " from "
              + shownUrl
              + " is HTML, not JSON (HTTP "
              + status
              + "): "
              + Transport.excerpt(bytes, redactor));
    }
    Object root;
    try {
      root = Json.parseValue(bytes, spec.normalization().jsonNumbers());
    } catch (IOException e) {
      String reason =
          e instanceof JsonProcessingException j
              ? j.getOriginalMessage().replaceAll("\\s+", " ")
                  + (j.getLocation() == null ? "" : " at byte " + j.getLocation().getByteOffset())
              : e.getMessage();
      throw new DuckliftException(
          "Resource '"
              + p.name()
              + "' page "
              + page
              + " from "
              + shownUrl
              + " is not valid JSON ("
              + redactor.text(truncate(reason))
              + ", "
              + bytes.length
              + " bytes): "
              + Transport.excerpt(bytes, redactor));
    }
    List<Object> records =
        p.dataSelector() != null
            ? Json.selectValue(root, p.dataSelector())
            : Json.autoSelectValue(root);
    return new Fetched(status, headers, root, records, null);
  }

  private static String truncate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static boolean startsWithTag(byte[] bytes) {
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return b == '<';
      }
    }
    return false;
  }
}
