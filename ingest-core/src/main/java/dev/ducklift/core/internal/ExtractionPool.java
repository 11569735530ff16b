package dev.ducklift.core.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Page;
import dev.ducklift.core.Resource;
import dev.ducklift.core.Resource.PageConsumer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Extracts up to {@code parallelism} resources of a run at once, while the runner normalizes,
 * stages and promotes them one at a time in resource order.
 *
 * <p>The runner takes resource {@code i}'s pages with {@link #extract}: they arrive on the calling
 * thread in the resource's order. Meanwhile the following resources extract on pool threads, each
 * into its own queue holding at most {@link #RECORDS_AHEAD} records in at most {@link #PAGES_AHEAD}
 * pages (and always at least one page, however large); a resource whose queue is full waits in
 * {@code accept} until the runner reaches it, so no resource is ever buffered whole and memory is
 * bounded by {@code parallelism} such queues. A resource starts when a slot frees, that is when the
 * runner has taken the last page of an earlier one; so while a load is being committed and promoted
 * the next resources are already fetching.
 *
 * <p>With {@code parallelism} 1 there is no pool: each resource extracts on the calling thread, as
 * it did before resources could overlap.
 *
 * <p>Only the runner's thread calls this class's methods; contexts are created on it, in resource
 * order, when a resource starts.
 */
final class ExtractionPool implements AutoCloseable {

  /**
   * Records a resource may have extracted ahead of the runner before it waits: enough for a slow
   * API's resource to be mostly fetched by its turn, small enough that a few such queues stay well
   * below the heap a pipeline needs anyway.
   */
  static final int RECORDS_AHEAD = 5_000;

  /** Pages a resource may have extracted ahead of the runner, whatever their size. */
  static final int PAGES_AHEAD = 32;

  private static final Object END = new Object();
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final List<Resource> resources;
  private final int parallelism;
  private final IntFunction<ExtractContext> contexts;
  private final IntPredicate ahead;
  private final BooleanSupplier cancelled;
  private final ExecutorService pool;
  private final Task[] tasks;
  private int nextToStart;
  private int inFlight;

  /**
   * @param contexts the extract context of resource {@code i}, asked once when it starts
   * @param ahead whether resource {@code i} may extract ahead of its turn on a pool thread; one
   *     that may not is extracted on the calling thread when its turn comes and takes no slot
   * @param cancelled whether the run was cancelled; every extraction stops when it turns true
   */
  ExtractionPool(
      String pipelineName,
      List<Resource> resources,
      int parallelism,
      IntFunction<ExtractContext> contexts,
      IntPredicate ahead,
      BooleanSupplier cancelled) {
    this.resources = resources;
    this.parallelism = Math.max(1, parallelism);
    this.contexts = contexts;
    this.ahead = ahead;
    this.cancelled = cancelled;
    this.tasks = new Task[resources.size()];
    if (this.parallelism == 1 || resources.size() < 2) {
      this.pool = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      this.pool =
          Executors.newFixedThreadPool(
              Math.min(this.parallelism, resources.size()),
              r -> {
                Thread t =
                    new Thread(r, "ducklift-extract-" + pipelineName + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
  }

  /**
   * Hands resource {@code index}'s pages to {@code consumer} on the calling thread, in order, until
   * the resource is exhausted, the consumer refuses a page or the run is cancelled; starts the
   * resources after it up to the parallelism.
   *
   * @throws Exception the resource's own failure, after every page it yielded before was handed
   *     over
   */
  void extract(int index, PageConsumer consumer) throws Exception {
    if (pool == null) {
      resources.get(index).extract(contexts.apply(index), consumer);
      return;
    }
    if (!ahead.test(index)) {
      startWhileSlotsFree(index + 1);
      resources.get(index).extract(contexts.apply(index), consumer);
      return;
    }
    startWhileSlotsFree(index);
    Task task = tasks[index];
    try {
      task.drainInto(consumer);
    } finally {
      release(index);
    }
  }

  /**
   * Lets the resources after {@code index} start extracting ahead while resource {@code index} is
   * extracted some other way on the calling thread (a typed resource staging its rows itself).
   */
  void startAfter(int index) {
    if (pool != null) {
      startWhileSlotsFree(index + 1);
    }
  }

  /**
   * Stops resource {@code index}'s extraction if it still runs and drops its queued pages (the
   * runner is done with it, normally or not), and lets the next resource start. Idempotent.
   */
  void release(int index) {
    Task task = index < tasks.length ? tasks[index] : null;
    if (task == null || task.released) {
      return;
    }
    task.released = true;
    task.abandon();
    inFlight--;
    if (!cancelled.getAsBoolean()) {
      startWhileSlotsFree(index + 1);
    }
  }

  /** Stops every extraction and waits briefly for the pool's threads to end. */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    for (Task task : tasks) {
      if (task != null) {
        task.abandon();
      }
    }
    pool.shutdownNow();
    boolean interrupted = false;
    try {
      pool.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts resources from {@code from} on (skipping started ones) while fewer than allowed run. */
  private void startWhileSlotsFree(int from) {
    nextToStart = Math.max(nextToStart, from);
    while (nextToStart < tasks.length && inFlight < parallelism) {
      int i = nextToStart++;
      if (tasks[i] != null || !ahead.test(i)) {
        continue;
      }
      Task task = new Task(i, contexts.apply(i));
      tasks[i] = task;
      inFlight++;
      pool.execute(task);
    }
  }

  private record Failure(Throwable error) {}

  /** Thrown into a resource's {@code accept} to stop an extraction nobody will read any more. */
  private static final class Abandoned extends DuckliftException {
    private static final long serialVersionUID = 1L;

    Abandoned(String resource) {
      super("Extraction of resource '" + resource + "' was stopped");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** One resource's extraction on a pool thread, feeding a bounded queue. */
  private final class Task implements Runnable {
    private final int index;
    private final ExtractContext context;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long queuedRecords;
    private volatile boolean abandoned;
    private boolean released;

    Task(int index, ExtractContext context) {
      this.index = index;
      this.context = context;
    }

    @Override
    public void run() {
      Object last = END;
      try {
        if (!stopped()) {
          resources.get(index).extract(context, this::offer);
        }
      } catch (Abandoned e) {
        return;
      } catch (Throwable e) {
        if (stopped()) {
          return;
        }
        last = new Failure(e);
      }
      put(last);
    }

    private boolean stopped() {
      return abandoned || cancelled.getAsBoolean();
    }

    private boolean offer(Page page) {
      if (!put(page)) {
        throw new Abandoned(context.spec().name());
      }
      return true;
    }

    /** Queues {@code item}, waiting while the queue is full; {@code false} once stopped. */
    private boolean put(Object item) {
      int records = item instanceof Page page ? page.size() : 0;
      lock.lock();
      try {
        while (!stopped()) {
          boolean fits =
              !(item instanceof Page)
                  || queue.isEmpty()
                  || (queue.size() < PAGES_AHEAD && queuedRecords + records <= RECORDS_AHEAD);
          if (fits) {
            queue.addLast(item);
            queuedRecords += records;
            changed.signalAll();
            return true;
          }
          // Timed, so that a cancellation (which signals nobody) is seen promptly.
          changed.await(50, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
      return false;
    }

    /** The next queued item, or {@code null} after waiting a while for one. */
    private Object poll() throws InterruptedException {
      lock.lock();
      try {
        if (queue.isEmpty()) {
          changed.await(50, TimeUnit.MILLISECONDS);
        }
        Object item = queue.pollFirst();
        if (item instanceof Page page) {
          queuedRecords -= page.size();
          changed.signalAll();
        }
        return item;
      } finally {
        lock.unlock();
      }
    }

    void abandon() {
      abandoned = true;
      lock.lock();
      try {
        queue.clear();
        queuedRecords = 0;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void drainInto(PageConsumer consumer) throws Exception {
      while (true) {
        if (cancelled.getAsBoolean()) {
          abandon();
          return;
        }
        Object item;
        try {
          item = poll();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          abandon();
          throw new DuckliftException(
              "Interrupted while extracting resource '" + context.spec().name() + "'", e);
        }
        if (item == null) {
          continue;
        }
        if (item == END) {
          return;
        }
        if (item instanceof Failure f) {
          if (f.error() instanceof Exception e) {
            throw e;
          }
          if (f.error() instanceof Error e) {
            throw e;
          }
          throw new DuckliftException(
              "Resource '" + context.spec().name() + "' failed: " + f.error(), f.error());
        }
        if (!consumer.accept((Page) item)) {
          // The runtime wants no more pages (an end value was passed): stop the resource.
          abandon();
          return;
        }
      }
    }
  }
}
