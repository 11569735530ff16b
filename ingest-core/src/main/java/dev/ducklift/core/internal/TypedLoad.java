package dev.ducklift.core.internal;

import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.SchemaContract;
import dev.ducklift.core.internal.NormalizedTable.ColumnState;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.spi.EpochValues;
import dev.ducklift.core.spi.TypedRowSink;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBAppender;

/**
 * Stages the rows of a {@link dev.ducklift.core.spi.TypedResource} straight into the load's
 * appender: one reused row buffer of primitives and references, the row id hashed exactly as the
 * normalizer hashes it, and the cursor window and maxima tracked on the typed cursor column.
 *
 * <p>The root table (names, system columns, columns of earlier loads, hinted columns) is set up by
 * a {@link Normalizer}, so a typed load stages the same table the normalizer would; {@link #plan}
 * refuses (and the runtime normalizes records instead) whenever the declared columns do not match
 * it exactly, which leaves schema evolution and contracts to the normalizer.
 *
 * <p>The resource's thread builds each page's rows in a buffer (checks, row ids, cursor window); at
 * the page end the buffer goes to an appending thread, which merges the page's cursor maxima,
 * appends its rows and lets the runtime checkpoint, so reading and appending overlap. At most
 * {@link #BUFFERS} pages are in flight; a failure on the appending thread is thrown to the resource
 * at its next page end. A probe does everything on the resource's thread.
 */
final class TypedLoad implements TypedRowSink {

  /** Told about each ended page; decides about checkpoints. */
  interface PageListener {
    void pageEnded(
        String description,
        String stateKey,
        Map<String, CursorValue> positions,
        int rows,
        int accepted);
  }

  static final int BUFFERS = 3;
  private static final byte UNSET = 0;
  private static final byte SET = 1;

  /** Set by {@link #setUtf8}: the text is in the page's {@code text} bytes at {@code longs}. */
  private static final byte UTF8 = 2;

  private static final Object END = new Object();

  private final ResourceSpec spec;
  private final String loadId;
  private final NormalizedTable root;
  private final Staging.LoadWriter writer;
  private final CursorTracker tracker;
  private final PageListener pages;
  private final SchemaContract contract;

  private final int n;
  private final DataType.Kind[] kinds;
  private final int[] scales;
  private final int[] sourceOfColumn;
  private final int[] primaryKey;
  private final int[] required;
  private final String[] requiredNames;
  private final String[] primaryKeyNames;

  private final RowIds ids = new RowIds();
  private final int cursor;
  private final CursorValue.Kind cursorKind;
  private final boolean max;
  private final Incremental.OnMissingCursor onMissing;
  private final boolean probe;
  private final long probeCeiling;

  // ---- the resource's thread: the page being built ----

  /** One page's accepted rows, row-major, and what the page says about the cursor. */
  private final class PageBuffer {
    long[] longs;
    double[] doubles;
    Object[] objects;
    byte[] state;
    long[] idHigh;
    long[] idLow;
    int buffered;

    /** The UTF-8 text of the page's {@link #UTF8} values, each at (offset << 32 | length). */
    byte[] text = new byte[8192];

    int textSize;

    String description;
    String stateKey;
    Map<String, CursorValue> positions;
    int rows;
    int accepted;
    boolean hasCursor;
    boolean ordered;
    boolean invalidatesWindow;
    long maxLong;
    Object maxObject;
    long firstLong;
    Object firstObject;
    long lastLong;
    Object lastObject;
    long outside;
    long excluded;
    long discarded;

    PageBuffer(int capacity) {
      longs = new long[capacity * n];
      doubles = new double[capacity * n];
      objects = new Object[capacity * n];
      state = new byte[capacity * n];
      idHigh = new long[capacity];
      idLow = new long[capacity];
    }

    void grow() {
      int capacity = idHigh.length * 2;
      longs = Arrays.copyOf(longs, capacity * n);
      doubles = Arrays.copyOf(doubles, capacity * n);
      objects = Arrays.copyOf(objects, capacity * n);
      state = Arrays.copyOf(state, capacity * n);
      idHigh = Arrays.copyOf(idHigh, capacity);
      idLow = Arrays.copyOf(idLow, capacity);
    }

