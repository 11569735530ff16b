package dev.ducklift.rest.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ducklift.core.JsonValues;
import dev.ducklift.core.Normalization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON parsing that keeps numbers exact (decimals as {@link java.math.BigDecimal} with their scale,
 * big integers as {@link java.math.BigInteger}) and turns trees into plain Java records.
 */
public final class Json {
  /** Shared, thread-safe mapper for response bodies. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  /**
   * Like {@link #MAPPER}, but numbers with a fraction or an exponent are read as doubles, the
   * default for response records ({@code json_numbers: double}).
   */
  public static final ObjectMapper DOUBLES =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  /** Record-list keys tried, in order, when no data selector is given. */
  public static final List<String> RECORD_LIST_KEYS =
      List.of(
          "data",
          "items",
          "results",
          "records",
          "entries",
          "rows",
          "objects",
          "values",
          "value",
          "elements",
          "list",
          "hits",
          "content",
          "docs",
          "documents",
          "nodes",
          "edges");

  private Json() {}

  /** Parses a whole body; trailing garbage and truncation are errors. */
  public static JsonNode parse(byte[] body) throws IOException {
    try (JsonParser parser = MAPPER.createParser(body)) {
      JsonNode node = MAPPER.readTree(parser);
      if (node == null || node.isMissingNode()) {
        throw new IOException("the body is empty");
      }
      return node;
    }
  }

  /**
   * Parses a whole body into maps, lists, strings, booleans and exact numbers (one object graph, no
   * intermediate tree); trailing garbage and truncation are errors.
   */
  public static Object parseValue(byte[] body) throws IOException {
    return parseValue(body, Normalization.JsonNumbers.EXACT);
  }

  /**
   * Parses a whole body into maps, lists, strings, booleans and numbers: integers exact, numbers
   * with a fraction or an exponent as doubles or (with {@code EXACT}) as exact decimals.
   */
  public static Object parseValue(byte[] body, Normalization.JsonNumbers numbers)
      throws IOException {
    ObjectMapper mapper = numbers == Normalization.JsonNumbers.EXACT ? MAPPER : DOUBLES;
    try (JsonParser parser = mapper.createParser(body)) {
      if (parser.nextToken() == null) {
        throw new IOException("the body is empty");
      }
      return mapper.readValue(parser, Object.class);
    }
  }

  /** {@link #autoSelect(JsonNode)} over a parsed value. */
  public static List<Object> autoSelectValue(Object root) {
    if (root instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    if (!(root instanceof Map<?, ?> map)) {
      return root == null ? List.of() : List.of(root);
    }
    for (String key : RECORD_LIST_KEYS) {
      Object child = map.get(key);
      if (child instanceof List<?> list) {
        return new ArrayList<>(list);
      }
      if (child instanceof Map<?, ?> inner) {
        for (String innerKey : RECORD_LIST_KEYS) {
          if (inner.get(innerKey) instanceof List<?> list) {
            return new ArrayList<>(list);
          }
        }
      }
    }
    List<?> onlyArray = null;
    int arrays = 0;
    for (Object child : map.values()) {
      if (child instanceof List<?> list) {
        onlyArray = list;
        arrays++;
      }
    }
    if (arrays == 1) {
      return new ArrayList<>(onlyArray);
    }
    return List.of(root);
  }

  /** The records selected by {@code selector} in a parsed value. */
  public static List<Object> selectValue(Object root, JsonPath selector) {
    List<Object> records = new ArrayList<>();
    for (Object found : selector.selectValue(root)) {
      if (found instanceof List<?> list) {
        records.addAll(list);
      } else if (found != null) {
        records.add(found);
      }
    }
    return records;
  }

  /**
   * A parsed record as a mutable map: objects as they are, other values as {@code {"value": x}}.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> asRecord(Object value) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("value", value);
    return wrapped;
  }

  /**
   * Finds the record list of a response when no data selector is given: a top-level array; else the
   * first of {@link #RECORD_LIST_KEYS} (also one level down, as in {@code hits.hits} or {@code
   * data.items}) holding an array; else the only array-valued field; else the object itself as one
   * record.
   */
  public static List<JsonNode> autoSelect(JsonNode root) {
    if (root.isArray()) {
      return elements(root);
    }
    if (!root.isObject()) {
      return List.of();
    }
    for (String key : RECORD_LIST_KEYS) {
      JsonNode child = root.get(key);
      if (child != null && child.isArray()) {
        return elements(child);
      }
      if (child != null && child.isObject()) {
        for (String inner : RECORD_LIST_KEYS) {
          JsonNode grandChild = child.get(inner);
          if (grandChild != null && grandChild.isArray()) {
            return elements(grandChild);
          }
        }
      }
    }
    JsonNode onlyArray = null;
    int arrays = 0;
    for (Iterator<JsonNode> it = root.elements(); it.hasNext(); ) {
      JsonNode child = it.next();
      if (child.isArray()) {
        onlyArray = child;
        arrays++;
      }
    }
    if (arrays == 1) {
      return elements(onlyArray);
    }
    return List.of(root);
  }

  /** The records selected by {@code selector} (each array selected contributes its elements). */
  public static List<JsonNode> select(JsonNode root, JsonPath selector) {
    List<JsonNode> found = selector.select(root);
    List<JsonNode> records = new ArrayList<>();
    for (JsonNode node : found) {
      if (node.isArray()) {
        node.elements().forEachRemaining(records::add);
      } else if (!node.isNull()) {
        records.add(node);
      }
    }
    return records;
  }

  private static List<JsonNode> elements(JsonNode array) {
    List<JsonNode> list = new ArrayList<>(array.size());
    array.elements().forEachRemaining(list::add);
    return list;
  }

  /** Converts an object node into a mutable record map with exact numbers. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toRecord(JsonNode node) {
    Object value = toJava(node);
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("value", value);
    return wrapped;
  }

  /** Converts a JSON tree into maps, lists, strings, booleans and exact numbers. */
  public static Object toJava(JsonNode node) {
    return JsonValues.toJava(node);
  }

  /** A JSON node for a Java value (used to put placeholders and cursors into bodies). */
  public static JsonNode toNode(Object value) {
    return MAPPER.valueToTree(value);
  }
}
