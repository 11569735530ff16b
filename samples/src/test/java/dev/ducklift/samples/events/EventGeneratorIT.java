package dev.ducklift.samples.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventGeneratorIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalPostgres postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = LocalPostgres.startTemporary();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @Test
  void writesTheRequestedNumberOfEventsWithWeightedTypes() throws Exception {
    EventGeneratorOptions options = EventGeneratorOptions.of(5_000, 4).withTable("weighted");
    try (Connection c = postgres.connect()) {
      var result = new EventGenerator(options.withSeed(7L)).run(c);
      assertThat(result.rows()).isEqualTo(20_000);
      assertThat(result.batches()).isEqualTo(4);

      Map<String, Long> counts = new HashMap<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT event_type, count(*) FROM weighted GROUP BY event_type")) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
      int totalWeight = 0;
      for (EventType t : EventType.values()) {
        totalWeight += t.weight();
      }
      for (EventType t : EventType.values()) {
        double expectedShare = (double) t.weight() / totalWeight;
        double share = counts.getOrDefault(t.wireName(), 0L) / 20_000.0;
        assertThat(share).as(t.wireName()).isCloseTo(expectedShare, within(0.015));
      }
    }
  }

  @Test
  void detailsCarryTheFieldsOfEachEventType() throws Exception {
    try (Connection c = postgres.connect()) {
      new EventGenerator(EventGeneratorOptions.of(2_000, 1).withTable("shapes").withSeed(3L))
          .run(c);
      Map<String, List<JsonNode>> byType = new HashMap<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT event_type, details::text FROM shapes")) {
        while (rs.next()) {
          byType
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(JSON.readTree(rs.getString(2)));
        }
      }
      for (JsonNode login : byType.get("user_login")) {
        assertThat(login.path("user_id").asText()).startsWith("u_");
        assertThat(login.has("ip")).isTrue();
        assertThat(login.path("success").isBoolean()).isTrue();
      }
      for (JsonNode request : byType.get("api_request")) {
        assertThat(request.path("endpoint").asText()).startsWith("/api/");
        assertThat(request.path("status_code").asInt()).isBetween(200, 599);
        assertThat(request.path("latency_ms").isNumber()).isTrue();
      }
      for (JsonNode purchase : byType.get("purchase")) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode item : purchase.path("items")) {
          sum =
              sum.add(
                  item.path("unit_price")
                      .decimalValue()
                      .multiply(BigDecimal.valueOf(item.path("quantity").asInt())));
        }
        assertThat(purchase.path("amount").decimalValue()).isEqualByComparingTo(sum);
      }
      for (JsonNode error : byType.get("error")) {
        assertThat(error.path("status_code").asInt()).isIn(500, 503);
        assertThat(error.path("service").asText()).isNotEmpty();
      }
    }
  }

  @Test
  void aSeedRepeatsIdsAndTypes() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    try (Connection c = postgres.connect()) {
      new EventGenerator(EventGeneratorOptions.of(300, 2).withTable("seed_a").withSeed(42L), clock)
          .run(c);
      new EventGenerator(EventGeneratorOptions.of(300, 2).withTable("seed_b").withSeed(42L), clock)
          .run(c);
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM seed_a a JOIN seed_b b USING (event_id)"
                      + " WHERE a.event_type = b.event_type AND a.details = b.details"
                      + " AND a.event_timestamp = b.event_timestamp")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(600);
      }
    }
  }

  @Test
  void createdAtNeverGoesBackwardsAndEventTimestampPrecedesIt() throws Exception {
    Clock stuck = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    try (Connection c = postgres.connect()) {
      new EventGenerator(EventGeneratorOptions.of(100, 5).withTable("ordered"), stuck).run(c);
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(DISTINCT created_at),"
                      + " count(*) FILTER (WHERE event_timestamp > created_at) FROM ordered")) {
        rs.next();
        assertThat(rs.getLong(1)).as("one distinct created_at per batch").isEqualTo(5);
        assertThat(rs.getLong(2)).isZero();
      }
    }
  }

  @Test
  void writesThousandsOfRowsPerSecond() throws Exception {
    try (Connection c = postgres.connect()) {
      var result = new EventGenerator(EventGeneratorOptions.of(10_000, 3).withTable("fast")).run(c);
      assertThat(result.rowsPerSecond()).isGreaterThan(2_000);
    }
  }

  @Test
  void aPersistentServerKeepsItsRowsAcrossRestarts(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    try (LocalPostgres first = LocalPostgres.start(data);
        Connection c = first.connect()) {
      new EventGenerator(EventGeneratorOptions.of(250, 2)).run(c);
    }
    try (LocalPostgres second = LocalPostgres.start(data);
        Connection c = second.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(500);
    }
  }
}
