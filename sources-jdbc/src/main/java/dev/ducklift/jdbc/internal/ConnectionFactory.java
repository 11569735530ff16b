package dev.ducklift.jdbc.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretMask;
import dev.ducklift.jdbc.spi.JdbcDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Opens prepared connections for one source. Credentials are revealed only into the driver's
 * connection properties; messages show the URL without user info and parameters, and any declared
 * secret a driver echoes in its own message is masked.
 */
public final class ConnectionFactory {
  private final String sourceName;
  private final String url;
  private final Secret user;
  private final Secret password;
  private final SecretMask mask;
  private final Map<String, String> properties;
  private final JdbcDialect dialect;
  private final java.util.ArrayDeque<Connection> idle = new java.util.ArrayDeque<>();
  private int maxIdle = 2;
  private boolean closed;

  public ConnectionFactory(
      String sourceName,
      String url,
      Secret user,
      boolean userIsSecret,
      Secret password,
      Map<String, String> properties,
      JdbcDialect dialect) {
    this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
    this.url = Objects.requireNonNull(url, "url");
    this.user = user;
    this.password = password;
    List<Secret> secrets = new ArrayList<>();
    secrets.add(password);
    SecretMask.warnIfTooShort("Source '" + sourceName + "': the password", password);
    if (userIsSecret) {
      secrets.add(user);
      SecretMask.warnIfTooShort("Source '" + sourceName + "': the user", user);
    }
    this.mask = SecretMask.ofSecrets("***", secrets);
    this.properties = Map.copyOf(properties);
    this.dialect = Objects.requireNonNull(dialect, "dialect");
  }

  /*
   * DriverManager initializes every driver on the classpath the first time it is asked, the DuckDB
   * driver included (whose static initializer sets up JFR events): a quarter of a second of a
   * short run's cold start. A PostgreSQL URL goes to pgjdbc's driver directly.
   */
  private Connection connect(Properties props) throws SQLException {
    if (url.startsWith("jdbc:postgresql:")) {
      Connection c = PostgresDriver.INSTANCE.connect(url, props);
      if (c != null) {
        return c;
      }
    }
    return DriverManager.getConnection(url, props);
  }

  private static final class PostgresDriver {
    static final java.sql.Driver INSTANCE = new org.postgresql.Driver();
  }

  public JdbcDialect dialect() {
    return dialect;
  }

  /**
   * Opens and prepares a connection.
   *
   * @throws DuckliftException naming the source and the redacted URL
   */
  public Connection open() {
    Properties props = new Properties();
    props.putAll(properties);
    if (user != null) {
      props.setProperty("user", user.reveal());
    }
    if (password != null) {
      props.setProperty("password", password.reveal());
    }
    Connection connection;
    try {
      connection = connect(props);
    } catch (SQLException e) {
      throw new DuckliftException(
          "Source '"
              + sourceName
              + "' cannot connect to "
              + redactedUrl()
              + ": "
              + scrub(e.getMessage())
              + " (SQLSTATE "
              + e.getSQLState()
              + ")");
    }
    try {
      dialect.prepare(connection);
      return connection;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new DuckliftException(
          "Source '"
              + sourceName
              + "' cannot prepare a connection to "
              + redactedUrl()
              + ": "
              + scrub(e.getMessage()),
          e);
    }
  }

  /** How many idle connections are kept for the next read (default 2). */
  public void maxIdle(int connections) {
    synchronized (idle) {
      this.maxIdle = connections;
    }
  }

  /**
   * A connection for one read: an idle one that is still valid, else a new one. Give it back with
   * {@link #release}.
   */
  public Connection borrow() {
    while (true) {
      Connection c;
      synchronized (idle) {
        c = idle.pollFirst();
      }
      if (c == null) {
        return open();
      }
      try {
        if (!c.isClosed() && c.isValid(2)) {
          return c;
        }
      } catch (SQLException e) {
        // not valid any more: fall through and drop it
      }
      closeQuietly(c);
    }
  }

  /**
   * Returns a borrowed connection: kept for the next read when {@code reusable} (its transaction
   * rolled back), else closed. A connection whose read failed must not be reused.
   */
  public void release(Connection c, boolean reusable) {
    if (reusable) {
      try {
        if (!c.isClosed() && !c.getAutoCommit()) {
          c.rollback();
        }
        synchronized (idle) {
          if (!closed && idle.size() < maxIdle) {
            idle.addFirst(c);
            return;
          }
        }
      } catch (SQLException e) {
        // a connection that cannot end its transaction is not reused
      }
    }
    closeQuietly(c);
  }

  /** Closes the idle connections; later reads open new ones. */
  public void close() {
    synchronized (idle) {
      while (!idle.isEmpty()) {
        closeQuietly(idle.pollFirst());
      }
    }
  }

  /** The URL without user info and parameters, safe for messages. */
  public String redactedUrl() {
    return redact(url);
  }

  static String redact(String url) {
    String s = url;
    int query = s.indexOf('?');
    if (query >= 0) {
      s = s.substring(0, query) + "?…";
    }
    int at = s.indexOf('@');
    int scheme = s.indexOf("//");
    if (at > 0 && scheme >= 0 && at > scheme) {
      s = s.substring(0, scheme + 2) + s.substring(at + 1);
    }
    int semicolon = s.indexOf(';');
    if (semicolon >= 0) {
      s = s.substring(0, semicolon) + ";…";
    }
    return s;
  }

  /**
   * Masks the declared secrets (the password, and the user when it came from a secret) in a
   * driver's message; values shorter than {@link SecretMask#MIN_CREDENTIAL_LENGTH} only where they
   * stand alone as a word.
   */
  public String scrub(String message) {
    if (message == null) {
      return "";
    }
    return mask.apply(message);
  }

  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(ConnectionFactory.class)
          .debug("Ignoring a failure to close {}: {}", c.getClass().getSimpleName(), e.toString());
    }
  }

  @Override
  public String toString() {
    return "ConnectionFactory[" + sourceName + ", " + redactedUrl() + "]";
  }
}
