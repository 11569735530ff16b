package dev.ducklift.core.internal;

import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a normalizer into memory: rows per table as column name to canonical value. */
final class NormalizerHarness {
  final Normalizer normalizer;
  final Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();

  NormalizerHarness(ResourceSpec spec, String loadId, Collection<TableSchema> previous) {
    this.normalizer =
        new Normalizer(
            spec,
            loadId,
            previous,
            (table, buffered, count) -> {
              List<Map<String, Object>> list =
                  rows.computeIfAbsent(table.name(), k -> new ArrayList<>());
              for (int i = 0; i < count; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (NormalizedTable.ColumnState c : table.columns()) {
                  Object[] r = buffered[i];
                  row.put(c.name(), c.index() < r.length ? r[c.index()] : null);
                }
                list.add(row);
              }
            });
  }

  NormalizerHarness(ResourceSpec spec) {
    this(spec, "load1", List.of());
  }

  boolean add(Map<String, Object> record) {
    return normalizer.normalize(record, "page 1", 0);
  }

  List<Map<String, Object>> rows(String table) {
    return rows.getOrDefault(table, List.of());
  }

  TableSchema schema(String table) {
    return normalizer.tables().stream()
        .filter(t -> t.name().equals(table))
        .findFirst()
        .orElseThrow()
        .schema();
  }

  List<TableSchema> schemas() {
    return normalizer.tables().stream().map(NormalizedTable::schema).toList();
  }
}
