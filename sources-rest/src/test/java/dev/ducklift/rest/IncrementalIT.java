package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Incremental;
import dev.ducklift.rest.internal.Json;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IncrementalIT {
  private MockWebServer server;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    server.close();
  }

  private void serve(java.util.function.Function<RecordedRequest, MockResponse> routes)
      throws Exception {
    server =
        Servers.start(
            request -> {
              requests.add(request);
              return routes.apply(request);
            });
  }

  private static final Incremental UPDATED_AT =
      Incremental.on("updated_at")
          .withInitialValue(CursorValue.of(OffsetDateTime.parse("2024-01-01T00:00:00Z")))
          .withLag(Duration.ofHours(1));

  @Test
  void placeholdersAreFilledInPathParamsHeadersAndBody() throws Exception {
    serve(r -> json("[{\"id\":1,\"updated_at\":\"2024-05-01T00:00:00Z\"}]"));
    RestResourceConfig r =
        RestResourceConfig.builder("events")
            .primaryKey("id")
            .incremental(
                UPDATED_AT.withEndValue(
                    CursorValue.of(OffsetDateTime.parse("2024-06-01T00:00:00Z"))))
            .endpoint(
                Endpoint.builder()
                    .path("events/since/{incremental.start_value}")
                    .method("POST")
                    .param("updated_after", "{incremental.last_value}")
                    .param("initial", "{incremental.initial_value}")
                    .param("until", "{incremental.end_value}")
                    .header("X-Window-Start", "{incremental.start_value}")
                    .json(
                        Json.MAPPER.readTree(
                            "{\"filter\":{\"from\":\"{incremental.start_value}\",\"n\":[\"{incremental.end_value}\"]},\"q\":\"x {incremental.initial_value}\"}"))
                    .paginator(Paginator.singlePage())
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      var resource = source.resource("events");
      TestContext ctx =
          TestContext.of(resource)
              .last("", CursorValue.of(OffsetDateTime.parse("2024-03-10T12:00:00Z")))
              .lag(Duration.ofHours(1))
              .end(CursorValue.of(OffsetDateTime.parse("2024-06-01T00:00:00Z")));
      Collected.extract(resource, ctx);
    }
    RecordedRequest sent = requests.get(0);
    // The start value is the last watermark minus the one-hour lag.
    String start = "2024-03-10T11:00Z";
    assertThat(sent.getUrl().encodedPath()).isEqualTo("/events/since/" + start);
    assertThat(sent.getUrl().queryParameter("updated_after")).isEqualTo("2024-03-10T12:00Z");
    assertThat(sent.getUrl().queryParameter("initial")).isEqualTo("2024-01-01T00:00Z");
    assertThat(sent.getUrl().queryParameter("until")).isEqualTo("2024-06-01T00:00Z");
    assertThat(sent.getHeaders().get("X-Window-Start")).isEqualTo(start);
    assertThat(Json.MAPPER.readTree(sent.getBody().utf8()))
        .isEqualTo(
            Json.MAPPER.readTree(
                "{\"filter\":{\"from\":\""
                    + start
                    + "\",\"n\":[\"2024-06-01T00:00Z\"]},\"q\":\"x 2024-01-01T00:00Z\"}"));
  }

  @Test
  void aFirstRunStartsAtTheInitialValueAndLeavesOutParamsWithoutValue() throws Exception {
    serve(r -> json("[]"));
    RestResourceConfig r =
        RestResourceConfig.builder("events")
            .primaryKey("id")
            .incremental(Incremental.on("seq").withInitialValue(CursorValue.of(100)))
            .endpoint(
                Endpoint.builder()
                    .path("events")
                    .param("since", "{incremental.start_value}")
                    .param("until", "{incremental.end_value}")
                    .json(null)
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      Collected.extract(source.resource("events"));
    }
    assertThat(requests.get(0).getUrl().queryParameter("since")).isEqualTo("100");
    assertThat(requests.get(0).getUrl().queryParameterNames()).containsExactly("since");
  }

  @Test
  void numericPlaceholdersKeepTheirTypeInTheBody() throws Exception {
    serve(r -> json("[]"));
    RestResourceConfig r =
        RestResourceConfig.builder("events")
            .primaryKey("id")
            .incremental(Incremental.on("seq").withInitialValue(CursorValue.of(7)))
            .endpoint(
                Endpoint.builder()
                    .path("events")
                    .method("POST")
                    .json(Json.MAPPER.readTree("{\"after\":\"{incremental.start_value}\"}"))
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      var resource = source.resource("events");
      Collected.extract(resource, TestContext.of(resource).last("", CursorValue.of(41)).lag(1L));
    }
    assertThat(requests.get(0).getBody().utf8()).isEqualTo("{\"after\":40}");
  }

  /** Pages of 3 records with cursors 1..12 in ascending order. */
  private MockResponse ascending(RecordedRequest r) {
    int page = Integer.parseInt(r.getUrl().queryParameter("page"));
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 3; i++) {
      int seq = (page - 1) * 3 + i + 1;
      sb.append(i == 0 ? "" : ",")
          .append("{\"id\":")
          .append(seq)
          .append(",\"seq\":")
          .append(seq)
          .append('}');
    }
    return json(sb.append(']').toString());
  }

  @Test
  void ascendingResourcesStopAtTheFirstRecordPastTheEndValue() throws Exception {
    serve(this::ascending);
    RestResourceConfig r =
        RestResourceConfig.builder("events")
            .primaryKey("id")
            .incremental(Incremental.on("seq"))
            .rowOrder(RestResourceConfig.RowOrder.ASC)
            .endpoint(
                Endpoint.builder()
                    .path("events")
                    .paginator(Paginator.pageNumber().withMaximumPage(4L))
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      var resource = source.resource("events");
      Collected c = Collected.extract(resource, TestContext.of(resource).end(CursorValue.of(5)));
      assertThat(c.field("seq")).containsExactly(1, 2, 3, 4);
    }
    // Records 5 and 6 are on page 2; pages 3 and 4 are never requested.
    assertThat(requests).hasSize(2);
  }

  @Test
  void descendingResourcesStopAtTheFirstRecordBeforeTheStartValue() throws Exception {
    serve(
        r -> {
          int page = Integer.parseInt(r.getUrl().queryParameter("page"));
          int top = 20 - (page - 1) * 5;
          StringBuilder sb = new StringBuilder("{\"data\":[");
          for (int i = 0; i < 5; i++) {
            sb.append(i == 0 ? "" : ",")
                .append("{\"id\":")
                .append(top - i)
                .append(",\"seq\":")
                .append(top - i)
                .append('}');
          }
          return json(sb.append("]}").toString());
        });
    RestResourceConfig r =
        RestResourceConfig.builder("events")
            .primaryKey("id")
            .incremental(Incremental.on("seq"))
            .rowOrder(RestResourceConfig.RowOrder.DESC)
            .endpoint(
                Endpoint.builder()
                    .path("events")
                    .paginator(Paginator.pageNumber().withMaximumPage(4L))
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      var resource = source.resource("events");
      Collected c =
          Collected.extract(resource, TestContext.of(resource).last("", CursorValue.of(13)));
      // Records equal to the start are re-read; 12 is older and ends the run.
      assertThat(c.field("seq")).containsExactly(20, 19, 18, 17, 16, 15, 14, 13);
    }
    assertThat(requests).hasSize(2);
  }

  @Test
  void anIncrementalPlaceholderWithoutACursorIsRejected() throws Exception {
    serve(r -> json("[]"));
    RestResourceConfig r =
        RestResourceConfig.builder("events")
            .endpoint(
                Endpoint.builder()
                    .path("events")
                    .param("since", "{incremental.start_value}")
                    .build())
            .build();
    assertThatThrownBy(() -> Servers.source(Servers.client(server).build(), r))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Resource 'events'")
        .hasMessageContaining("declares no incremental cursor");
  }

  @Test
  void theConsumerCanStopTheResource() throws Exception {
    serve(this::ascending);
    RestResourceConfig r =
        RestResourceConfig.builder("events")
            .endpoint(
                Endpoint.builder()
                    .path("events")
                    .paginator(Paginator.pageNumber().withMaximumPage(4L))
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      Collected c = new Collected(2);
      source.resource("events").extract(TestContext.of(source.resource("events")), c);
      assertThat(c.pages).hasSize(2);
    }
    // The next page may already have been fetched ahead of the consumer, but no more.
    assertThat(requests.size()).isBetween(2, 3);
  }

  @Test
  void numbersKeepTheirExactValueAndScaleWhenAskedForExactNumbers() throws Exception {
    serve(
        r ->
            json(
                "{\"data\":[{\"id\":12345678901234567890,\"price\":10.50,\"small\":1e-30,\"n\":3,\"l\":9000000000}]}"));
    try (RestSource source =
        Servers.source(
            Servers.client(server).build(),
            RestResourceConfig.builder("p")
                .path("p")
                .jsonNumbers(dev.ducklift.core.Normalization.JsonNumbers.EXACT)
                .build())) {
      var record = Collected.extract(source.resource("p")).records().get(0);
      assertThat(record.get("id")).isEqualTo(new java.math.BigInteger("12345678901234567890"));
      assertThat(record.get("price")).isEqualTo(new java.math.BigDecimal("10.50"));
      assertThat(record.get("small")).isEqualTo(new java.math.BigDecimal("1e-30"));
      assertThat(record.get("n")).isEqualTo(3);
      assertThat(record.get("l")).isEqualTo(9000000000L);
    }
  }
}