    /** Clears the rows (and the row being built) for reuse. */
    void clear() {
      int used = Math.min(state.length, (buffered + 1) * n);
      Arrays.fill(state, 0, used, UNSET);
      Arrays.fill(objects, 0, used, null);
      buffered = 0;
      textSize = 0;
      positions = null;
      maxObject = null;
      firstObject = null;
      lastObject = null;
      invalidatesWindow = false;
    }
  }

  private PageBuffer page;
  private long[] longs;
  private double[] doubles;
  private Object[] objects;
  private byte[] state;
  private int base;

  private String stateKey = "";
  private Bounds bounds;
  private final Map<String, Bounds> boundsByKey = new HashMap<>();
  private int pageRows;
  private int pageAccepted;
  private int pagePastEnd;
  private boolean pageHasCursor;
  private boolean pageOrdered = true;
  private long pageMaxLong;
  private Object pageMaxObject;
  private long pageFirstLong;
  private Object pageFirstObject;
  private long pageLastLong;
  private Object pageLastObject;
  private long pageOutside;
  private long pageExcluded;
  private long pageDiscarded;
  private boolean invalidateWindow;
  private long position;

  // ---- the appending thread (the resource's own for a probe) ----

  private final Map<String, CursorValue> seen = new HashMap<>();
  private final Map<String, CursorValue> lastByKey = new HashMap<>();
  private final Map<String, CursorValue> positions = new HashMap<>();
  private final WindowDigest window;
  private boolean ordered = true;
  private long records;
  private long outside;
  private long excluded;
  private long discarded;
  private DuckDBAppender appender;
  private VectorAppender vectors;
  private boolean vectorsTried;
  private final byte[] loadIdUtf8;
  private int unreported;

  private final ArrayBlockingQueue<Object> full;
  private final ArrayBlockingQueue<PageBuffer> free;
  private final Thread appending;
  private volatile Throwable failure;
  private boolean finished;

  private TypedLoad(
      ResourceSpec spec,
      String loadId,
      NormalizedTable root,
      List<Column> declared,
      int[] sourceOfColumn,
      String[] primaryKeyNames,
      int[] primaryKey,
      int[] required,
      int cursor,
      CursorValue.Kind cursorKind,
      Staging.LoadWriter writer,
      CursorTracker tracker,
      PageListener pages,
      boolean probe) {
    this.spec = spec;
    this.loadId = loadId;
    this.root = root;
    this.writer = writer;
    this.tracker = tracker;
    this.pages = pages;
    this.contract = spec.schemaContract();
    this.n = declared.size();
    this.kinds = new DataType.Kind[n];
    this.scales = new int[n];
    for (int i = 0; i < n; i++) {
      kinds[i] = declared.get(i).type().kind();
      scales[i] = declared.get(i).type().scale();
    }
    this.sourceOfColumn = sourceOfColumn;
    this.primaryKeyNames = primaryKeyNames;
    this.primaryKey = primaryKey;
    this.required = required;
    this.requiredNames = new String[required.length];
    for (int i = 0; i < required.length; i++) {
      requiredNames[i] = declared.get(required[i]).name();
    }
    this.cursor = cursor;
    this.cursorKind = cursorKind;
    Incremental inc = spec.incremental();
    this.max = inc == null || inc.lastValueFunction() == Incremental.LastValueFunction.MAX;
    this.onMissing = inc == null ? null : inc.onMissingCursor();
    this.probe = probe;
    this.window = WindowDigest.forLoad(spec, cursorKind);
    this.loadIdUtf8 = loadId.getBytes(StandardCharsets.UTF_8);
    CursorValue committed = tracker.committed().get("");
    this.probeCeiling =
        probe && committed != null && cursorKind != CursorValue.Kind.DECIMAL
            ? new Bounds("", committed, null).startLong
            : 0;
    use(new PageBuffer(256));
    if (probe) {
      full = null;
      free = null;
      appending = null;
    } else {
      full = new ArrayBlockingQueue<>(BUFFERS);
      free = new ArrayBlockingQueue<>(BUFFERS);
      for (int i = 1; i < BUFFERS; i++) {
        free.add(new PageBuffer(256));
      }
      appending = new Thread(this::appendLoop, "ducklift-stage-" + spec.name());
      appending.setDaemon(true);
      appending.start();
    }
  }

