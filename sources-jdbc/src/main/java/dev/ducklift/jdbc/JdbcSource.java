package dev.ducklift.jdbc;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Resource;
import dev.ducklift.core.Secret;
import dev.ducklift.core.Source;
import dev.ducklift.jdbc.internal.ConnectionFactory;
import dev.ducklift.jdbc.internal.GenericDialect;
import dev.ducklift.jdbc.internal.PostgresDialect;
import dev.ducklift.jdbc.internal.ReadOptions;
import dev.ducklift.jdbc.internal.Reflector;
import dev.ducklift.jdbc.internal.ResolvedTable;
import dev.ducklift.jdbc.internal.TableResource;
import dev.ducklift.jdbc.spi.JdbcDialect;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A database read over JDBC: one resource per declared table, per table matching a pattern, and per
 * custom query.
 *
 * <pre>{@code
 * JdbcSource shop =
 *     JdbcSource.builder("shop")
 *         .url("jdbc:postgresql://127.0.0.1:5432/shop")
 *         .user(secrets.resolve("env:SHOP_USER"))
 *         .password(secrets.resolve("env:SHOP_PASSWORD"))
 *         .table(
 *             JdbcTable.table("public.events")
 *                 .timestamp("event_timestamp")
 *                 .lag(Duration.ofMinutes(5))
 *                 .build())
 *         .table(JdbcTable.pattern("public.order_%").incrementing("id").build())
 *         .build();
 * }</pre>
 *
 * <p>Tables are reflected through {@link java.sql.DatabaseMetaData} the first time {@link
 * #resources()} is called (once): columns map through the dialect's explicit type table into
 * declared column types, and primary keys come from the database unless given. Each read borrows a
 * connection of its own (range splits read concurrently); up to {@code parallelism} idle
 * connections are kept between reads and closed by {@link #close()}.
 *
 * <p>The PostgreSQL dialect is chosen for {@code jdbc:postgresql:} URLs, the generic dialect for
 * any other driver. The user and password are {@link Secret}s: they go into the driver's connection
 * properties only, never into messages, logs or {@link #toString()}. Thread-safe once built.
 */
public final class JdbcSource implements Source {

  /** Default rows per round trip of a streaming read. */
  public static final int DEFAULT_FETCH_SIZE = 10_000;

  /** Default rows per page handed to the runtime. */
  public static final int DEFAULT_PAGE_SIZE = 10_000;

  private final String name;
  private final ConnectionFactory connections;
  private final List<JdbcTable> tables;
  private final ReadOptions options;
  private volatile List<Resource> resources;

  private JdbcSource(Builder b) {
    this.name = b.name;
    JdbcDialect dialect =
        b.dialect != null
            ? b.dialect
            : b.url.startsWith("jdbc:postgresql:") ? new PostgresDialect() : new GenericDialect();
    this.connections =
        new ConnectionFactory(
            b.name, b.url, b.user, b.userIsSecret, b.password, b.properties, dialect);
    this.connections.maxIdle(b.parallelism);
    this.tables = List.copyOf(b.tables);
    this.options =
        new ReadOptions(
            b.fetchSize, b.pageSize, b.readMethod, b.parallelism, b.maxRetries, b.retryBackoff);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String name() {
    return name;
  }

  /** The dialect in use. */
  public JdbcDialect dialect() {
    return connections.dialect();
  }

  /** The declared tables, patterns and queries. */
  public List<JdbcTable> tables() {
    return tables;
  }

  /** Rows per page. */
  public int pageSize() {
    return options.pageSize();
  }

  /** Rows per fetch. */
  public int fetchSize() {
    return options.fetchSize();
  }

  /** How rows are read. */
  public ReadMethod readMethod() {
    return options.method();
  }

  /**
   * One resource per table (patterns expanded) and per query, reflected on first call.
   *
   * @throws DuckliftException when the database cannot be reached, a table does not exist, or its
   *     hints do not fit its columns
   */
  @Override
  public List<Resource> resources() {
    List<Resource> r = resources;
    if (r == null) {
      synchronized (this) {
        r = resources;
        if (r == null) {
          r = reflect();
          resources = r;
        }
      }
    }
    return r;
  }

  private List<Resource> reflect() {
    Reflector reflector = new Reflector(connections.dialect());
    List<Resource> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Connection c = connections.borrow();
    boolean healthy = false;
    try {
      for (JdbcTable t : tables) {
        for (ResolvedTable resolved : reflector.resolve(c, t)) {
          if (!names.add(resolved.resourceName())) {
            throw new DuckliftException(
                "Source '"
                    + name
                    + "' reads two resources named '"
                    + resolved.resourceName()
                    + "'; give one a resource name");
          }
          out.add(new TableResource(resolved, connections, options));
        }
      }
      healthy = true;
    } finally {
      connections.release(c, healthy);
    }
    return List.copyOf(out);
  }

  /** Closes the connections kept idle between reads. */
  @Override
  public void close() {
    connections.close();
  }

  @Override
  public String toString() {
    return "JdbcSource["
        + name
        + ", "
        + connections.redactedUrl()
        + ", "
        + connections.dialect().name()
        + ", "
        + tables.size()
        + " declarations]";
  }

  /** Builds a {@link JdbcSource}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String url;
    private Secret user;
    private boolean userIsSecret;
    private Secret password;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private JdbcDialect dialect;
    private final List<JdbcTable> tables = new ArrayList<>();
    private int fetchSize = DEFAULT_FETCH_SIZE;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private ReadMethod readMethod = ReadMethod.AUTO;
    private int parallelism = 2;
    private int maxRetries = 3;
    private Duration retryBackoff = Duration.ofMillis(500);

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** The JDBC URL (required). Put credentials in {@link #user} and {@link #password}. */
    public Builder url(String url) {
      this.url = url;
      return this;
    }

    /** A user name that is itself a secret: masked in messages like the password. */
    public Builder user(Secret user) {
      this.user = user;
      this.userIsSecret = true;
      return this;
    }

    /** A user name that is not secret: shown in driver messages as it is. */
    public Builder user(String user) {
      this.user = user == null ? null : Secret.of(user);
      this.userIsSecret = false;
      return this;
    }

    public Builder password(Secret password) {
      this.password = password;
      return this;
    }

    /** A driver connection property (not a secret: use {@link #user}/{@link #password}). */
    public Builder property(String key, String value) {
      this.properties.put(key, value);
      return this;
    }

    /** The dialect; by default chosen from the URL. */
    public Builder dialect(JdbcDialect dialect) {
      this.dialect = dialect;
      return this;
    }

    public Builder table(JdbcTable table) {
      this.tables.add(Objects.requireNonNull(table, "table"));
      return this;
    }

    /** A table by (schema-qualified) name, read in full every run. */
    public Builder table(String qualifiedName) {
      return table(JdbcTable.table(qualifiedName).build());
    }

    /** A custom query read in full every run. */
    public Builder query(String resourceName, String sql) {
      return table(JdbcTable.query(resourceName, sql).build());
    }

    /** Rows per round trip (default {@value JdbcSource#DEFAULT_FETCH_SIZE}). */
    public Builder fetchSize(int rows) {
      this.fetchSize = rows;
      return this;
    }

    /** Rows per page (default {@value JdbcSource#DEFAULT_PAGE_SIZE}). */
    public Builder pageSize(int rows) {
      this.pageSize = rows;
      return this;
    }

    public Builder readMethod(ReadMethod method) {
      this.readMethod = Objects.requireNonNull(method, "method");
      return this;
    }

    /** Connections a range split may use at once (default 2). */
    public Builder parallelism(int connections) {
      this.parallelism = connections;
      return this;
    }

    /** How often a read that lost its connection is resumed (default 3), and the base pause. */
    public Builder retries(int maxRetries, Duration backoff) {
      this.maxRetries = maxRetries;
      this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Builds the source; nothing connects until {@link JdbcSource#resources()}.
     *
     * @throws DuckliftException when a setting is missing or out of range
     */
    public JdbcSource build() {
      if (url == null || url.isBlank() || !url.startsWith("jdbc:")) {
        throw new DuckliftException("Source '" + name + "' needs a JDBC URL (jdbc:...)");
      }
      if (tables.isEmpty()) {
        throw new DuckliftException("Source '" + name + "' declares no table or query");
      }
      if (fetchSize < 1 || pageSize < 1 || parallelism < 1 || maxRetries < 0) {
        throw new DuckliftException(
            "Source '"
                + name
                + "': fetch size, page size and parallelism must be positive, retries not negative");
      }
      return new JdbcSource(this);
    }
  }
}
