package dev.ducklift.core.testing;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a destination and injects failures: promotes that fail before committing, promotes that
 * commit and then fail (the outcome is unknown to the caller), and a destination that forgets its
 * state (restores nothing). Records every promoted load id.
 */
public final class FaultInjectingDestination implements Destination {

  private final Destination delegate;
  private final AtomicInteger failBeforeCommit = new AtomicInteger();
  private final AtomicInteger failAfterCommit = new AtomicInteger();
  private volatile boolean restoreNothing;
  private final List<String> promoted = new ArrayList<>();
  private final AtomicInteger promoteCalls = new AtomicInteger();

  public FaultInjectingDestination(Destination delegate) {
    this.delegate = delegate;
  }

  /** The next {@code times} promotes fail without committing anything. */
  public FaultInjectingDestination failBeforeCommit(int times) {
    failBeforeCommit.set(times);
    return this;
  }

  /** The next {@code times} promotes commit and then fail. */
  public FaultInjectingDestination failAfterCommit(int times) {
    failAfterCommit.set(times);
    return this;
  }

  /** Whether {@link #restoreState} pretends nothing was ever committed. */
  public FaultInjectingDestination restoreNothing(boolean value) {
    restoreNothing = value;
    return this;
  }

  /** Load ids committed through this wrapper, in order. */
  public synchronized List<String> promotedLoads() {
    return List.copyOf(promoted);
  }

  public int promoteCalls() {
    return promoteCalls.get();
  }

  @Override
  public String name() {
    return "faulty-" + delegate.name();
  }

  @Override
  public Optional<PipelineState> restoreState(String pipelineName) {
    return restoreNothing ? Optional.empty() : delegate.restoreState(pipelineName);
  }

  @Override
  public boolean isCommitted(String pipelineName, String loadId) {
    return delegate.isCommitted(pipelineName, loadId);
  }

  @Override
  public PromoteResult promote(StagedLoad load) {
    promoteCalls.incrementAndGet();
    if (failBeforeCommit.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new DuckliftException("Injected failure before committing load " + load.loadId());
    }
    PromoteResult result = delegate.promote(load);
    synchronized (this) {
      if (!result.alreadyCommitted()) {
        promoted.add(load.loadId());
      }
    }
    if (failAfterCommit.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new DuckliftException("Injected failure after committing load " + load.loadId());
    }
    return result;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
