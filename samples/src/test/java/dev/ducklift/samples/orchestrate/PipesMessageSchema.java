package dev.ducklift.samples.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The orchestration side's view of the Dagster Pipes message stream (protocol 0.1): parses each
 * line and checks it against the message schema the Dagster message reader accepts.
 */
final class PipesMessageSchema {

  static final Set<String> METHODS =
      Set.of(
          "opened",
          "closed",
          "log",
          "report_asset_materialization",
          "report_asset_check",
          "report_custom_message",
          "log_external_stream");
  static final Set<String> LEVELS = Set.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");
  static final Set<String> METADATA_TYPES =
      Set.of(
          "__infer__",
          "text",
          "url",
          "path",
          "notebook",
          "json",
          "md",
          "float",
          "int",
          "bool",
          "dagster_run",
          "asset",
          "null",
          "table",
          "table_schema",
          "table_column_lineage",
          "timestamp");

  private static final ObjectMapper JSON = new ObjectMapper();

  private PipesMessageSchema() {}

  /** Parses and validates a whole stream: opened first, closed last and once. */
  static List<JsonNode> validateStream(String text) throws IOException {
    List<JsonNode> messages = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode message = JSON.readTree(line);
      validate(message);
      messages.add(message);
    }
    assertThat(messages).isNotEmpty();
    assertThat(messages.get(0).get("method").asText()).isEqualTo("opened");
    assertThat(messages.get(messages.size() - 1).get("method").asText()).isEqualTo("closed");
    assertThat(messages.stream().filter(m -> m.get("method").asText().equals("closed")).count())
        .isEqualTo(1);
    return messages;
  }

  static void validate(JsonNode message) {
    assertThat(message.isObject()).as("message is an object: %s", message).isTrue();
    assertThat(fieldNames(message))
        .as("message keys")
        .containsExactlyInAnyOrder("__dagster_pipes_version", "method", "params");
    assertThat(message.get("__dagster_pipes_version").asText()).isEqualTo("0.1");
    String method = message.get("method").asText();
    assertThat(METHODS).contains(method);
    JsonNode params = message.get("params");
    assertThat(params.isObject() || params.isNull()).isTrue();
    switch (method) {
      case "opened" -> assertThat(params.path("extras").isObject()).isTrue();
      case "log" -> {
        assertThat(params.path("message").isTextual()).isTrue();
        assertThat(LEVELS).contains(params.path("level").asText());
      }
      case "report_asset_materialization" -> {
        assertThat(fieldNames(params))
            .containsExactlyInAnyOrder("asset_key", "data_version", "metadata");
        assertThat(params.get("asset_key").isTextual()).isTrue();
        assertThat(params.get("data_version").isTextual() || params.get("data_version").isNull())
            .isTrue();
        JsonNode metadata = params.get("metadata");
        assertThat(metadata.isObject() || metadata.isNull()).isTrue();
        metadata.fields().forEachRemaining(e -> validateMetadata(e.getKey(), e.getValue()));
      }
      case "closed" -> {
        if (params.has("exception")) {
          validateException(params.get("exception"));
        } else {
          assertThat(fieldNames(params)).isEmpty();
        }
      }
      default -> {}
    }
  }

  private static void validateMetadata(String key, JsonNode value) {
    assertThat(fieldNames(value))
        .as("metadata %s", key)
        .containsExactlyInAnyOrder("raw_value", "type");
    String type = value.get("type").asText();
    assertThat(METADATA_TYPES).as("metadata %s type", key).contains(type);
    JsonNode raw = value.get("raw_value");
    switch (type) {
      case "int" -> assertThat(raw.isIntegralNumber()).as("int %s", key).isTrue();
      case "float", "timestamp" -> assertThat(raw.isNumber()).as("float %s", key).isTrue();
      case "text", "md", "url", "path" -> assertThat(raw.isTextual()).as("text %s", key).isTrue();
      case "bool" -> assertThat(raw.isBoolean()).as("bool %s", key).isTrue();
      case "json" -> assertThat(raw.isContainerNode()).as("json %s", key).isTrue();
      case "null" -> assertThat(raw.isNull()).isTrue();
      default -> {}
    }
  }

  private static void validateException(JsonNode e) {
    assertThat(fieldNames(e))
        .containsExactlyInAnyOrder("message", "stack", "name", "cause", "context");
    assertThat(e.get("message").isTextual()).isTrue();
    assertThat(e.get("stack").isArray()).isTrue();
    e.get("stack").forEach(frame -> assertThat(frame.isTextual()).isTrue());
    if (!e.get("cause").isNull()) {
      validateException(e.get("cause"));
    }
    if (!e.get("context").isNull()) {
      validateException(e.get("context"));
    }
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
