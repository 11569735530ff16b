package dev.ducklift.samples.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ducklift.core.DuckliftException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small support-tickets API on loopback, bundled so the REST sample runs with nothing to install.
 * {@code GET /api/tickets?updated_since=<ISO time>&page=<n>&per_page=<n>} with {@code
 * Authorization: Bearer <token>} returns {@code {"data": [...], "next": <url or null>}}, tickets
 * ordered by {@code updated_at}; each ticket has a nested requester, a list of tags and a list of
 * comments. Without the right token it answers 401. Thread-safe.
 */
public final class TicketsApi implements AutoCloseable {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> SUBJECTS =
      List.of(
          "Cannot log in",
          "Invoice missing",
          "Export is slow",
          "Refund request",
          "API returns 500",
          "Feature request: dark mode",
          "Password reset email not received",
          "Webhook retries",
          "Wrong currency on receipt",
          "Account locked");
  private static final List<String> STATUSES = List.of("open", "pending", "solved", "closed");
  private static final List<String> PRIORITIES =
      List.of("low", "normal", "normal", "high", "urgent");
  private static final List<String> TAGS =
      List.of("billing", "login", "api", "export", "mobile", "refund", "bug", "vip");

  private final HttpServer server;
  private final String token;
  private final Random random;
  private final Map<Long, ObjectNode> tickets = new HashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failNext = new AtomicInteger();
  private Instant clock;
  private long nextId = 1;

  private TicketsApi(HttpServer server, String token, long seed, Instant clockStart) {
    this.server = server;
    this.token = token;
    this.random = new Random(seed);
    this.clock = clockStart;
  }

  /** Starts the API on 127.0.0.1 on a free port, with {@code tickets} tickets from 2026-01-01. */
  public static TicketsApi start(int tickets, String token, long seed) {
    return start(tickets, token, seed, Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * Starts the API on 127.0.0.1 on a free port, with {@code tickets} tickets whose timestamps begin
   * at {@code clockStart} and advance by up to 90 seconds per change.
   */
  public static TicketsApi start(int tickets, String token, long seed, Instant clockStart) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      TicketsApi api = new TicketsApi(server, token, seed, clockStart);
      api.addTickets(tickets);
      server.createContext("/api/tickets", api::handle);
      server.setExecutor(
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "tickets-api");
                t.setDaemon(true);
                return t;
              }));
      server.start();
      return api;
    } catch (IOException e) {
      throw new DuckliftException("Cannot start the tickets API on loopback: " + e.getMessage(), e);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234/api}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
  }

  /** How many requests were answered (including 401s and injected failures). */
  public int requests() {
    return requests.get();
  }

  /** Answers the next {@code n} requests with 503. */
  public void failNext(int n) {
    failNext.set(n);
  }

  /** Creates {@code n} new tickets, each updated a little later than the last change. */
  public synchronized void addTickets(int n) {
    for (int i = 0; i < n; i++) {
      long id = nextId++;
      ObjectNode t = NODES.objectNode();
      t.put("id", id);
      t.put("subject", SUBJECTS.get(random.nextInt(SUBJECTS.size())));
      t.put("status", "open");
      t.put("priority", PRIORITIES.get(random.nextInt(PRIORITIES.size())));
      ObjectNode requester = t.putObject("requester");
      requester.put("id", 1000 + random.nextInt(500));
      requester.put("email_domain", random.nextBoolean() ? "example.com" : "example.org");
      ArrayNode tags = t.putArray("tags");
      int tagCount = random.nextInt(3);
      for (int k = 0; k < tagCount; k++) {
        tags.add(TAGS.get(random.nextInt(TAGS.size())));
      }
      t.putArray("comments");
      t.put("created_at", tick().toString());
      t.put("updated_at", t.get("created_at").asText());
      tickets.put(id, t);
      addComment(t);
    }
  }

  /** Updates {@code n} existing tickets (new status and a comment), moving their updated_at. */
  public synchronized void updateTickets(int n) {
    List<Long> ids = new ArrayList<>(tickets.keySet());
    ids.sort(Comparator.naturalOrder());
    for (int i = 0; i < n && !ids.isEmpty(); i++) {
      ObjectNode t = tickets.get(ids.get(random.nextInt(ids.size())));
      t.put("status", STATUSES.get(1 + random.nextInt(STATUSES.size() - 1)));
      addComment(t);
    }
  }

  /** How many tickets exist. */
  public synchronized int size() {
    return tickets.size();
  }

  private void addComment(ObjectNode t) {
    OffsetDateTime at = tick();
    ObjectNode c = ((ArrayNode) t.get("comments")).addObject();
    c.put("author", random.nextBoolean() ? "agent" : "requester");
    c.put("body", "Comment " + (t.get("comments").size()) + " on ticket " + t.get("id").asLong());
    c.put("created_at", at.toString());
    t.put("updated_at", at.toString());
  }

  private OffsetDateTime tick() {
    clock = clock.plus(1 + random.nextInt(5), ChronoUnit.SECONDS);
    return clock.atOffset(ZoneOffset.UTC);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(exchange, 503, "{\"error\":\"temporarily unavailable\"}");
        return;
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.equals("Bearer " + token)) {
        send(exchange, 401, "{\"error\":\"missing or wrong bearer token\"}");
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "{\"error\":\"GET only\"}");
        return;
      }
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      Instant since;
      int page;
      int perPage;
      try {
        String s = query.get("updated_since");
        since = s == null || s.isBlank() ? Instant.EPOCH : OffsetDateTime.parse(s).toInstant();
        page = Integer.parseInt(query.getOrDefault("page", "1"));
        perPage = Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "25")));
      } catch (DateTimeParseException | NumberFormatException e) {
        send(exchange, 400, "{\"error\":\"bad query: " + e.getMessage().replace('"', '\'') + "\"}");
        return;
      }
      send(exchange, 200, page(since, page, perPage, query).toString());
    }
  }

  private synchronized ObjectNode page(
      Instant since, int page, int perPage, Map<String, String> query) {
    List<ObjectNode> matching = new ArrayList<>();
    for (ObjectNode t : tickets.values()) {
      if (!OffsetDateTime.parse(t.get("updated_at").asText()).toInstant().isBefore(since)) {
        matching.add(t);
      }
    }
    matching.sort(
        Comparator.comparing((ObjectNode t) -> t.get("updated_at").asText())
            .thenComparing(t -> t.get("id").asLong()));
    int from = Math.min(matching.size(), (page - 1) * perPage);
    int to = Math.min(matching.size(), from + perPage);
    ObjectNode body = NODES.objectNode();
    ArrayNode data = body.putArray("data");
    matching.subList(from, to).forEach(t -> data.add(t.deepCopy()));
    if (to < matching.size()) {
      StringBuilder next = new StringBuilder(baseUrl()).append("/tickets?page=").append(page + 1);
      next.append("&per_page=").append(perPage);
      if (query.containsKey("updated_since")) {
        next.append("&updated_since=")
            .append(java.net.URLEncoder.encode(query.get("updated_since"), StandardCharsets.UTF_8));
      }
      body.put("next", next.toString());
    } else {
      body.putNull("next");
    }
    return body;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