  private void use(PageBuffer buffer) {
    page = buffer;
    longs = buffer.longs;
    doubles = buffer.doubles;
    objects = buffer.objects;
    state = buffer.state;
    base = 0;
  }

  /**
   * A typed load of {@code declared} into the normalizer's root table, or {@code null} when the
   * declared columns do not match that table exactly (then records are normalized instead).
   */
  static TypedLoad plan(
      ResourceSpec spec,
      String loadId,
      List<Column> declared,
      Normalizer normalizer,
      CursorTracker tracker,
      Staging.LoadWriter writer,
      PageListener pages,
      boolean probe) {
    if (declared == null || declared.isEmpty() || normalizer.tables().size() != 1) {
      return null;
    }
    NormalizedTable root = normalizer.tables().get(0);
    List<ColumnState> columns = root.columns();
    Map<String, Integer> declaredIndex = new HashMap<>();
    for (int i = 0; i < declared.size(); i++) {
      Column c = declared.get(i);
      ColumnState existing = root.byName.get(c.name());
      if (existing == null
          || existing.index < 2
          || !existing.type().equals(c.type())
          || !stageable(c.type().kind())
          || declaredIndex.put(c.name(), i) != null) {
        return null;
      }
    }
    int[] sourceOfColumn = new int[columns.size()];
    for (int j = 0; j < columns.size(); j++) {
      Integer i = declaredIndex.get(columns.get(j).name());
      sourceOfColumn[j] = i == null ? -1 : i;
    }
    List<String> pkNames = normalizer.primaryKeyColumns();
    int[] pk = new int[pkNames.size()];
    for (int k = 0; k < pk.length; k++) {
      Integer i = declaredIndex.get(pkNames.get(k));
      if (i == null) {
        return null;
      }
      pk[k] = i;
    }
    int[] required =
        spec.columns().values().stream()
            .filter(h -> !h.nullable())
            .map(ColumnHint::name)
            .mapToInt(name -> declaredIndex.getOrDefault(name, -1))
            .toArray();
    if (Arrays.stream(required).anyMatch(i -> i < 0)) {
      return null;
    }
    int cursor = -1;
    CursorValue.Kind cursorKind = null;
    if (spec.incremental() != null) {
      Integer i = declaredIndex.get(normalizer.columnOfPath(spec.incremental().cursorPath()));
      if (i == null) {
        return null;
      }
      cursor = i;
      cursorKind = cursorKind(declared.get(i).type().kind());
      if (cursorKind == null || !sameKind(cursorKind, tracker, spec.incremental())) {
        return null;
      }
    }
    return new TypedLoad(
        spec,
        loadId,
        root,
        declared,
        sourceOfColumn,
        pkNames.toArray(String[]::new),
        pk,
        required,
        cursor,
        cursorKind,
        writer,
        tracker,
        pages,
        probe);
  }

  private static boolean stageable(DataType.Kind kind) {
    return switch (kind) {
      case INTERVAL, LIST -> false;
      default -> true;
    };
  }

  /*
   * A text cursor is left to the normalizer: its cursor tracker reads ISO-looking strings as
   * timestamps, which a typed load would not reproduce.
   */
  private static CursorValue.Kind cursorKind(DataType.Kind kind) {
    return switch (kind) {
      case SMALLINT, INTEGER, BIGINT -> CursorValue.Kind.INTEGER;
      case DECIMAL -> CursorValue.Kind.DECIMAL;
      case TIMESTAMPTZ -> CursorValue.Kind.TIMESTAMPTZ;
      case TIMESTAMP -> CursorValue.Kind.TIMESTAMP;
      case DATE -> CursorValue.Kind.DATE;
      default -> null;
    };
  }

  private static boolean sameKind(CursorValue.Kind kind, CursorTracker tracker, Incremental inc) {
    CursorValue committed = tracker.committed().get("");
    return (committed == null || committed.kind() == kind)
        && (inc.initialValue() == null || inc.initialValue().kind() == kind)
        && (inc.endValue() == null || inc.endValue().kind() == kind);
  }

  // ---- the sink -----------------------------------------------------------------------------

