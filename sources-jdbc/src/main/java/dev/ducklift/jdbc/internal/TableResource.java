package dev.ducklift.jdbc.internal;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Page;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.spi.TypedResource;
import dev.ducklift.core.spi.TypedRowSink;
import dev.ducklift.jdbc.CursorMode;
import dev.ducklift.jdbc.internal.ResolvedTable.MappedColumn;
import dev.ducklift.jdbc.spi.JdbcDialect;
import dev.ducklift.jdbc.spi.TextDecoder;
import dev.ducklift.jdbc.spi.ValueReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table or query as a resource: plans the read from the committed watermark, streams rows in
 * pages (plain {@code SELECT} with a bounded fetch size, or {@code COPY} text), splits initial
 * loads into concurrent ranges, and resumes a read whose connection dropped from the last row it
 * handed over.
 */
public final class TableResource implements TypedResource {

  /**
   * The state key of the id that breaks ties between equal timestamps in the timestamp+incrementing
   * mode; the timestamp itself is the resource's main watermark.
   */
  public static final String TIEBREAK_KEY = "tiebreak";

  private static final Logger LOG = LoggerFactory.getLogger(TableResource.class);

  private final ResolvedTable table;
  private final ConnectionFactory connections;
  private final JdbcDialect dialect;
  private final ReadOptions options;
  private final boolean copy;
  private final String[] keys;
  private final ValueReader[] readers;
  private final TextDecoder[] decoders;
  private final List<Column> columns;
  private final TypedColumns.FromResult[] fromResult;
  private final AtomicInteger resumed = new AtomicInteger();

