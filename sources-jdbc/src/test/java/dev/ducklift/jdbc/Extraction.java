package dev.ducklift.jdbc;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Page;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a resource the way the runtime does, without staging: a context over a state map, pages
 * collected, and the new state computed as the maximum cursor per state key plus the pages'
 * positions (unless the run has an end value).
 */
final class Extraction {
  final List<Page> pages = new ArrayList<>();
  final List<Map<String, Object>> records = new ArrayList<>();
  final Map<String, CursorValue> state;

  private Extraction(Map<String, CursorValue> state) {
    this.state = new HashMap<>(state);
  }

  static Extraction run(Resource resource) throws Exception {
    return run(resource, Map.of());
  }

  static Extraction run(Resource resource, Map<String, CursorValue> state) throws Exception {
    Extraction e = new Extraction(state);
    ResourceSpec spec = resource.spec();
    Context context = new Context(spec, Map.copyOf(state));
    resource.extract(
        context,
        page -> {
          e.accept(spec, page);
          return true;
        });
    return e;
  }

  private void accept(ResourceSpec spec, Page page) {
    pages.add(page);
    records.addAll(page.records());
    Incremental inc = spec.incremental();
    if (inc == null || inc.endValue() != null) {
      return;
    }
    for (Map<String, Object> r : page.records()) {
      Object v = r.get(inc.cursorPath());
      if (v != null) {
        CursorValue c = cursor(v);
        state.merge(page.stateKey(), c, (a, b) -> a.compareTo(b) >= 0 ? a : b);
      }
    }
    state.putAll(page.positions());
  }

  static CursorValue cursor(Object v) {
    if (v instanceof Integer i) {
      return CursorValue.of(i.longValue());
    }
    if (v instanceof Long l) {
      return CursorValue.of(l);
    }
    if (v instanceof BigDecimal d) {
      return CursorValue.of(d);
    }
    if (v instanceof OffsetDateTime t) {
      return CursorValue.of(t);
    }
    if (v instanceof LocalDateTime t) {
      return CursorValue.of(t);
    }
    if (v instanceof LocalDate d) {
      return CursorValue.of(d);
    }
    return CursorValue.of(v.toString());
  }

  private record Context(ResourceSpec spec, Map<String, CursorValue> values)
      implements ExtractContext {
    @Override
    public String pipelineName() {
      return "test";
    }

    @Override
    public Optional<CursorValue> lastValue(String stateKey) {
      return Optional.ofNullable(values.get(stateKey));
    }

    @Override
    public Optional<CursorValue> startValue(String stateKey) {
      Incremental inc = spec.incremental();
      CursorValue last = values.get(stateKey);
      if (last == null) {
        return stateKey.isEmpty() && inc != null ? inc.initial() : Optional.empty();
      }
      Object lag = inc == null ? null : inc.lag();
      if (lag == null) {
        return Optional.of(last);
      }
      return Optional.of(
          switch (last.kind()) {
            case TIMESTAMPTZ ->
                CursorValue.of(((OffsetDateTime) last.value()).minus((Duration) lag));
            case TIMESTAMP -> CursorValue.of(((LocalDateTime) last.value()).minus((Duration) lag));
            case INTEGER -> CursorValue.of((Long) last.value() - ((Number) lag).longValue());
            default -> last;
          });
    }

    @Override
    public Optional<CursorValue> endValue() {
      return spec.incremental() == null ? Optional.empty() : spec.incremental().end();
    }

    @Override
    public Map<String, CursorValue> lastValues() {
      return values;
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  }
}
