package dev.ducklift.samples.orchestrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Set;

/**
 * A Dagster metadata entry as Pipes sends it: {@code {"raw_value": ..., "type": ...}}.
 *
 * @param rawValue the JSON value
 * @param type one of the Pipes metadata types ({@code int}, {@code float}, {@code text}, {@code
 *     json}, {@code bool}, {@code md}, {@code url}, {@code path}, {@code timestamp}, {@code null},
 *     or {@code __infer__})
 */
public record MetadataValue(JsonNode rawValue, String type) {

  /** The metadata types the protocol (version 0.1) accepts. */
  public static final Set<String> TYPES =
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

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  public MetadataValue {
    Objects.requireNonNull(rawValue, "rawValue");
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("Unknown Dagster metadata type: " + type);
    }
  }

  public static MetadataValue ofInt(long value) {
    return new MetadataValue(NODES.numberNode(value), "int");
  }

  public static MetadataValue ofFloat(double value) {
    return new MetadataValue(NODES.numberNode(value), "float");
  }

  public static MetadataValue ofText(String value) {
    return new MetadataValue(NODES.textNode(value), "text");
  }

  public static MetadataValue ofJson(JsonNode value) {
    return new MetadataValue(value, "json");
  }

  public static MetadataValue ofMarkdown(String value) {
    return new MetadataValue(NODES.textNode(value), "md");
  }

  public static MetadataValue ofPath(String value) {
    return new MetadataValue(NODES.textNode(value), "path");
  }

  public static MetadataValue ofBool(boolean value) {
    return new MetadataValue(NODES.booleanNode(value), "bool");
  }

  /** A timestamp as seconds since the epoch (what Dagster's timestamp metadata holds). */
  public static MetadataValue ofTimestamp(java.time.Instant value) {
    return new MetadataValue(NODES.numberNode(value.toEpochMilli() / 1000.0), "timestamp");
  }

  ObjectNode toJson() {
    ObjectNode node = NODES.objectNode();
    node.set("raw_value", rawValue);
    node.put("type", type);
    return node;
  }
}
