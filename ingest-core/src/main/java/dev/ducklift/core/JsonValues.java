package dev.ducklift.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts Jackson trees into the record values a {@link Page} carries: maps, lists, strings,
 * booleans and exact numbers (integers stay integral, big decimals keep their scale). Sources and
 * the normalizer share it so a JSON value means the same wherever it enters.
 */
public final class JsonValues {
  private JsonValues() {}

  /** The Java value of a whole JSON tree; objects become mutable insertion-ordered maps. */
  public static Object toJava(JsonNode node) {
    if (node != null && node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>(Math.max(4, node.size() * 4 / 3 + 1));
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return map;
    }
    if (node != null && node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        list.add(toJava(element));
      }
      return list;
    }
    return scalar(node);
  }

  /**
   * The Java value of a scalar node: {@code null}, {@link String}, {@link Boolean}, {@link
   * Integer}, {@link Long}, {@link java.math.BigInteger}, {@link java.math.BigDecimal}, {@link
   * Double}, {@code byte[]} or a POJO node's object; anything else as its text.
   */
  public static Object scalar(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isInt() || node.isShort()) {
      return node.intValue();
    }
    if (node.isLong()) {
      return node.longValue();
    }
    if (node.isBigInteger()) {
      return node.bigIntegerValue();
    }
    if (node.isBigDecimal()) {
      return node.decimalValue();
    }
    if (node.isFloatingPointNumber()) {
      return node.doubleValue();
    }
    if (node.isBinary()) {
      try {
        return node.binaryValue();
      } catch (IOException e) {
        return node.asText();
      }
    }
    if (node.isPojo()) {
      return ((POJONode) node).getPojo();
    }
    return node.asText();
  }
}
