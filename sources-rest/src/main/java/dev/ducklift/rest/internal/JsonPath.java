package dev.ducklift.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.DuckliftException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A compiled JSONPath subset: {@code $}, dotted keys ({@code data.items}), bracketed keys with any
 * characters ({@code ['a.b']}, {@code ["x y"]}), array indexes ({@code [0]}, {@code [-1]}) and
 * wildcards ({@code *}, {@code [*]}) over objects and arrays. Immutable and thread-safe.
 */
public final class JsonPath {
  private sealed interface Step permits Key, Index, Wildcard {}

  private record Key(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record Wildcard() implements Step {}

  private final String expression;
  private final List<Step> steps;

  private JsonPath(String expression, List<Step> steps) {
    this.expression = expression;
    this.steps = steps;
  }

  /**
   * Compiles {@code expression}.
   *
   * @throws DuckliftException naming the expression and the position of a syntax error
   */
  public static JsonPath compile(String expression) {
    Objects.requireNonNull(expression, "expression");
    String e = expression.trim();
    List<Step> steps = new ArrayList<>();
    int i = 0;
    if (e.startsWith("$")) {
      i = 1;
    }
    boolean expectKey = i == 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '.') {
        if (i + 1 < e.length() && e.charAt(i + 1) == '.') {
          throw syntax(expression, i, "recursive descent '..' is not supported");
        }
        i++;
        expectKey = true;
      } else if (c == '[') {
        int close;
        if (i + 1 < e.length() && (e.charAt(i + 1) == '\'' || e.charAt(i + 1) == '"')) {
          char quote = e.charAt(i + 1);
          StringBuilder key = new StringBuilder();
          int j = i + 2;
          while (j < e.length() && e.charAt(j) != quote) {
            if (e.charAt(j) == '\\' && j + 1 < e.length()) {
              j++;
            }
            key.append(e.charAt(j));
            j++;
          }
          if (j + 1 >= e.length() || e.charAt(j + 1) != ']') {
            throw syntax(expression, i, "unterminated quoted key");
          }
          steps.add(new Key(key.toString()));
          close = j + 1;
        } else {
          close = e.indexOf(']', i);
          if (close < 0) {
            throw syntax(expression, i, "missing ']'");
          }
          String inside = e.substring(i + 1, close).trim();
          if (inside.equals("*")) {
            steps.add(new Wildcard());
          } else {
            try {
              steps.add(new Index(Integer.parseInt(inside)));
            } catch (NumberFormatException ex) {
              throw syntax(expression, i, "expected an index, '*' or a quoted key");
            }
          }
        }
        i = close + 1;
        expectKey = false;
      } else {
        if (!expectKey) {
          throw syntax(expression, i, "expected '.' or '['");
        }
        int j = i;
        while (j < e.length() && e.charAt(j) != '.' && e.charAt(j) != '[') {
          j++;
        }
        String key = e.substring(i, j);
        steps.add(key.equals("*") ? new Wildcard() : new Key(key));
        i = j;
        expectKey = false;
      }
    }
    return new JsonPath(expression, List.copyOf(steps));
  }

  private static DuckliftException syntax(String expression, int position, String reason) {
    return new DuckliftException(
        "Invalid JSON path '" + expression + "' at position " + position + ": " + reason);
  }

  /** Whether the path can match several nodes (it contains a wildcard). */
  public boolean isMultiple() {
    return steps.stream().anyMatch(s -> s instanceof Wildcard);
  }

  /** The nodes this path selects in {@code root}, in document order; missing paths select none. */
  public List<JsonNode> select(JsonNode root) {
    List<JsonNode> current = new ArrayList<>();
    if (root != null) {
      current.add(root);
    }
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        if (step instanceof Key k) {
          JsonNode child = node.isObject() ? node.get(k.name()) : null;
          if (child != null) {
            next.add(child);
          }
        } else if (step instanceof Index ix) {
          if (node.isArray()) {
            int idx = ix.index() < 0 ? node.size() + ix.index() : ix.index();
            if (idx >= 0 && idx < node.size()) {
              next.add(node.get(idx));
            }
          }
        } else {
          for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            next.add(it.next());
          }
        }
      }
      current = next;
    }
    return current;
  }

  /** The values this path selects in a parsed value (maps and lists), in document order. */
  public List<Object> selectValue(Object root) {
    List<Object> current = new ArrayList<>();
    if (root != null) {
      current.add(root);
    }
    for (Step step : steps) {
      List<Object> next = new ArrayList<>();
      for (Object node : current) {
        if (step instanceof Key k) {
          if (node instanceof java.util.Map<?, ?> map && map.containsKey(k.name())) {
            next.add(map.get(k.name()));
          }
        } else if (step instanceof Index ix) {
          if (node instanceof List<?> list) {
            int idx = ix.index() < 0 ? list.size() + ix.index() : ix.index();
            if (idx >= 0 && idx < list.size()) {
              next.add(list.get(idx));
            }
          }
        } else if (node instanceof java.util.Map<?, ?> map) {
          next.addAll(map.values());
        } else if (node instanceof List<?> list) {
          next.addAll(list);
        }
      }
      current = next;
    }
    return current;
  }

  /** The first value selected in a parsed value, or {@code null}. */
  public Object firstValue(Object root) {
    List<Object> found = selectValue(root);
    return found.isEmpty() ? null : found.get(0);
  }

  /** The first node selected, or {@code null} (also for a JSON {@code null}). */
  public JsonNode first(JsonNode root) {
    List<JsonNode> found = select(root);
    if (found.isEmpty() || found.get(0).isNull() || found.get(0).isMissingNode()) {
      return null;
    }
    return found.get(0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonPath p && p.expression.equals(expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }

  @Override
  public String toString() {
    return expression;
  }
}
