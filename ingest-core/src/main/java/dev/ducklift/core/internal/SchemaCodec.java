package dev.ducklift.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON form of table schemas, for the state store and load manifests. */
public final class SchemaCodec {
  private SchemaCodec() {}

  public static ObjectNode toJson(TableSchema schema) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", schema.name());
    if (schema.parentTable() != null) {
      node.put("parent", schema.parentTable());
    }
    ArrayNode columns = node.putArray("columns");
    for (Column c : schema.columns()) {
      ObjectNode col = columns.addObject();
      col.put("name", c.name());
      col.set("type", typeToJson(c.type()));
      col.put("nullable", c.nullable());
    }
    if (!schema.renamedFields().isEmpty()) {
      ObjectNode renamed = node.putObject("renamed_fields");
      schema.renamedFields().forEach(renamed::put);
    }
    return node;
  }

  public static TableSchema fromJson(JsonNode node) {
    List<Column> columns = new ArrayList<>();
    for (JsonNode col : node.path("columns")) {
      columns.add(
          new Column(
              col.path("name").asText(),
              typeFromJson(col.path("type")),
              col.path("nullable").asBoolean(true)));
    }
    Map<String, String> renamed = new LinkedHashMap<>();
    node.path("renamed_fields")
        .properties()
        .forEach(e -> renamed.put(e.getKey(), e.getValue().asText()));
    return new TableSchema(
        node.path("name").asText(),
        node.hasNonNull("parent") ? node.get("parent").asText() : null,
        columns,
        renamed);
  }

  static ObjectNode typeToJson(DataType type) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("kind", type.kind().name());
    if (type.kind() == DataType.Kind.DECIMAL) {
      node.put("precision", type.precision());
      node.put("scale", type.scale());
    }
    if (type.element() != null) {
      node.set("element", typeToJson(type.element()));
    }
    return node;
  }

  static DataType typeFromJson(JsonNode node) {
    DataType.Kind kind = DataType.Kind.valueOf(node.path("kind").asText());
    return switch (kind) {
      case DECIMAL -> DataType.decimal(node.path("precision").asInt(), node.path("scale").asInt());
      case LIST -> DataType.list(typeFromJson(node.path("element")));
      default -> new DataType(kind, 0, 0, null);
    };
  }
}
