package dev.ducklift.samples.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This test plays the orchestration process: it writes the bootstrap, then reads the messages. */
class DagsterPipesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Encoded by the reference implementation: base64(zlib(json.dumps({"data": {...}}))). */
  private static final String REFERENCE_CONTEXT =
      "eJxFzUsOwjAMRdGtVB4D4jNjKwhFLjXIkDiR4yKiKnvHZcLwncF9C0xoCOdhAayVLLyoVZ8XoDeJVbhuBtBZAk+uoNvD8QROzzwGwUSOMsfoUlCNjbOsiT8rmbYgcxpJXfdO9DHF+vu8ZbnzYy0XLhRZaNcwRei9fwEQ0jK+";

  @TempDir Path dir;

  @Test
  void decodesAContextEncodedByTheReferenceImplementation() {
    JsonNode params = PipesParams.decode(REFERENCE_CONTEXT, "DAGSTER_PIPES_CONTEXT");
    PipesContext context = PipesContext.fromJson(params.get("data"));
    assertThat(context.assetKeys()).containsExactly("events");
    assertThat(context.runId()).isEqualTo("r-123");
    assertThat(context.jobName()).isEmpty();
    assertThat(context.extra("config")).contains("pipeline.yaml");
  }

  @Test
  void encodingRoundTripsThroughAnIndependentZlibStream() throws Exception {
    ObjectNode value = JSON.createObjectNode().put("path", "/tmp/messages.jsonl");
    String ours = PipesParams.encode(value);
    assertThat(PipesParams.decode(ours, "x")).isEqualTo(value);
    assertThat(PipesParams.decode(encodeIndependently(value.toString()), "x")).isEqualTo(value);
  }

  @Test
  void reportsASuccessfulRunAsAnAssetMaterializationWithRowsAndSnapshotIds() throws Exception {
    Path messages = dir.resolve("messages.jsonl");
    Map<String, String> env = bootstrapInline(messages, List.of("events"));

    DagsterPipes pipes = DagsterPipes.open(env).orElseThrow();
    AssetResult result = AssetRunner.runReporting(pipes, null, () -> sampleSuccess());
    assertThat(result.succeeded()).isTrue();

    List<JsonNode> stream = PipesMessageSchema.validateStream(Files.readString(messages));
    JsonNode materialization =
        stream.stream()
            .filter(m -> m.get("method").asText().equals("report_asset_materialization"))
            .findFirst()
            .orElseThrow()
            .get("params");
    assertThat(materialization.get("asset_key").asText()).isEqualTo("events");
    JsonNode metadata = materialization.get("metadata");
    long expectedRows = 1200 + 300;
    assertThat(metadata.at("/rows_inserted/raw_value").asLong()).isEqualTo(expectedRows);
    assertThat(metadata.at("/rows_inserted/type").asText()).isEqualTo("int");
    assertThat(metadata.at("/rows.events/raw_value").asLong()).isEqualTo(1200);
    assertThat(metadata.at("/snapshot_id/raw_value").asLong()).isEqualTo(8);
    assertThat(metadata.at("/snapshot_ids/raw_value").toString()).isEqualTo("[7,8]");
    assertThat(materialization.get("data_version").asText()).isEqualTo("snapshot-8");
    assertThat(stream.get(stream.size() - 1).get("params").has("exception")).isFalse();
  }

  @Test
  void reportsAFailedRunInTheClosedMessage() throws Exception {
    Path messages = dir.resolve("messages.jsonl");
    Path contextFile = dir.resolve("context.json");
    Files.writeString(
        contextFile,
        "{\"asset_keys\":[\"lake/events\"],\"run_id\":\"r-9\",\"job_name\":\"load\","
            + "\"partition_key\":null,\"retry_number\":1,\"extras\":{}}");
    Map<String, String> env =
        Map.of(
            "DAGSTER_PIPES_CONTEXT",
            encodeIndependently("{\"path\":\"" + contextFile + "\"}"),
            "DAGSTER_PIPES_MESSAGES",
            encodeIndependently("{\"path\":\"" + messages + "\"}"));

    DagsterPipes pipes = DagsterPipes.open(env).orElseThrow();
    assertThat(pipes.context().retryNumber()).isEqualTo(1);
    AssetResult failed =
        new AssetResult(
            "events",
            Outcome.SOURCE_FAILURE,
            Instant.now(),
            Duration.ofMillis(5),
            Optional.empty(),
            "Resource 'events' page 3: connection refused");
    AssetRunner.runReporting(pipes, "lake/events", () -> failed);

    List<JsonNode> stream = PipesMessageSchema.validateStream(Files.readString(messages));
    assertThat(stream)
        .noneMatch(m -> m.get("method").asText().equals("report_asset_materialization"));
    JsonNode exception = stream.get(stream.size() - 1).at("/params/exception");
    assertThat(exception.get("message").asText())
        .contains("source_failure")
        .contains("exit code 4")
        .contains("page 3: connection refused");
    assertThat(stream)
        .anyMatch(
            m ->
                m.get("method").asText().equals("log")
                    && m.at("/params/level").asText().equals("ERROR"));
  }

  @Test
  void isInactiveWithoutTheBootstrapVariables() {
    assertThat(DagsterPipes.open(Map.of())).isEmpty();
  }

  @Test
  void rejectsAMaterializationOfAnAssetOutsideTheStep() throws Exception {
    Path messages = dir.resolve("messages.jsonl");
    try (DagsterPipes pipes =
        DagsterPipes.open(bootstrapInline(messages, List.of("a"))).orElseThrow()) {
      assertThatThrownBy(() -> pipes.reportAssetMaterialization("b", Map.of(), null))
          .isInstanceOf(DuckliftException.class)
          .hasMessageContaining("'b'");
    }
    PipesMessageSchema.validateStream(Files.readString(messages));
  }

  static Map<String, String> bootstrapInline(Path messages, List<String> assetKeys)
      throws Exception {
    ObjectNode data = JSON.createObjectNode();
    var keys = data.putArray("asset_keys");
    assetKeys.forEach(keys::add);
    data.put("run_id", "run-1");
    data.putNull("job_name");
    data.putNull("partition_key");
    data.put("retry_number", 0);
    data.putObject("extras");
    ObjectNode contextParams = JSON.createObjectNode();
    contextParams.set("data", data);
    return Map.of(
        "DAGSTER_PIPES_CONTEXT",
        encodeIndependently(contextParams.toString()),
        "DAGSTER_PIPES_MESSAGES",
        encodeIndependently("{\"path\":\"" + messages + "\"}"));
  }

  static String encodeIndependently(String json) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(bytes)) {
      z.write(json.getBytes(StandardCharsets.UTF_8));
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static AssetResult sampleSuccess() {
    TableRunResult events =
        new TableRunResult(
            "events",
            "events",
            "load-2",
            1200,
            1200,
            1200,
            0,
            0,
            0,
            0,
            8L,
            List.of("added column details__amount DECIMAL(10,2)"),
            Map.of("extract", Duration.ofMillis(40), "promote", Duration.ofMillis(20)),
            "");
    TableRunResult items =
        new TableRunResult(
            "events",
            "events__items",
            "load-1",
            300,
            300,
            300,
            0,
            0,
            0,
            0,
            7L,
            List.of(),
            Map.of(),
            "");
    RunResult run =
        new RunResult(
            "events",
            Instant.parse("2026-01-01T00:00:00Z"),
            Duration.ofMillis(90),
            List.of(),
            List.of("load-1", "load-2"),
            List.of(items, events));
    return new AssetResult(
        "events", Outcome.SUCCESS, run.startedAt(), run.duration(), Optional.of(run), null);
  }
}