  /**
   * Rows that follow belong to {@code key} (the {@code stateKey} of a {@link
   * dev.ducklift.core.Page}).
   */
  @Override
  public void stateKey(String key) {
    Objects.requireNonNull(key, "stateKey");
    if (pageRows > 0 && !key.equals(stateKey)) {
      throw new DuckliftException(
          "Resource '" + spec.name() + "' changed the state key in the middle of a page");
    }
    stateKey = key;
  }

  @Override
  public void setLong(int column, long value) {
    longs[base + column] = value;
    state[base + column] = SET;
  }

  @Override
  public void setDouble(int column, double value) {
    doubles[base + column] = value;
    state[base + column] = SET;
  }

  @Override
  public void setBoolean(int column, boolean value) {
    longs[base + column] = value ? 1 : 0;
    state[base + column] = SET;
  }

  @Override
  public void setEpochMicros(int column, long micros) {
    longs[base + column] = micros;
    state[base + column] = SET;
  }

  @Override
  public void setEpochDays(int column, int days) {
    longs[base + column] = days;
    state[base + column] = SET;
  }

  @Override
  public void setObject(int column, Object value) {
    objects[base + column] = value;
    state[base + column] = value == null ? UNSET : SET;
  }

  @Override
  public void setUtf8(int column, byte[] utf8, int from, int length) {
    PageBuffer p = page;
    int pos = p.textSize;
    if (length > p.text.length - pos) {
      p.text = Arrays.copyOf(p.text, Math.max(p.text.length * 2, pos + length));
    }
    System.arraycopy(utf8, from, p.text, pos, length);
    p.textSize = pos + length;
    longs[base + column] = ((long) pos << 32) | length;
    objects[base + column] = null;
    state[base + column] = UTF8;
  }

  /** The text of a {@code TEXT} or {@code JSON} value at slot {@code i} of {@code p}. */
  private static String text(PageBuffer p, int i) {
    if (p.state[i] != UTF8) {
      return (String) p.objects[i];
    }
    long at = p.longs[i];
    return new String(p.text, (int) (at >>> 32), (int) at, StandardCharsets.UTF_8);
  }

  @Override
  public void endRow() {
    pageRows++;
    boolean keep = false;
    try {
      if (cursor >= 0 && !acceptCursor()) {
        return;
      }
      for (int k = 0; k < required.length; k++) {
        if (state[base + required[k]] == UNSET) {
          if (contract == SchemaContract.DISCARD_ROW) {
            pageDiscarded++;
            return;
          }
          throw rowError(requiredNames[k], "is declared not nullable but is missing");
        }
      }
      UUID id = rowId();
      if (probe
          && (cursor < 0
              || window == null
              || !stateKey.isEmpty()
              || longs[base + cursor] > probeCeiling)) {
        throw new FoundRows();
      }
      page.idHigh[page.buffered] = id.getMostSignificantBits();
      page.idLow[page.buffered] = id.getLeastSignificantBits();
      position++;
      pageAccepted++;
      keep = true;
    } finally {
      if (keep) {
        page.buffered++;
        base += n;
        if (base == state.length) {
          page.grow();
          longs = page.longs;
          doubles = page.doubles;
          objects = page.objects;
          state = page.state;
        }
      } else {
        Arrays.fill(state, base, base + n, UNSET);
        Arrays.fill(objects, base, base + n, null);
      }
    }
  }

  /**
   * Drops the rows since the last page end, as if they had never been handed over (a read that lost
   * its connection re-reads them).
   */
  @Override
  public void discardPage() {
    position -= pageAccepted;
    page.clear();
    use(page);
    resetPage();
    // The re-read rows would come after rows of the same cursor window already counted.
    invalidateWindow = true;
  }

  private void resetPage() {
    pageRows = 0;
    pageAccepted = 0;
    pagePastEnd = 0;
    pageHasCursor = false;
    pageOrdered = true;
    pageMaxObject = null;
    pageFirstObject = null;
    pageLastObject = null;
    pageOutside = 0;
    pageExcluded = 0;
    pageDiscarded = 0;
  }

