package dev.ducklift.rest.internal;

import java.util.List;
import java.util.Map;

/** Reads dotted paths ({@code author.id}, {@code tags.0}) out of record maps. */
public final class RecordPaths {
  private RecordPaths() {}

  /** The value at {@code path}, or {@code null} when any step is missing. */
  public static Object get(Map<String, Object> record, String path) {
    Object direct = record.get(path);
    if (direct != null || record.containsKey(path)) {
      return direct;
    }
    Object node = record;
    for (String part : path.split("\\.")) {
      if (node instanceof Map<?, ?> map) {
        node = map.get(part);
      } else if (node instanceof List<?> list) {
        try {
          int i = Integer.parseInt(part);
          node = i >= 0 && i < list.size() ? list.get(i) : null;
        } catch (NumberFormatException e) {
          return null;
        }
      } else {
        return null;
      }
      if (node == null) {
        return null;
      }
    }
    return node;
  }
}
