package dev.ducklift.samples.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;

/**
 * The kinds of application events the generator writes, with their relative frequency and the shape
 * of their {@code details} document.
 */
public enum EventType {
  PAGE_VIEW("page_view", 34),
  API_REQUEST("api_request", 28),
  USER_LOGIN("user_login", 10),
  SEARCH("search", 8),
  PURCHASE("purchase", 6),
  USER_LOGOUT("user_logout", 5),
  ERROR("error", 4),
  FILE_UPLOAD("file_upload", 3),
  SIGNUP("signup", 2);

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> PAGES =
      List.of(
          "/",
          "/pricing",
          "/docs",
          "/docs/getting-started",
          "/blog",
          "/account",
          "/cart",
          "/products",
          "/products/42",
          "/checkout",
          "/settings",
          "/search");
  private static final List<String> ENDPOINTS =
      List.of(
          "/api/v1/orders",
          "/api/v1/users",
          "/api/v1/products",
          "/api/v1/cart",
          "/api/v1/search",
          "/api/v1/payments",
          "/api/v1/sessions",
          "/api/v2/recommendations");
  private static final List<String> METHODS = List.of("GET", "GET", "GET", "POST", "PUT", "DELETE");
  private static final List<String> AGENTS =
      List.of(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
          "Mozilla/5.0 (X11; Linux x86_64)",
          "okhttp/4.12.0",
          "python-requests/2.32");
  private static final List<String> REFERRERS =
      List.of("", "https://www.google.com/", "https://news.ycombinator.com/", "https://t.co/");
  private static final List<String> SERVICES =
      List.of("checkout", "catalog", "auth", "search", "billing", "notifications");
  private static final List<String> ERROR_CODES =
      List.of("TIMEOUT", "DB_CONN_RESET", "NULL_REFERENCE", "RATE_LIMITED", "VALIDATION", "OOM");
  private static final List<String> SEARCH_TERMS =
      List.of(
          "duck",
          "lakehouse",
          "parquet",
          "blue shoes",
          "gift card",
          "laptop stand",
          "coffee",
          "headphones",
          "usb-c cable",
          "desk lamp");
  private static final List<String> CURRENCIES = List.of("USD", "USD", "USD", "EUR", "GBP");
  private static final List<String> PAYMENT = List.of("card", "card", "paypal", "apple_pay");
  private static final List<String> LOGIN_METHODS = List.of("password", "sso", "oauth_google");
  private static final List<String> PLANS = List.of("free", "free", "free", "pro", "team");
  private static final List<String> MIME = List.of("image/png", "image/jpeg", "application/pdf");

  private static final int TOTAL_WEIGHT;

  static {
    int total = 0;
    for (EventType type : values()) {
      total += type.weight;
    }
    TOTAL_WEIGHT = total;
  }

  private final String wireName;
  private final int weight;

  EventType(String wireName, int weight) {
    this.wireName = wireName;
    this.weight = weight;
  }

  /** The value stored in {@code event_type}, e.g. {@code user_login}. */
  public String wireName() {
    return wireName;
  }

  /** The relative frequency of this type among generated events. */
  public int weight() {
    return weight;
  }

  /** Picks a type with probability proportional to its weight. */
  public static EventType pick(Random random) {
    int roll = random.nextInt(TOTAL_WEIGHT);
    for (EventType type : values()) {
      roll -= type.weight;
      if (roll < 0) {
        return type;
      }
    }
    throw new AssertionError("Weights do not add up");
  }

