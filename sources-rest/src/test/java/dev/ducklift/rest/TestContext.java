package dev.ducklift.rest;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.ResourceSpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A hand-written extract context: committed watermarks by state key, a lag and an end value. */
final class TestContext implements ExtractContext {
  private final ResourceSpec spec;
  private final Map<String, CursorValue> lastValues = new LinkedHashMap<>();
  private Object lag;
  private CursorValue end;
  private volatile boolean cancelled;

  TestContext(ResourceSpec spec) {
    this.spec = spec;
  }

  static TestContext of(dev.ducklift.core.Resource resource) {
    return new TestContext(resource.spec());
  }

  TestContext last(String key, CursorValue value) {
    lastValues.put(key, value);
    return this;
  }

  TestContext lag(Object lag) {
    this.lag = lag;
    return this;
  }

  TestContext end(CursorValue end) {
    this.end = end;
    return this;
  }

  void cancel() {
    cancelled = true;
  }

  @Override
  public String pipelineName() {
    return "test";
  }

  @Override
  public ResourceSpec spec() {
    return spec;
  }

  @Override
  public Optional<CursorValue> lastValue(String stateKey) {
    return Optional.ofNullable(lastValues.get(stateKey));
  }

  @Override
  public Optional<CursorValue> startValue(String stateKey) {
    CursorValue last = lastValues.get(stateKey);
    if (last == null) {
      return spec.incrementalCursor().flatMap(i -> i.initial());
    }
    if (lag instanceof Duration d && last.kind() == CursorValue.Kind.TIMESTAMPTZ) {
      return Optional.of(CursorValue.of(((OffsetDateTime) last.value()).minus(d)));
    }
    if (lag instanceof Long l && last.kind() == CursorValue.Kind.INTEGER) {
      return Optional.of(CursorValue.of((Long) last.value() - l));
    }
    return Optional.of(last);
  }

  @Override
  public Optional<CursorValue> endValue() {
    return Optional.ofNullable(end);
  }

  @Override
  public Map<String, CursorValue> lastValues() {
    return Map.copyOf(lastValues);
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }
}