  @Override
  public boolean endPage(
      String description, String stateKey, Map<String, CursorValue> pagePositions) {
    stateKey(stateKey);
    if (pagePositions.containsKey(stateKey)) {
      throw new IllegalArgumentException(
          "Page positions must not name the page's own state key '" + stateKey + "'");
    }
    rethrowFailure();
    PageBuffer p = page;
    p.description = description;
    p.stateKey = stateKey;
    p.positions = Map.copyOf(pagePositions);
    p.rows = pageRows;
    p.accepted = pageAccepted;
    p.hasCursor = pageHasCursor;
    p.ordered = pageOrdered;
    p.maxLong = pageMaxLong;
    p.maxObject = pageMaxObject;
    p.firstLong = pageFirstLong;
    p.firstObject = pageFirstObject;
    p.lastLong = pageLastLong;
    p.lastObject = pageLastObject;
    p.outside = pageOutside;
    p.excluded = pageExcluded;
    p.discarded = pageDiscarded;
    p.invalidatesWindow = invalidateWindow;
    invalidateWindow = false;
    boolean allPastEnd = pageRows > 0 && pagePastEnd == pageRows;
    resetPage();
    if (probe) {
      process(p);
      p.clear();
      use(p);
    } else {
      hand(p);
      use(take());
    }
    return !allPastEnd;
  }

  /** Ends the rows handed over after the last page end as one more page. */
  void endOpenPage() {
    if (pageRows > 0) {
      endPage("the rows after the last page of resource '" + spec.name() + "'", stateKey, Map.of());
    }
  }

  /**
   * Waits until every page handed over is staged and the appender is flushed; throws a failure of
   * the appending thread. Call it on the resource's thread after its last page.
   */
  void finish() {
    if (probe) {
      return;
    }
    stop();
    rethrowFailure();
  }

  /** Stages the pages already handed over, then stops, without throwing (the load failed). */
  void drain() {
    if (!probe) {
      stop();
    }
  }

  private void stop() {
    if (finished) {
      return;
    }
    finished = true;
    putUninterruptibly(END);
    Handoff.joinUninterruptibly(appending);
  }