  /** Builds this type's details document. */
  ObjectNode details(Random random) {
    ObjectNode d = NODES.objectNode();
    switch (this) {
      case PAGE_VIEW -> {
        d.put("user_id", userId(random));
        d.put("session_id", sessionId(random));
        d.put("page", pick(random, PAGES));
        d.put("referrer", pick(random, REFERRERS));
        d.put("user_agent", pick(random, AGENTS));
        d.put("time_on_page_ms", 200 + random.nextInt(60_000));
      }
      case API_REQUEST -> {
        d.put("endpoint", pick(random, ENDPOINTS));
        d.put("method", pick(random, METHODS));
        d.put("status_code", statusCode(random));
        d.put("latency_ms", Math.round(Math.exp(2.5 + random.nextGaussian() * 0.9) * 10) / 10.0);
        d.put("client_ip", ip(random));
        if (random.nextInt(4) > 0) {
          d.put("user_id", userId(random));
        } else {
          d.putNull("user_id");
        }
        d.put("response_bytes", 120 + random.nextInt(48_000));
      }
      case USER_LOGIN -> {
        boolean success = random.nextInt(10) > 0;
        d.put("user_id", userId(random));
        d.put("ip", ip(random));
        d.put("session_id", success ? sessionId(random) : null);
        d.put("method", pick(random, LOGIN_METHODS));
        d.put("success", success);
        d.put("mfa", random.nextBoolean());
      }
      case USER_LOGOUT -> {
        d.put("user_id", userId(random));
        d.put("session_id", sessionId(random));
        d.put("session_duration_s", 5 + random.nextInt(7_200));
      }
      case SEARCH -> {
        d.put("user_id", userId(random));
        d.put("session_id", sessionId(random));
        d.put("query", pick(random, SEARCH_TERMS));
        d.put("results", random.nextInt(250));
        d.put("latency_ms", 5 + random.nextInt(400));
      }
      case PURCHASE -> {
        d.put("user_id", userId(random));
        d.put("order_id", "ord_" + Long.toString(Math.abs(random.nextLong()) % 1_000_000_000L, 36));
        ArrayNode items = d.putArray("items");
        BigDecimal amount = BigDecimal.ZERO;
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
          BigDecimal price = BigDecimal.valueOf(199 + random.nextInt(25_000)).movePointLeft(2);
          int quantity = 1 + random.nextInt(3);
          ObjectNode item = items.addObject();
          item.put("sku", "SKU-" + (1000 + random.nextInt(9000)));
          item.put("quantity", quantity);
          item.put("unit_price", price);
          amount = amount.add(price.multiply(BigDecimal.valueOf(quantity)));
        }
        d.put("amount", amount.setScale(2, RoundingMode.HALF_UP));
        d.put("currency", pick(random, CURRENCIES));
        d.put("payment_method", pick(random, PAYMENT));
      }
      case ERROR -> {
        d.put("service", pick(random, SERVICES));
        d.put("error_code", pick(random, ERROR_CODES));
        d.put("severity", random.nextInt(5) == 0 ? "critical" : "error");
        d.put("endpoint", pick(random, ENDPOINTS));
        d.put("status_code", random.nextInt(3) == 0 ? 503 : 500);
        d.put("message", "Request failed after " + (1 + random.nextInt(3)) + " attempts");
        d.put(
            "trace_id", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
      }
      case FILE_UPLOAD -> {
        d.put("user_id", userId(random));
        d.put("content_type", pick(random, MIME));
        d.put("size_bytes", 1_024L + random.nextInt(20_000_000));
        d.put("latency_ms", 50 + random.nextInt(5_000));
      }
      case SIGNUP -> {
        d.put("user_id", userId(random));
        d.put("plan", pick(random, PLANS));
        d.put("email_domain", pick(random, List.of("example.com", "example.org", "example.net")));
        d.put("ip", ip(random));
      }
    }
    return d;
  }

  private static String pick(Random random, List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String userId(Random random) {
    // A skewed population: a few heavy users and a long tail, like real traffic.
    int id = (int) Math.min(99_999, Math.abs(random.nextGaussian()) * 8_000);
    return "u_" + (10_000 + id);
  }

  private static String sessionId(Random random) {
    return "s_" + Long.toHexString(random.nextLong() & 0xffffffffffL);
  }

  private static String ip(Random random) {
    // Documentation ranges (RFC 5737): realistic-looking, never a real host.
    String[] prefixes = {"192.0.2.", "198.51.100.", "203.0.113."};
    return prefixes[random.nextInt(prefixes.length)] + (1 + random.nextInt(254));
  }

  private static int statusCode(Random random) {
    int roll = random.nextInt(100);
    if (roll < 86) {
      return roll < 80 ? 200 : 201;
    }
    if (roll < 90) {
      return 304;
    }
    if (roll < 97) {
      return roll < 94 ? 404 : 401;
    }
    return roll < 99 ? 500 : 503;
  }
}