  public TableResource(ResolvedTable table, ConnectionFactory connections, ReadOptions options) {
    this.table = table;
    this.connections = connections;
    this.dialect = connections.dialect();
    this.options = options;
    boolean decodable = table.columns().stream().allMatch(c -> c.mapping().textDecoder() != null);
    this.copy =
        switch (options.method()) {
          case PLAIN -> false;
          case AUTO -> dialect.supportsTextExport() && decodable;
          case COPY -> {
            if (!dialect.supportsTextExport()) {
              throw new DuckliftException(
                  table.label()
                      + ": the "
                      + dialect.name()
                      + " dialect does not support COPY reads");
            }
            if (!decodable) {
              throw new DuckliftException(
                  table.label() + ": a column has no text decoder, so it cannot be read with COPY");
            }
            yield true;
          }
        };
    int n = table.columns().size();
    keys = new String[n];
    readers = new ValueReader[n];
    decoders = new TextDecoder[n];
    for (int i = 0; i < n; i++) {
      MappedColumn c = table.columns().get(i);
      keys[i] = c.key();
      readers[i] = c.mapping().reader();
      decoders[i] = c.mapping().textDecoder();
    }
    List<Column> declared = new ArrayList<>(n);
    fromResult = new TypedColumns.FromResult[n];
    for (int i = 0; i < n; i++) {
      MappedColumn c = table.columns().get(i);
      declared.add(new Column(c.key(), c.mapping().type(), c.source().nullable()));
      boolean jsonText = dialect.isJsonText(c.source());
      fromResult[i] = TypedColumns.fromResult(c, jsonText);
    }
    columns = List.copyOf(declared);
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  /** Typed except for an initial load split into ranges read on several threads. */
  @Override
  public boolean stagesTyped(ExtractContext context) {
    if (table.shardIndex() >= 0 || table.split() == null || table.split().parts() <= 1) {
      return true;
    }
    return table.incremental() && context.lastValue().isPresent();
  }

  @Override
  public void extractTyped(ExtractContext context, TypedRowSink rows) throws Exception {
    if (!stagesTyped(context)) {
      throw new DuckliftException(
          table.label() + ": a parallel range read cannot stage typed rows; use extract");
    }
    ReadWindow window = startWindow(context);
    boolean positions =
        table.mode() == CursorMode.TIMESTAMP_INCREMENTING && context.endValue().isEmpty();
    String name = "chunk 1";
    if (table.shardIndex() >= 0) {
      window = RangePlanner.range(window, boundaries(ReadWindow.ALL), table.shardIndex());
      name = "shard " + table.shardIndex() + " of " + table.split().parts();
    }
    Chunk chunk = new Chunk(name, window, "", positions);
    chunk.typed = rows;
    chunk.read(context, null, new AtomicBoolean());
  }

  @Override
  public ResourceSpec spec() {
    return table.spec();
  }

  /** The reflected table behind this resource. */
  public ResolvedTable table() {
    return table;
  }

  /** How many reads resumed on a new connection after losing theirs, since this was built. */
  public int resumedReads() {
    return resumed.get();
  }

  /** Whether this resource reads with {@code COPY}. */
  public boolean usesCopy() {
    return copy;
  }

  @Override
  public void extract(ExtractContext context, PageConsumer pages) throws Exception {
    ReadWindow window = startWindow(context);
    boolean positions =
        table.mode() == CursorMode.TIMESTAMP_INCREMENTING && context.endValue().isEmpty();
    if (table.shardIndex() >= 0) {
      List<CursorValue> boundaries = boundaries(ReadWindow.ALL);
      ReadWindow shard = RangePlanner.range(window, boundaries, table.shardIndex());
      new Chunk(
              "shard " + table.shardIndex() + " of " + table.split().parts(), shard, "", positions)
          .read(context, pages::accept, new AtomicBoolean());
      return;
    }
    boolean initial = !table.incremental() || context.lastValue().isEmpty();
    if (table.split() != null && table.split().parts() > 1 && initial) {
      readParallel(context, pages, window, positions);
      return;
    }
    new Chunk("chunk 1", window, "", positions).read(context, pages::accept, new AtomicBoolean());
  }

  private ReadWindow startWindow(ExtractContext context) {
    ReadWindow window = ReadWindow.ALL;
    if (!table.incremental()) {
      return window;
    }
    Optional<CursorValue> last = context.lastValue().map(v -> typed(v, "watermark"));
    Optional<CursorValue> start = context.startValue().map(v -> typed(v, "start value"));
    boolean lag = table.spec().incremental().lag() != null;
    Optional<CursorValue> end = context.endValue();
    if (end.isPresent()) {
      // A backfill window is [initial value, end value) whatever the stored watermark is.
      Optional<CursorValue> initial = table.spec().incremental().initial();
      window =
          initial.isPresent()
              ? window.from(typed(initial.get(), "initial value"), false, null)
              : window;
      return window.withEnd(typed(end.get(), "end value"));
    }
    if (last.isPresent() && !lag && table.mode() == CursorMode.INCREMENTING) {
      window = window.from(last.get(), true, null);
    } else if (last.isPresent() && !lag && table.mode() == CursorMode.TIMESTAMP_INCREMENTING) {
      Optional<CursorValue> id = context.lastValue(TIEBREAK_KEY);
      // Without a stored tiebreak (state written before it existed) the rows at the last
      // timestamp are read again and removed downstream by primary key.
      window =
          id.isPresent()
              ? window.from(last.get(), true, typedId(id.get()))
              : window.from(last.get(), false, null);
    } else if (start.isPresent()) {
      window = window.from(start.get(), false, null);
    }
    return window;
  }

  private CursorValue typed(CursorValue v, String role) {
    return convert(v, table.cursorKind(), role);
  }

  private CursorValue typedId(CursorValue v) {
    return convert(v, table.idKind(), "tiebreak");
  }

  private CursorValue convert(CursorValue v, CursorValue.Kind kind, String role) {
    if (v.kind() == kind) {
      return v;
    }
    if (v.kind() == CursorValue.Kind.INTEGER && kind == CursorValue.Kind.DECIMAL) {
      return CursorValue.of(BigDecimal.valueOf((Long) v.value()));
    }
    if (v.kind() == CursorValue.Kind.TEXT) {
      return CursorValue.parse(kind, v.text());
    }
    throw new DuckliftException(
        table.label() + ": the stored " + role + " " + v + " does not fit a " + kind + " cursor");
  }

  // ---- parallel range reads

  private void readParallel(
      ExtractContext context, PageConsumer pages, ReadWindow window, boolean positions)
      throws Exception {
    CursorValue ceiling = null;
    if (table.incremental()) {
      // The load covers cursors up to a ceiling fixed now; the ranges' pages are tracked under
      // their own state keys, and the ceiling's rows, read last under the main key, are what
      // moves the watermark, so a load that dies halfway leaves the watermark untouched.
      ceiling = maxCursor(window);
      if (ceiling == null) {
        return;
      }
      window = window.withCeiling(ceiling);
    }
    List<CursorValue> boundaries = boundaries(window);
    int parts = boundaries.size() + 1;
    int threads = Math.max(1, Math.min(parts, options.parallelism()));
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(threads * 2);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "ducklift-jdbc-" + table.resourceName());
              t.setDaemon(true);
              return t;
            });
    try {
      for (int i = 0; i < parts; i++) {
        ReadWindow range = RangePlanner.range(window, boundaries, i);
        String stateKey = table.incremental() ? "range_" + i + "_of_" + parts : "";
        Chunk chunk = new Chunk("range " + (i + 1) + " of " + parts, range, stateKey, false);
        pool.execute(
            () -> {
              try {
                chunk.read(context, page -> offer(queue, page, stop), stop);
                offer(queue, Done.INSTANCE, stop);
              } catch (Throwable t) {
                offer(queue, new Failure(t), stop);
              }
            });
      }
      int done = 0;
      while (done < parts) {
        Object item = queue.take();
        if (item instanceof Done) {
          done++;
        } else if (item instanceof Failure f) {
          throw f.cause instanceof Exception e
              ? e
              : new DuckliftException(f.cause.toString(), f.cause);
        } else if (!pages.accept((Page) item)) {
          return;
        }
      }
    } finally {
      stop.set(true);
      queue.clear();
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    if (ceiling != null) {
      new Chunk("rows at the load's ceiling", window.withExact(ceiling), "", positions)
          .read(context, pages::accept, new AtomicBoolean());
    }
  }

  private static boolean offer(BlockingQueue<Object> queue, Object item, AtomicBoolean stop) {
    try {
      while (!stop.get()) {
        if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private enum Done {
    INSTANCE
  }

  private record Failure(Throwable cause) {}

  private CursorValue maxCursor(ReadWindow window) throws SQLException {
    MappedColumn cursor = table.columns().get(table.cursorIndex());
    CursorValue[] minMax = minMax(cursor, window);
    return minMax == null ? null : minMax[1];
  }

  private List<CursorValue> boundaries(ReadWindow window) throws SQLException {
    var split = table.split();
    CursorValue lower;
    CursorValue upper;
    if (split.lower() != null) {
      lower = CursorValue.parse(table.splitKind(), split.lower());
      upper = CursorValue.parse(table.splitKind(), split.upper());
    } else {
      CursorValue[] minMax = minMax(table.splitColumn(), window);
      if (minMax == null) {
        return List.of();
      }
      lower = minMax[0];
      upper = minMax[1];
    }
    return RangePlanner.boundaries(lower, upper, split.parts());
  }

  private CursorValue[] minMax(MappedColumn column, ReadWindow window) throws SQLException {
    SelectQuery q = SelectQuery.minMax(table, dialect, column.name(), window);
    Connection c = connections.borrow();
    boolean healthy = false;
    Object min;
    Object max;
    try (PreparedStatement ps = c.prepareStatement(q.sql())) {
      bind(ps, q.params());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        min = column.mapping().reader().read(rs, 1);
        max = column.mapping().reader().read(rs, 2);
      }
      healthy = true;
    } catch (SQLException e) {
      throw new DuckliftException(
          table.label()
              + ": cannot read the bounds of column '"
              + column.name()
              + "': "
              + connections.scrub(e.getMessage()),
          e);
    } finally {
      connections.release(c, healthy);
    }
    if (min == null || max == null) {
      return null;
    }
    CursorValue.Kind kind = Reflector.cursorKind(column, table.label());
    return new CursorValue[] {cursorValue(min, kind), cursorValue(max, kind)};
  }

  private void bind(PreparedStatement ps, List<CursorValue> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      dialect.bind(ps, i + 1, params.get(i));
    }
  }

  static CursorValue cursorValue(Object v, CursorValue.Kind kind) {
    CursorValue value;
    if (v instanceof Integer i) {
      value = CursorValue.of(i.longValue());
    } else if (v instanceof Long l) {
      value = CursorValue.of(l);
    } else if (v instanceof BigDecimal d) {
      value = CursorValue.of(d);
    } else if (v instanceof OffsetDateTime t) {
      value = CursorValue.of(t);
    } else if (v instanceof LocalDateTime t) {
      value = CursorValue.of(t);
    } else if (v instanceof LocalDate d) {
      value = CursorValue.of(d);
    } else if (v instanceof String s) {
      value = CursorValue.of(s);
    } else {
      throw new DuckliftException(
          "A " + v.getClass().getSimpleName() + " value cannot be a cursor value");
    }
    if (value.kind() == CursorValue.Kind.INTEGER && kind == CursorValue.Kind.DECIMAL) {
      return CursorValue.of(BigDecimal.valueOf((Long) value.value()));
    }
    return value;
  }

  // ---- one sequential read, resumed after a dropped connection

  /** A sequential read of one window, in cursor order when the table is incremental. */
  private final class Chunk {
    private final String name;
    private ReadWindow window;
    private final String stateKey;
    private final boolean positions;
    private long rows;
    private int pageNumber;
    private Object lastCursor;
    private Object lastId;
    TypedRowSink typed;

    Chunk(String name, ReadWindow window, String stateKey, boolean positions) {
      this.name = name;
      this.window = window;
      this.stateKey = stateKey;
      this.positions = positions;
    }

    void read(ExtractContext context, PageConsumer sink, AtomicBoolean stop) throws Exception {
      int attempt = 0;
      while (true) {
        try {
          if (typed != null) {
            typed.stateKey(stateKey);
            if (copy) {
              readCopyTyped(context);
            } else {
              readPlainTyped(context);
            }
          } else if (copy) {
            readCopy(context, sink, stop);
          } else {
            readPlain(context, sink, stop);
          }
          return;
        } catch (SQLException e) {
          boolean resumable = table.incremental() && dialect.isConnectionFailure(e);
          if (!resumable || attempt >= options.maxRetries()) {
            throw new DuckliftException(
                "Reading "
                    + table.label()
                    + " failed in "
                    + name
                    + " after "
                    + rows
                    + " rows in "
                    + pageNumber
                    + " pages (every page before was handed over): "
                    + connections.scrub(e.getMessage())
                    + " (SQLSTATE "
                    + e.getSQLState()
                    + ")"
                    + (resumable
                        ? "; gave up after " + attempt + " retries"
                        : table.incremental()
                            ? ""
                            : "; a table without a cursor cannot resume a read"),
                e);
          }
          attempt++;
          resumed.incrementAndGet();
          if (typed != null) {
            typed.discardPage();
          }
          LOG.warn(
              "Reading {} lost its connection in {} after {} rows (SQLSTATE {}); resuming, attempt {}"
                  + " of {}",
              table.label(),
              name,
              rows,
              e.getSQLState(),
              attempt,
              options.maxRetries());
          resumeAfterLastPage();
          Thread.sleep(options.retryBackoff().toMillis() * attempt);
        }
      }
    }

    private void resumeAfterLastPage() {
      if (lastCursor == null) {
        return;
      }
      CursorValue cursor = cursorValue(lastCursor, table.cursorKind());
      window =
          switch (table.mode()) {
            case INCREMENTING -> window.from(cursor, true, null);
            // Rows at the last timestamp are read again; insert-new drops the repeats.
            case TIMESTAMP -> window.from(cursor, false, null);
            case TIMESTAMP_INCREMENTING ->
                window.from(cursor, true, cursorValue(lastId, table.idKind()));
          };
    }

    private void readPlain(ExtractContext context, PageConsumer sink, AtomicBoolean stop)
        throws Exception {
      SelectQuery q = SelectQuery.rows(table, dialect, window, true, false);
      Connection c = connections.borrow();
      boolean healthy = false;
      try {
        try (PreparedStatement ps =
            c.prepareStatement(q.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
          dialect.stream(c, ps, options.fetchSize());
          bind(ps, q.params());
          try (ResultSet rs = ps.executeQuery()) {
            PageBuilder page = new PageBuilder();
            int n = keys.length;
            while (rs.next()) {
              Map<String, Object> record = new LinkedHashMap<>(n * 2);
              for (int i = 0; i < n; i++) {
                Object value;
                try {
                  value = readers[i].read(rs, i + 1);
                } catch (SQLException e) {
                  throw e;
                } catch (RuntimeException e) {
                  throw badValue(i, e);
                }
                record.put(keys[i], value);
              }
              if (!page.add(record, context, sink, stop)) {
                // a cursor left open is closed with the statement; the session stays usable
                healthy = true;
                return;
              }
            }
            page.flush(context, sink, stop);
            healthy = true;
          }
        }
      } finally {
        connections.release(c, healthy);
      }
    }

    private void readCopy(ExtractContext context, PageConsumer sink, AtomicBoolean stop)
        throws Exception {
      SelectQuery q = SelectQuery.rows(table, dialect, window, true, true);
      Connection c = connections.borrow();
      boolean healthy = false;
      try (JdbcDialect.TextExport export = dialect.openTextExport(c, q.literalSql())) {
        PageBuilder page = new PageBuilder();
        CopyTextParser parser = new CopyTextParser(keys.length);
        boolean[] more = {true};
        CopyTextParser.RowHandler handler =
            fields -> {
              if (!more[0]) {
                return;
              }
              Map<String, Object> record = new LinkedHashMap<>(keys.length * 2);
              for (int i = 0; i < keys.length; i++) {
                String text = fields[i];
                Object value;
                try {
                  value = text == null ? null : decoders[i].decode(text);
                } catch (RuntimeException e) {
                  throw badValue(i, e);
                }
                record.put(keys[i], value);
              }
              try {
                more[0] = page.add(record, context, sink, stop);
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new DuckliftException(e.getMessage(), e);
              }
            };
        if (!feedToEnd(export, parser, handler, more)) {
          healthy = true;
          return;
        }
        page.flush(context, sink, stop);
        healthy = true;
      } finally {
        connections.release(c, healthy);
      }
    }

    private void readPlainTyped(ExtractContext context) throws Exception {
      SelectQuery q = SelectQuery.rows(table, dialect, window, true, false);
      Connection c = connections.borrow();
      boolean healthy = false;
      try {
        try (PreparedStatement ps =
            c.prepareStatement(q.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
          dialect.stream(c, ps, options.fetchSize());
          bind(ps, q.params());
          try (ResultSet rs = ps.executeQuery()) {
            TypedPage page = new TypedPage();
            int n = keys.length;
            int cursorIndex = table.incremental() ? table.cursorIndex() : -1;
            int idIndex = table.idIndex();
            while (rs.next()) {
              for (int i = 0; i < n; i++) {
                try {
                  if (i == cursorIndex || i == idIndex) {
                    Object value = readers[i].read(rs, i + 1);
                    if (i == cursorIndex) {
                      page.cursor = value;
                    } else {
                      page.id = value;
                    }
                    if (value != null) {
                      TypedColumns.set(
                          typed, i, table.columns().get(i).mapping().type().kind(), value);
                    }
                  } else {
                    fromResult[i].set(typed, i, rs, i + 1);
                  }
                } catch (SQLException e) {
                  throw e;
                } catch (RuntimeException e) {
                  throw badValue(i, e);
                }
              }
              typed.endRow();
              if (!page.rowEnded(context)) {
                healthy = true;
                return;
              }
            }
            page.flush(context);
            healthy = true;
          }
        }
      } finally {
        connections.release(c, healthy);
      }
    }

    /**
     * Feeds the export's chunks to {@code handler} until the export ends or the handler clears
     * {@code more[0]}; returns whether it ran to the end. An export ending inside a row fails.
     */
    private boolean feedToEnd(
        JdbcDialect.TextExport export,
        CopyTextParser parser,
        CopyTextParser.RowHandler handler,
        boolean[] more)
        throws Exception {
      return feedToEnd(export, parser, (CopyTextParser.BytesHandler) null, handler, more);
    }

    private boolean feedToEnd(
        JdbcDialect.TextExport export,
        CopyTextParser parser,
        CopyTextParser.BytesHandler handler,
        boolean[] more)
        throws Exception {
      return feedToEnd(export, parser, handler, null, more);
    }

    private boolean feedToEnd(
        JdbcDialect.TextExport export,
        CopyTextParser parser,
        CopyTextParser.BytesHandler bytes,
        CopyTextParser.RowHandler strings,
        boolean[] more)
        throws Exception {
      byte[] chunk;
      while (more[0] && (chunk = export.next()) != null) {
        if (bytes != null) {
          parser.feedBytes(chunk, bytes);
        } else {
          parser.feed(chunk, strings);
        }
      }
      if (!more[0]) {
        return false;
      }
      if (parser.pending()) {
        throw new DuckliftException(
            "Reading " + table.label() + " with COPY ended in the middle of a row in " + name);
      }
      return true;
    }

    private void readCopyTyped(ExtractContext context) throws Exception {
      int n = keys.length;
      TypedColumns.FromBytes[] fromBytes = new TypedColumns.FromBytes[n];
      // PostgreSQL exports in binary, the columns without a simple binary form cast to text
      boolean binary = dialect instanceof PostgresDialect;
      boolean[] asText = new boolean[n];
      for (int i = 0; i < n; i++) {
        MappedColumn column = table.columns().get(i);
        boolean jsonText = dialect.isJsonText(column.source());
        if (binary) {
          // a page end decodes the last cursor and id; those read in binary need their objects
          boolean marks = i == table.cursorIndex() || i == table.idIndex();
          fromBytes[i] =
              marks && !TypedColumns.hasBinaryObject(column)
                  ? null
                  : TypedColumns.fromBinary(column, jsonText);
          asText[i] = fromBytes[i] == null;
        }
        if (fromBytes[i] == null) {
          fromBytes[i] = TypedColumns.fromBytes(column, binary, jsonText);
        }
      }
      SelectQuery q = SelectQuery.rows(table, dialect, window, true, true, binary ? asText : null);
      Connection c = connections.borrow();
      boolean healthy = false;
      try (JdbcDialect.TextExport export =
          binary
              ? ((PostgresDialect) dialect).openBinaryExport(c, q.literalSql())
              : dialect.openTextExport(c, q.literalSql())) {
        TypedPage page = new TypedPage();
        page.cursorBinary = binary && !asText[Math.max(0, table.cursorIndex())];
        page.idBinary = binary && table.idIndex() >= 0 && !asText[table.idIndex()];
        CopyTextParser parser = binary ? null : new CopyTextParser(n);
        CopyBinaryParser binaryParser = binary ? new CopyBinaryParser(n) : null;
        int cursorIndex = table.incremental() ? table.cursorIndex() : -1;
        int idIndex = table.idIndex();
        boolean[] more = {true};
        CopyTextParser.BytesHandler handler =
            fields -> {
              if (!more[0]) {
                return;
              }
              for (int i = 0; i < n; i++) {
                if (!fields.isNull(i)) {
                  try {
                    fromBytes[i].set(typed, i, fields.bytes(i), fields.start(i), fields.end(i));
                  } catch (RuntimeException e) {
                    throw badValue(i, e);
                  }
                }
              }
              if (cursorIndex >= 0) {
                page.cursorText.set(fields, cursorIndex);
                page.idText.set(fields, idIndex);
              }
              typed.endRow();
              more[0] = page.rowEnded(context);
            };
        if (binary
            ? !feedBinaryToEnd(export, binaryParser, handler, more)
            : !feedToEnd(export, parser, handler, more)) {
          healthy = true;
          return;
        }
        page.flush(context);
        healthy = true;
      } finally {
        connections.release(c, healthy);
      }
    }

    /** {@link #feedToEnd} for a binary export. */
    private boolean feedBinaryToEnd(
        JdbcDialect.TextExport export,
        CopyBinaryParser parser,
        CopyTextParser.BytesHandler handler,
        boolean[] more)
        throws Exception {
      byte[] chunk;
      while (more[0] && (chunk = export.next()) != null) {
        parser.feed(chunk, handler);
      }
      if (!more[0]) {
        return false;
      }
      if (parser.incomplete()) {
        throw new DuckliftException(
            "Reading " + table.label() + " with COPY ended in the middle of a row in " + name);
      }
      return true;
    }

    /** A copy of one field of the last row read (the cursor or id text a page end needs). */
    private final class FieldCopy {
      private byte[] bytes = new byte[64];
      private int length = -1;

      /** Copies field {@code i} of {@code fields} (none when {@code i < 0} or it is NULL). */
      void set(CopyTextParser.Fields fields, int i) {
        if (i < 0 || fields.isNull(i)) {
          length = -1;
          return;
        }
        int n = fields.end(i) - fields.start(i);
        if (n > bytes.length) {
          bytes = new byte[Math.max(n, bytes.length * 2)];
        }
        System.arraycopy(fields.bytes(i), fields.start(i), bytes, 0, n);
        length = n;
      }

      boolean present() {
        return length >= 0;
      }

      /** The value of column {@code column} the copied field holds, as the plain path reads it. */
      Object value(int column, boolean binary) {
        if (binary) {
          return TypedColumns.binaryObject(table.columns().get(column), bytes, 0, length);
        }
        return decoders[column].decode(
            new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8));
      }
    }

    /** Counts a typed page's rows and ends it every {@code pageSize} rows. */
    private final class TypedPage {
      private int count;
      Object cursor;
      Object id;
      final FieldCopy cursorText = new FieldCopy();
      final FieldCopy idText = new FieldCopy();
      boolean cursorBinary;
      boolean idBinary;

      boolean rowEnded(ExtractContext context) {
        return ++count < options.pageSize() || flush(context);
      }

      boolean flush(ExtractContext context) {
        if (count == 0) {
          return true;
        }
        if (context.cancelled()) {
          typed.discardPage();
          return false;
        }
        if (cursorText.present()) {
          cursor = cursorText.value(table.cursorIndex(), cursorBinary);
          id = idText.present() ? idText.value(table.idIndex(), idBinary) : null;
        }
        Map<String, CursorValue> marks = Map.of();
        if (positions && id != null) {
          marks = Map.of(TIEBREAK_KEY, cursorValue(id, table.idKind()));
        }
        pageNumber++;
        boolean more =
            typed.endPage(
                table.label() + " " + name + " page " + pageNumber + (copy ? " (COPY)" : ""),
                stateKey,
                marks);
        rows += count;
        count = 0;
        if (table.incremental()) {
          lastCursor = cursor;
          lastId = id;
        }
        return more;
      }
    }

    private DuckliftException badValue(int column, RuntimeException e) {
      return new DuckliftException(
          "Reading "
              + table.label()
              + " failed in "
              + name
              + ", row "
              + (rows + 1)
              + ", column '"
              + table.columns().get(column).name()
              + "': "
              + e.getMessage(),
          e);
    }

    /** Collects records into pages of {@code pageSize} and hands them over. */
    private final class PageBuilder {
      private List<Map<String, Object>> records = new ArrayList<>(options.pageSize());

      boolean add(
          Map<String, Object> record, ExtractContext context, PageConsumer sink, AtomicBoolean stop)
          throws Exception {
        records.add(record);
        return records.size() < options.pageSize() || flush(context, sink, stop);
      }

      boolean flush(ExtractContext context, PageConsumer sink, AtomicBoolean stop)
          throws Exception {
        if (records.isEmpty()) {
          return !stop.get();
        }
        if (stop.get() || context.cancelled()) {
          return false;
        }
        Map<String, Object> last = records.get(records.size() - 1);
        Map<String, CursorValue> marks = Map.of();
        if (positions) {
          marks =
              Map.of(TIEBREAK_KEY, cursorValue(last.get(keys[table.idIndex()]), table.idKind()));
        }
        pageNumber++;
        Page page =
            new Page(
                records,
                table.label() + " " + name + " page " + pageNumber + (copy ? " (COPY)" : ""),
                stateKey,
                marks);
        boolean more = sink.accept(page);
        rows += records.size();
        if (table.incremental()) {
          lastCursor = last.get(keys[table.cursorIndex()]);
          lastId = table.idIndex() >= 0 ? last.get(keys[table.idIndex()]) : null;
        }
        records = new ArrayList<>(options.pageSize());
        return more;
      }
    }
  }
}