  private void hand(PageBuffer p) {
    try {
      while (!full.offer(p, 50, TimeUnit.MILLISECONDS)) {
        rethrowFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DuckliftException(
          "Interrupted while handing over " + p.description + " of resource '" + spec.name() + "'",
          e);
    }
  }

  private PageBuffer take() {
    try {
      while (true) {
        PageBuffer p = free.poll(50, TimeUnit.MILLISECONDS);
        if (p != null) {
          return p;
        }
        rethrowFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DuckliftException("Interrupted while staging resource '" + spec.name() + "'", e);
    }
  }

  private void putUninterruptibly(Object item) {
    boolean interrupted = false;
    while (true) {
      try {
        full.put(item);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void rethrowFailure() {
    Handoff.rethrow(failure);
  }

  private void appendLoop() {
    while (true) {
      Object item;
      try {
        item = full.take();
      } catch (InterruptedException e) {
        return;
      }
      if (item == END) {
        try {
          reportAppended();
          appender = null;
          vectors = null;
          writer.closeAppenders();
        } catch (Throwable t) {
          if (failure == null) {
            failure = t;
          }
        }
        return;
      }
      PageBuffer p = (PageBuffer) item;
      try {
        if (failure == null) {
          process(p);
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        p.clear();
        free.add(p);
      }
    }
  }

  /** Merges a page's cursor figures, stages its rows and reports it (may checkpoint). */
  private void process(PageBuffer p) {
    if (p.invalidatesWindow && window != null) {
      window.invalidate();
    }
    if (p.hasCursor) {
      CursorValue best = cursorValue(p.maxLong, p.maxObject);
      CursorValue old = seen.get(p.stateKey);
      if (old == null || (max ? best.compareTo(old) > 0 : best.compareTo(old) < 0)) {
        seen.put(p.stateKey, best);
      }
      CursorValue previous = lastByKey.get(p.stateKey);
      if (previous != null) {
        int c = cursorValue(p.firstLong, p.firstObject).compareTo(previous);
        if (max ? c < 0 : c > 0) {
          ordered = false;
        }
      }
      lastByKey.put(p.stateKey, cursorValue(p.lastLong, p.lastObject));
    }
    if (!p.ordered) {
      ordered = false;
    }
    if (cursor >= 0) {
      positions.putAll(p.positions);
      if (window != null) {
        for (int r = 0; r < p.buffered; r++) {
          window.add(p.stateKey, p.longs[r * n + cursor], new UUID(p.idHigh[r], p.idLow[r]));
        }
      }
    }
    if (!probe) {
      appendBuffered(p);
    }
    records += p.accepted;
    outside += p.outside;
    excluded += p.excluded;
    discarded += p.discarded;
    reportAppended();
    // The listener may checkpoint, which closes the appender.
    appender = null;
    vectors = null;
    pages.pageEnded(p.description, p.stateKey, p.positions, p.rows, p.accepted);
  }

  // ---- cursor -------------------------------------------------------------------------------

  private boolean acceptCursor() {
    if (state[base + cursor] == UNSET) {
      switch (onMissing) {
        case INCLUDE:
          return true;
        case EXCLUDE:
          pageExcluded++;
          return false;
        default:
          throw rowError(
              spec.incremental().cursorPath(), "has no cursor value (cursor column is null)");
      }
    }
    Bounds b = bounds();
    boolean primitive = cursorKind != CursorValue.Kind.DECIMAL;
    long l = longs[base + cursor];
    Object o = objects[base + cursor];
    if (b.hasStart) {
      int c = primitive ? Long.compare(l, b.startLong) : ((BigDecimal) o).compareTo(b.startDecimal);
      if (max ? c < 0 : c > 0) {
        pageOutside++;
        return false;
      }
    }
    if (b.hasEnd) {
      int c = primitive ? Long.compare(l, b.endLong) : ((BigDecimal) o).compareTo(b.endDecimal);
      if (max ? c >= 0 : c <= 0) {
        pageOutside++;
        pagePastEnd++;
        return false;
      }
    }
    if (!pageHasCursor) {
      pageHasCursor = true;
      pageMaxLong = l;
      pageMaxObject = o;
      pageFirstLong = l;
      pageFirstObject = o;
    } else {
      int c =
          primitive
              ? Long.compare(l, pageLastLong)
              : ((BigDecimal) o).compareTo((BigDecimal) pageLastObject);
      if (max ? c < 0 : c > 0) {
        pageOrdered = false;
      }
      int m =
          primitive
              ? Long.compare(l, pageMaxLong)
              : ((BigDecimal) o).compareTo((BigDecimal) pageMaxObject);
      if (max ? m > 0 : m < 0) {
        pageMaxLong = l;
        pageMaxObject = o;
      }
    }
    pageLastLong = l;
    pageLastObject = o;
    return true;
  }

  private Bounds bounds() {
    if (bounds != null && bounds.key.equals(stateKey)) {
      return bounds;
    }
    Bounds b = boundsByKey.get(stateKey);
    if (b == null) {
      b =
          new Bounds(
              stateKey, tracker.startValue(stateKey).orElse(null), tracker.endValue().orElse(null));
      boundsByKey.put(stateKey, b);
    }
    bounds = b;
    return b;
  }

  private final class Bounds {
    final String key;
    final boolean hasStart;
    final boolean hasEnd;
    final long startLong;
    final long endLong;
    final BigDecimal startDecimal;
    final BigDecimal endDecimal;

    Bounds(String key, CursorValue start, CursorValue end) {
      this.key = key;
      this.hasStart = start != null;
      this.hasEnd = end != null;
      this.startLong = start == null ? 0 : primitive(start);
      this.endLong = end == null ? 0 : primitive(end);
      this.startDecimal = start == null ? null : decimal(start);
      this.endDecimal = end == null ? null : decimal(end);
    }

    private long primitive(CursorValue v) {
      check(v);
      return switch (v.kind()) {
        case INTEGER -> (Long) v.value();
        case TIMESTAMPTZ -> EpochValues.epochMicros((OffsetDateTime) v.value());
        case TIMESTAMP -> EpochValues.epochMicros((LocalDateTime) v.value());
        case DATE -> EpochValues.epochDays((LocalDate) v.value());
        default -> 0;
      };
    }

    private BigDecimal decimal(CursorValue v) {
      return v.kind() == CursorValue.Kind.DECIMAL ? (BigDecimal) v.value() : null;
    }

    private void check(CursorValue v) {
      if (v.kind() != cursorKind) {
        throw new DuckliftException(
            "Resource '"
                + spec.name()
                + "': the cursor column '"
                + spec.incremental().cursorPath()
                + "' holds "
                + cursorKind
                + " values but the window bound is a "
                + v.kind()
                + " ("
                + v.text()
                + ")");
      }
    }
  }

  private CursorValue cursorValue(long l, Object o) {
    return switch (cursorKind) {
      case INTEGER -> CursorValue.of(l);
      case DECIMAL -> CursorValue.of((BigDecimal) o);
      case TIMESTAMPTZ -> CursorValue.of(EpochValues.offsetDateTime(l));
      case TIMESTAMP -> CursorValue.of(EpochValues.localDateTime(l));
      case DATE -> CursorValue.of(EpochValues.localDate(l));
      case TEXT -> CursorValue.of((String) o);
    };
  }

  // ---- rows ---------------------------------------------------------------------------------

  private UUID rowId() {
    ids.begin();
    if (primaryKey.length == 0) {
      return ids.add(loadId).add(position).finish();
    }
    ids.add(root.name);
    for (int k = 0; k < primaryKey.length; k++) {
      int i = base + primaryKey[k];
      if (state[i] == UNSET) {
        throw rowError(primaryKeyNames[k], "is a primary key column but is null");
      }
      // The text of each key value as the normalizer's canonical value would print it.
      switch (kinds[primaryKey[k]]) {
        case SMALLINT, INTEGER, BIGINT, TIMESTAMP, TIMESTAMPTZ, DATE -> ids.add(longs[i]);
        case BOOLEAN -> ids.add(longs[i] != 0 ? "true" : "false");
        case DOUBLE -> ids.add(Double.toString(doubles[i]));
        case REAL -> ids.add(Float.toString((float) doubles[i]));
        case DECIMAL -> {
          BigDecimal d = (BigDecimal) objects[i];
          ids.add(d.stripTrailingZeros().toPlainString());
        }
        case TEXT, JSON -> ids.add(text(page, i));
        default -> ids.add(objects[i].toString());
      }
    }
    return ids.finish();
  }

  private void appendBuffered(PageBuffer p) {
    long[] longs = p.longs;
    double[] doubles = p.doubles;
    Object[] objects = p.objects;
    byte[] state = p.state;
    int buffered = p.buffered;
    if (buffered == 0) {
      return;
    }
    int row = 0;
    try {
      if (vectors == null && appender == null && !vectorsTried) {
        vectors = writer.typedVectors(root);
        // A table the vector path cannot write stays on the JDBC appender for the whole load.
        vectorsTried = vectors == null;
      }
      if (vectors != null) {
        appendVectors(p, vectors);
        // Moving each page into the table now, rather than every page at the checkpoint, keeps
        // checkpoints short, so the reading thread is not held up by one for long.
        vectors.flush();
        return;
      }
      DuckDBAppender a = appender;
      if (a == null) {
        a = writer.typedAppender(root);
        appender = a;
      }
      for (; row < buffered; row++) {
        int o = row * n;
        a.beginRow();
        a.append(loadId);
        a.append(new UUID(p.idHigh[row], p.idLow[row]));
        for (int j = 2; j < sourceOfColumn.length; j++) {
          int c = sourceOfColumn[j];
          int i = o + c;
          if (c < 0 || state[i] == UNSET) {
            a.appendNull();
            continue;
          }
          switch (kinds[c]) {
            case TEXT, JSON -> a.append(text(p, i));
            case BIGINT -> a.append(longs[i]);
            case INTEGER -> a.append((int) longs[i]);
            case SMALLINT -> a.append((short) longs[i]);
            case DOUBLE -> a.append(doubles[i]);
            case REAL -> a.append((float) doubles[i]);
            case BOOLEAN -> a.append(longs[i] != 0);
            case TIMESTAMP, TIMESTAMPTZ -> a.appendEpochMicros(longs[i]);
            case DATE -> a.appendEpochDays((int) longs[i]);
            case DECIMAL ->
                a.append(((BigDecimal) objects[i]).setScale(scales[c], RoundingMode.UNNECESSARY));
            case UUID -> a.append((UUID) objects[i]);
            case BINARY -> a.append((byte[]) objects[i]);
            case TIME -> a.appendDayMicros(EpochValues.dayMicros((LocalTime) objects[i]));
            default -> a.append(objects[i].toString());
          }
        }
        a.endRow();
      }
    } catch (SQLException | RuntimeException e) {
      throw new DuckliftException(
          "Cannot stage a row of table '"
              + root.name
              + "' in load "
              + loadId
              + " (resource '"
              + spec.name()
              + "', row "
              + (row + 1)
              + " of the page): "
              + e.getMessage(),
          e);
    } finally {
      unreported += row;
    }
  }

  /**
   * Appends a page's rows through the vector path (every column kind of the table is one it
   * writes), counting them for {@link #reportAppended}.
   */
  private void appendVectors(PageBuffer p, VectorAppender v) throws SQLException {
    long[] longs = p.longs;
    double[] doubles = p.doubles;
    Object[] objects = p.objects;
    byte[] state = p.state;
    int buffered = p.buffered;
    int row = 0;
    try {
      for (; row < buffered; row++) {
        int o = row * n;
        v.setUtf8(0, loadIdUtf8, 0, loadIdUtf8.length);
        v.setUuid(1, p.idHigh[row], p.idLow[row]);
        for (int j = 2; j < sourceOfColumn.length; j++) {
          int c = sourceOfColumn[j];
          int i = o + c;
          if (c < 0 || state[i] == UNSET) {
            v.setNull(j);
            continue;
          }
          switch (kinds[c]) {
            case TEXT, JSON -> {
              if (state[i] == UTF8) {
                long at = longs[i];
                v.setUtf8(j, p.text, (int) (at >>> 32), (int) at);
              } else {
                v.setString(j, (String) objects[i]);
              }
            }
            case BIGINT, INTEGER, SMALLINT, TIMESTAMP, TIMESTAMPTZ, DATE -> v.setLong(j, longs[i]);
            case DOUBLE, REAL -> v.setDouble(j, doubles[i]);
            case BOOLEAN -> v.setBoolean(j, longs[i] != 0);
            case UUID -> {
              java.util.UUID u = (java.util.UUID) objects[i];
              v.setUuid(j, u.getMostSignificantBits(), u.getLeastSignificantBits());
            }
            default ->
                throw new SQLException("The vector path does not write " + kinds[c] + " values");
          }
        }
        v.endRow();
      }
    } finally {
      unreported += row;
    }
  }

  private void reportAppended() {
    if (unreported > 0) {
      writer.rowsAppended(root, unreported);
      unreported = 0;
    }
  }

  private DuckliftException rowError(String column, String problem) {
    return new DuckliftException(
        "Resource '"
            + spec.name()
            + "', table '"
            + root.name
            + "', column '"
            + column
            + "' "
            + problem
            + " (row "
            + pageRows
            + " of the current page)");
  }

  // ---- results ------------------------------------------------------------------------------

  long records() {
    return records;
  }

  long discarded() {
    return outside + excluded + discarded;
  }

  boolean ordered() {
    return ordered;
  }

  /** The watermarks after this load, by the same rule as {@link CursorTracker#watermarks()}. */
  Map<String, CursorValue> watermarks() {
    Map<String, CursorValue> result = tracker.watermarks(seen, positions);
    if (!tracker.advancesState()) {
      return result;
    }
    result.remove(WindowDigest.KEY);
    if (window != null && !seen.isEmpty()) {
      window.digest().ifPresent(d -> result.put(WindowDigest.KEY, d));
    } else if (window != null && tracker.committed().containsKey(WindowDigest.KEY)) {
      result.put(WindowDigest.KEY, tracker.committed().get(WindowDigest.KEY));
    }
    return result;
  }

  /**
   * After a probe that found no row above the committed watermark: whether the rows re-read at and
   * below it (the lag window, or the rows tied at the watermark) are exactly those the last load
   * saw there, all of which are in the destination.
   */
  boolean probeFoundNothingNew() {
    if (window == null) {
      return records == 0 && pageRows == 0;
    }
    CursorValue recorded = tracker.committed().get(WindowDigest.KEY);
    Optional<CursorValue> now = window.digest();
    if (now.isEmpty()) {
      return false;
    }
    if (window.count() == 0) {
      return true;
    }
    return recorded != null && recorded.equals(now.get());
  }

  /** Thrown into a probed extract at the first row that shows the run has data to load. */
  static final class FoundRows extends RuntimeException {
    FoundRows() {
      super("The resource has rows to load", null, false, false);
    }
  }
}
