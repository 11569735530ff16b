package dev.ducklift.core.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Page;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Normalizes and stages pages on a second thread while the resource keeps extracting (parsing,
 * fetching) on its own, so the two overlap. At most {@link #CAPACITY} pages wait in between, which
 * keeps memory bounded.
 *
 * <p>The resource's {@code accept} returns as soon as the page is queued; a failure while
 * normalizing or staging is thrown from the next {@code accept} (and from {@link #finish}), so a
 * resource that returns or throws has every page it handed over either staged or discarded with the
 * batch being rolled back.
 */
final class PageWorker {

  /*
   * Few: when the resource parses faster than pages are normalized, the queue stays full, and
   * every young collection copies the queued records (1,000-record pages of 1 KB JSON records are
   * about 4 MB of maps each). Sixteen pages made the collector copy and promote ~70 MB each time
   * and cost more CPU than four pages of slack ever saved; two pages, which the normalizing thread
   * also reads while they are more likely still in the shared cache, were faster again (see
   * benchmarks/README.md). The resource's own read-ahead is elsewhere (ExtractionPool).
   */
  static final int CAPACITY = 2;
  private static final Object END = new Object();

  private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Predicate<Page> process;
  private final Runnable onEnd;
  private final Thread thread;
  private volatile Throwable failure;
  private volatile boolean stopRequested;
  private volatile boolean abandoned;

  /**
   * @param process normalizes and stages one page; returns whether more pages are wanted
   * @param onEnd runs on the worker thread after the last page (flushes thread-confined writers)
   */
  PageWorker(String name, Predicate<Page> process, Runnable onEnd) {
    this.process = process;
    this.onEnd = onEnd;
    this.thread = new Thread(this::loop, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a page; returns {@code false} when the runtime wants no more pages. */
  boolean offer(Page page) {
    rethrowFailure();
    try {
      while (!queue.offer(page, 50, TimeUnit.MILLISECONDS)) {
        rethrowFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DuckliftException("Interrupted while handing over " + page.description(), e);
    }
    return !stopRequested;
  }

  /** Waits until every queued page is processed; rethrows a processing failure. */
  void finish() {
    enqueueEnd();
    join();
    rethrowFailure();
  }

  /** Processes the queued pages and stops the worker, without throwing its failure. */
  void drain() {
    enqueueEnd();
    join();
  }

  /** Drops queued pages and stops the worker (the load is being rolled back). */
  void abandon() {
    abandoned = true;
    queue.clear();
    enqueueEnd();
    join();
  }

  /** The processing failure, if any. */
  Throwable failure() {
    return failure;
  }

  private void loop() {
    while (true) {
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (item == END) {
        try {
          onEnd.run();
        } catch (Throwable t) {
          if (failure == null && !abandoned) {
            failure = t;
          }
        }
        return;
      }
      if (abandoned || failure != null) {
        continue;
      }
      try {
        if (!process.test((Page) item)) {
          stopRequested = true;
        }
      } catch (Throwable t) {
        // Later pages are skipped, not cleared: clearing could drop the end marker.
        failure = t;
        stopRequested = true;
      }
    }
  }

  private void enqueueEnd() {
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(END);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        queue.clear();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void join() {
    Handoff.joinUninterruptibly(thread);
  }

  private void rethrowFailure() {
    Handoff.rethrow(failure);
  }
}
