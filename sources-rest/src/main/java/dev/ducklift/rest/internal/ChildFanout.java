package dev.ducklift.rest.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Page;
import dev.ducklift.core.Resource.PageConsumer;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs request sequences on pool threads (the children of many parents concurrently, or one
 * sequence ahead of its consumer) while handing their pages to the consumer from the calling thread
 * only, parent after parent and in page order within a parent.
 *
 * <p>Memory is bounded: at most {@code concurrency} sequences are in flight, and each buffers at
 * most a few pages ({@link #PAGES_PER_SEQUENCE} by default) before its fetching thread waits; no
 * parent's children are ever collected whole. The oldest sequence always has a thread (tasks start
 * in submission order), so the window always drains.
 */
final class ChildFanout implements AutoCloseable {
  static final int PAGES_PER_SEQUENCE = 2;
  private static final Object END = new Object();

  /** A request sequence to run on a pool thread; it pushes its pages into {@code sink}. */
  interface Sequence {
    void run(PageConsumer sink) throws Exception;
  }

  private record Failure(Throwable error) {}

  private final class Task implements Runnable {
    final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(pagesPerSequence);
    final Sequence sequence;

    Task(Sequence sequence) {
      this.sequence = sequence;
    }

    @Override
    public void run() {
      Object last = END;
      try {
        if (!stopped) {
          sequence.run(this::offer);
        }
      } catch (Throwable e) {
        last = new Failure(e);
      }
      put(last);
    }

    private boolean offer(Page page) {
      return put(page) && !stopped;
    }

    private boolean put(Object item) {
      try {
        while (!stopped) {
          if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  private final ExecutorService pool;
  private final int concurrency;
  private final int pagesPerSequence;
  private final PageConsumer downstream;
  private final ExtractContext context;
  private final ArrayDeque<Task> window = new ArrayDeque<>();
  private volatile boolean stopped;

  ChildFanout(String resource, int concurrency, PageConsumer downstream, ExtractContext context) {
    this(resource, concurrency, PAGES_PER_SEQUENCE, downstream, context);
  }

  /**
   * @param pagesPerSequence how many pages a sequence may have waiting for the consumer (the end
   *     marker needs a slot too, so at least 1)
   */
  ChildFanout(
      String resource,
      int concurrency,
      int pagesPerSequence,
      PageConsumer downstream,
      ExtractContext context) {
    this.concurrency = concurrency;
    this.pagesPerSequence = Math.max(1, pagesPerSequence);
    this.downstream = downstream;
    this.context = context;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "ducklift-rest-" + resource + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts {@code sequence}, first draining the oldest sequences while the window is full. Returns
   * {@code false} when the consumer wants no more pages or the run was cancelled.
   */
  boolean submit(Sequence sequence) throws Exception {
    while (window.size() >= concurrency) {
      if (!drainOldest()) {
        return false;
      }
    }
    Task task = new Task(sequence);
    window.addLast(task);
    pool.execute(task);
    return true;
  }

  /** Drains every sequence still in flight; {@code false} when stopped early. */
  boolean finish() throws Exception {
    while (!window.isEmpty()) {
      if (!drainOldest()) {
        return false;
      }
    }
    return true;
  }

  private boolean drainOldest() throws Exception {
    Task task = window.pollFirst();
    while (true) {
      if (context.cancelled()) {
        stop();
        return false;
      }
      Object item = task.queue.poll(100, TimeUnit.MILLISECONDS);
      if (item == null) {
        continue;
      }
      if (item == END) {
        return true;
      }
      if (item instanceof Failure f) {
        stop();
        if (f.error() instanceof Exception e) {
          throw e;
        }
        throw new DuckliftException("Child request sequence failed", f.error());
      }
      if (!downstream.accept((Page) item)) {
        stop();
        return false;
      }
    }
  }

  private void stop() {
    stopped = true;
    window.clear();
  }

  @Override
  public void close() {
    stopped = true;
    pool.shutdownNow();
  }
}
