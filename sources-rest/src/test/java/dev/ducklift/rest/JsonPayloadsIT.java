package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.Normalization;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.verify.LakeVerifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON payloads as real APIs send them, through the REST source into a DuckLake: numbers land as
 * numbers, naive and offset timestamps share a column, colliding field names load.
 */
class JsonPayloadsIT {

  private static final String ISSUE_PAYLOAD =
      "[{\"id\":1,\"lat\":48.858370123456789,\"x\":1e-12,\"big\":12345678901234567890123,"
          + "\"f\":0.1},{\"id\":2,\"lat\":2.5,\"x\":3.0,\"big\":1,\"f\":1e300}]";

  private static MockWebServer server;
  private static final AtomicReference<String> body = new AtomicReference<>("[]");

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = Servers.start(r -> json(body.get()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private Pipeline pipeline(UnaryOperator<RestResourceConfig.Builder> resource) {
    RestSource source =
        RestSource.builder("api")
            .client(Servers.client(server).build())
            .resource(resource.apply(RestResourceConfig.builder("items").path("items")).build())
            .build();
    return pipeline(source);
  }

  private Pipeline pipeline(RestSource source) {
    return Pipeline.builder("payloads")
        .workingDirectory(dir.resolve("work"))
        .destination(
            DuckLakeDestination.builder()
                .catalog(CatalogLocation.duckdb(dir.resolve("lake/catalog.ducklake")))
                .dataPath(dir.resolve("lake/data"))
                .build())
        .source(source)
        .build();
  }

  private RunResult load(String payload, UnaryOperator<RestResourceConfig.Builder> resource) {
    body.set(payload);
    try (Pipeline p = pipeline(resource)) {
      return p.run();
    }
  }

  private List<String> lake(String sql) {
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(dir.resolve("lake/catalog.ducklake")),
                dir.resolve("lake/data"));
        LakeReader reader = LakeReader.open(lake)) {
      assertThat(LakeVerifier.verify(reader).problems()).isEmpty();
      try (LakeSession session = reader.latest()) {
        List<String> out = new ArrayList<>();
        for (List<Object> row : session.sql(sql).rows()) {
          out.add(String.join("|", row.stream().map(Objects::toString).toList()));
        }
        return out;
      }
    }
  }

  private List<String> columns(String table) {
    return lake(
        "SELECT column_name || ' ' || column_type FROM (DESCRIBE main."
            + table
            + ") WHERE column_name NOT LIKE '\\_dl\\_%' ESCAPE '\\' ORDER BY column_name");
  }

  /** What plain DuckDB makes of an expression: the expected value, computed independently. */
  private static String duckdb(String expression) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT (" + expression + ")::VARCHAR")) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void floatsAndExponentsLandAsDoublesAndHugeIntegersAsDecimals() throws Exception {
    load(ISSUE_PAYLOAD, b -> b.primaryKey("id"));

