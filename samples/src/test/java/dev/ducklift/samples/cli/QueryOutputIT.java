package dev.ducklift.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ducklift query} prints values as DuckDB prints them, and encodes them in JSON. */
class QueryOutputIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] BYTES = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};

  @TempDir static Path dir;

  @BeforeAll
  static void load() throws Exception {
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("zeta", "first seen first");
    first.put("id", 1L);
    first.put("bytes", BYTES);
    first.put("until", LocalDate.MAX);
    first.put("since", LocalDateTime.MIN);
    first.put("closes", LocalTime.MAX);
    first.put("founded", LocalDate.of(-43, 3, 15));
    Map<String, Object> second = new LinkedHashMap<>();
    second.put("id", 2L);
    second.put("alpha", "seen later, appended");
    ResourceSpec spec =
        ResourceSpec.builder("vals")
            // declared columns come first, in their declared order
            .column(new ColumnHint("declared_b", DataType.TEXT, true))
            .column(new ColumnHint("declared_a", DataType.BIGINT, true))
            .build();
    Files.createDirectories(dir.resolve("lake"));
    try (Pipeline p =
        Pipeline.builder("values")
            .workingDirectory(dir.resolve("work"))
            .destination(
                DuckLakeDestination.builder()
                    .catalog(
                        CatalogLocation.duckdb(dir.resolve("lake").resolve("catalog.ducklake")))
                    .dataPath(dir.resolve("lake").resolve("data"))
                    .build())
            .resource(Resources.ofRecords(spec, List.of(first, second), 10))
            .build()) {
      assertThat(p.run().rowsInserted()).isEqualTo(2);
    }
  }

  @Test
  void tableOutputPrintsBlobsInfinitiesAndTheEndOfADayAsDuckDbDoes() {
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "lake",
            "SELECT bytes, until, since, closes, founded FROM vals WHERE id = 1;");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("\\xDE\\xAD\\xBE\\xEF")
        .contains("infinity")
        .contains("-infinity")
        .contains("24:00:00")
        .contains("0044-03-15 (BC)")
        .doesNotContain("DuckDBBlobResult");
  }

  @Test
  void jsonOutputEncodesBlobsInBase64AndKeepsNumbersNumbers() throws Exception {
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "lake",
            "--json",
            "SELECT id, bytes, until, closes FROM vals WHERE id = 1");
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode out = JSON.readTree(r.out());
    assertThat(out.get("columns").toString()).isEqualTo("[\"id\",\"bytes\",\"until\",\"closes\"]");
    JsonNode row = out.at("/rows/0");
    assertThat(row.get(0).isIntegralNumber()).isTrue();
    assertThat(row.get(0).asLong()).isEqualTo(1);
    assertThat(row.get(1).asText()).isEqualTo(Base64.getEncoder().encodeToString(BYTES));
    assertThat(row.get(2).asText()).isEqualTo("infinity");
    assertThat(row.get(3).asText()).isEqualTo("24:00:00");
  }

  @Test
  void columnsFollowTheDeclaredOrderThenTheOrderFirstSeen() throws Exception {
    CliRunner.Result r = CliRunner.run(dir, "query", "--lake", "lake", "--json", "DESCRIBE vals");
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> names = new java.util.ArrayList<>();
    for (JsonNode row : JSON.readTree(r.out()).get("rows")) {
      if (!row.get(0).asText().startsWith("_dl_")) {
        names.add(row.get(0).asText());
      }
    }
    assertThat(names)
        .containsExactly(
            "declared_b",
            "declared_a",
            "zeta",
            "id",
            "bytes",
            "until",
            "since",
            "closes",
            "founded",
            "alpha");
  }
}
