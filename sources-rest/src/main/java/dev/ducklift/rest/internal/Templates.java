package dev.ducklift.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.CursorValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Placeholders in endpoint strings: {@code {incremental.start_value}}, {@code
 * {incremental.last_value}}, {@code {incremental.initial_value}}, {@code {incremental.end_value}}
 * and {@code {resources.<parent>.<field>}}. Other braces are left alone (JSON text, URI templates
 * of other tools).
 */
public final class Templates {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{((?:incremental\\.[a-z_]+)|(?:resources\\.[^.{}]+\\.[^{}]+))}");

  /** The incremental placeholder names. */
  public static final Set<String> INCREMENTAL_NAMES =
      Set.of(
          "incremental.start_value",
          "incremental.last_value",
          "incremental.initial_value",
          "incremental.end_value");

  private Templates() {}

  /** The placeholder names in {@code text}, in order of first appearance. */
  public static List<String> names(String text) {
    List<String> names = new ArrayList<>();
    if (text == null) {
      return names;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      if (!names.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The placeholder names in the string values (and keys) of a JSON tree. */
  public static List<String> names(JsonNode node) {
    Set<String> names = new LinkedHashSet<>();
    collect(node, names);
    return new ArrayList<>(names);
  }

  private static void collect(JsonNode node, Set<String> names) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      names.addAll(names(node.textValue()));
    } else if (node.isContainerNode()) {
      for (JsonNode child : node) {
        collect(child, names);
      }
    }
  }

  /**
   * Renders {@code text}; returns {@code null} when a placeholder has no value (the caller leaves
   * the parameter or header out, or fails for a path).
   */
  public static String render(String text, Function<String, Object> values) {
    if (text == null || text.indexOf('{') < 0) {
      return text;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = values.apply(m.group(1));
      if (value == null) {
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(asText(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Renders the string values of a JSON body. A string that is exactly one placeholder takes the
   * value's JSON type (numbers stay numbers); a field whose placeholder has no value is removed.
   */
  public static JsonNode render(JsonNode body, Function<String, Object> values) {
    if (body == null) {
      return null;
    }
    if (body.isTextual()) {
      String text = body.textValue();
      Matcher whole = PLACEHOLDER.matcher(text);
      if (whole.matches()) {
        Object value = values.apply(whole.group(1));
        return value == null ? null : Json.toNode(typed(value));
      }
      String rendered = render(text, values);
      return rendered == null ? null : JsonNodeFactory.instance.textNode(rendered);
    }
    if (body.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : body.properties()) {
        JsonNode rendered = render(e.getValue(), values);
        if (rendered != null) {
          out.set(e.getKey(), rendered);
        }
      }
      return out;
    }
    if (body.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode child : body) {
        JsonNode rendered = render(child, values);
        out.add(rendered == null ? JsonNodeFactory.instance.nullNode() : rendered);
      }
      return out;
    }
    return body;
  }

  /** The text form of a placeholder value. */
  public static String asText(Object value) {
    if (value instanceof CursorValue c) {
      return c.text();
    }
    if (value instanceof java.math.BigDecimal d) {
      return d.toPlainString();
    }
    return String.valueOf(value);
  }

  private static Object typed(Object value) {
    if (value instanceof CursorValue c) {
      return switch (c.kind()) {
        case INTEGER, DECIMAL -> c.value();
        default -> c.text();
      };
    }
    return value;
  }
}