    assertThat(columns("items"))
        .containsExactly("big DECIMAL(38,0)", "f DOUBLE", "id BIGINT", "lat DOUBLE", "x DOUBLE");
    assertThat(
            lake(
                "SELECT lat::VARCHAR, x::VARCHAR, big::VARCHAR, f::VARCHAR FROM main.items ORDER BY id"))
        .containsExactly(
            String.join(
                "|",
                duckdb("48.858370123456789::DOUBLE"),
                duckdb("1e-12::DOUBLE"),
                "12345678901234567890123",
                duckdb("0.1::DOUBLE")),
            String.join("|", "2.5", "3.0", "1", duckdb("1e300::DOUBLE")));
    assertThat(lake("SELECT sum(lat) > 51 FROM main.items")).containsExactly("true");
  }

  @Test
  void exactNumbersGiveDecimalsThatWidenInsteadOfText() {
    RunResult result =
        load(ISSUE_PAYLOAD, b -> b.primaryKey("id").jsonNumbers(Normalization.JsonNumbers.EXACT));

    // lat: scale 15 and 18 digits of room before the point; f widened to DOUBLE for 1e300.
    assertThat(columns("items"))
        .containsExactly(
            "big DECIMAL(38,0)", "f DOUBLE", "id BIGINT", "lat DECIMAL(33,15)", "x DECIMAL(30,12)");
    assertThat(lake("SELECT lat::VARCHAR, x::VARCHAR FROM main.items ORDER BY id"))
        .containsExactly("48.858370123456789|0.000000000001", "2.500000000000000|3.000000000000");
    assertThat(result.table("items").orElseThrow().schemaChanges())
        .contains("widened column items.f DECIMAL(19,1) -> DOUBLE");
  }

  @Test
  void anEarlierDecimal38Scale9ColumnWidensToDoubleAndKeepsItsRows() throws Exception {
    // The column as earlier versions created it for JSON decimals.
    load(
        "[{\"id\":1,\"price\":12.345678901},{\"id\":2,\"price\":0.5}]",
        b -> b.primaryKey("id").column(new ColumnHint("price", DataType.decimal(38, 9), true)));
    assertThat(columns("items")).contains("price DECIMAL(38,9)");

    RunResult second = load("[{\"id\":3,\"price\":1.123456789012345}]", b -> b.primaryKey("id"));

    assertThat(second.table("items").orElseThrow().schemaChanges())
        .contains("widened column items.price DECIMAL(38,9) -> DOUBLE");
    assertThat(columns("items")).contains("price DOUBLE");
    assertThat(lake("SELECT id, price::VARCHAR FROM main.items ORDER BY id"))
        .containsExactly(
            "1|" + duckdb("12.345678901::DECIMAL(38,9)::DOUBLE"),
            "2|0.5",
            "3|" + duckdb("1.123456789012345::DOUBLE"));
  }

  @Test
  void naiveAndOffsetTimestampsOfOnePageShareOneColumnThatComparesCorrectly() {
    RunResult result =
        load(
            "[{\"id\":1,\"When\":\"2026-01-01T10:00:00+02:00\"},"
                + "{\"id\":2,\"When\":\"2026-01-01T10:00:00\"},"
                + "{\"id\":3,\"When\":\"2026-01-02\"}]",
            b -> b.primaryKey("id"));

    assertThat(columns("items")).containsExactly("id BIGINT", "when TIMESTAMP WITH TIME ZONE");
    // 08:00Z, then the naive 10:00 read as UTC, then midnight UTC of the next day.
    assertThat(
            lake(
                "SELECT id FROM main.items WHERE \"when\" > TIMESTAMPTZ '2026-01-01 09:00:00+00'"
                    + " ORDER BY \"when\""))
        .containsExactly("2", "3");
    assertThat(lake("SELECT epoch(\"when\")::BIGINT FROM main.items ORDER BY id"))
        .containsExactly("1767254400", "1767261600", "1767312000");
    assertThat(result.table("items").orElseThrow().schemaChanges())
        .contains("column items.when: naive timestamps read as UTC");
  }

  @Test
  void anOffsetTimestampWidensANaiveColumnOfAnEarlierLoad() {
    load("[{\"id\":1,\"at\":\"2026-01-01T10:00:00\"}]", b -> b.primaryKey("id"));
    assertThat(columns("items")).contains("at TIMESTAMP");

    RunResult second =
        load("[{\"id\":2,\"at\":\"2026-01-01T10:00:00-05:00\"}]", b -> b.primaryKey("id"));

    assertThat(second.table("items").orElseThrow().schemaChanges())
        .contains("widened column items.at TIMESTAMP -> TIMESTAMPTZ");
    assertThat(columns("items")).contains("at TIMESTAMP WITH TIME ZONE");
    // The earlier naive row is read as UTC (the reader's session zone is UTC).
    assertThat(lake("SELECT id, epoch(\"at\")::BIGINT FROM main.items ORDER BY id"))
        .containsExactly("1|1767261600", "2|1767279600");
  }

  @Test
  void collidingFieldsLoadIntoTwoColumnsAndKeepThemWhenTheOrderFlips() {
    RunResult first =
        load("[{\"id\":1,\"Weird Key!\":\"a\",\"weird_key\":\"b\"}]", b -> b.primaryKey("id"));
    List<String> before = columns("items");
    assertThat(before).hasSize(3);
    String suffixed =
        before.stream().filter(c -> c.startsWith("weird_key_")).findFirst().orElseThrow();
    assertThat(first.table("items").orElseThrow().schemaChanges())
        .anyMatch(c -> c.startsWith("renamed field items.weird_key to column weird_key_"));

    load("[{\"id\":2,\"weird_key\":\"d\",\"Weird Key!\":\"c\"}]", b -> b.primaryKey("id"));

    assertThat(columns("items")).isEqualTo(before);
    String suffixedName = suffixed.substring(0, suffixed.indexOf(' '));
    assertThat(lake("SELECT id, weird_key, " + suffixedName + " FROM main.items ORDER BY id"))
        .containsExactly("1|a|b", "2|c|d");
  }

  @Test
  void directNamingFromTheConfigKeepsSourceNamesAsQuotedColumns() throws Exception {
    String yaml =
        """
        type: rest_api
        client: {base_url: "%s"}
        resources:
          - name: items
            primary_key: Id
            naming: direct
            json_numbers: exact
            naive_timestamps: Europe/Berlin
            columns:
              Amount: "decimal(12,2)"
        """
            .formatted(server.url("/").toString());
    RestSource source =
        new RestSourceFactory()
            .create(
                "api",
                new ObjectMapper(new YAMLFactory()).readTree(yaml),
                reference -> {
                  throw new IllegalStateException(reference);
                },
                Path.of("."));
    body.set(
        "[{\"Id\":1,\"Weird Key!\":\"a\",\"Amount\":3.5,\"Seen\":\"2026-07-01T10:00:00+00:00\"},"
            + "{\"Id\":2,\"Weird Key!\":\"b\",\"Amount\":4,\"Seen\":\"2026-07-01T10:00:00\"}]");
    try (Pipeline p = pipeline(source)) {
      p.run();
    }
    assertThat(columns("items"))
        .containsExactly(
            "Amount DECIMAL(12,2)",
            "Id BIGINT",
            "Seen TIMESTAMP WITH TIME ZONE",
            "Weird Key! VARCHAR");
    assertThat(
            lake(
                "SELECT \"Weird Key!\", \"Amount\"::VARCHAR, epoch(\"Seen\")::BIGINT"
                    + " FROM main.items ORDER BY \"Id\""))
        .containsExactly("a|3.50|1782900000", "b|4.00|1782892800");
  }
}
