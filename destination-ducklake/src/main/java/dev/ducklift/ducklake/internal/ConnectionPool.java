package dev.ducklift.ducklake.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small pool of idle JDBC connections: opening a PostgreSQL connection costs far more than a
 * commit, so connections are reused. {@link #wrap} returns a connection whose {@code close()} rolls
 * back anything open, restores auto-commit and returns it to the pool.
 */
public final class ConnectionPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);

  /** Opens a new physical connection. */
  @FunctionalInterface
  public interface Opener {
    Connection open() throws SQLException;
  }

  private final Opener opener;
  private final int maxIdle;

  /** Connections idle for less than this are handed out without a validity round trip. */
  private static final long VALIDATE_AFTER_NANOS = 5_000_000_000L;

  private record Idle(Connection connection, long since) {}

  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;

  public ConnectionPool(Opener opener, int maxIdle) {
    this.opener = opener;
    this.maxIdle = maxIdle;
  }

  /** A pooled connection (an idle one that is still valid, or a new one). */
  public Connection borrow() throws SQLException {
    while (true) {
      Idle entry;
      synchronized (this) {
        entry = idle.pollFirst();
      }
      if (entry == null) {
        return wrap(opener.open());
      }
      Connection c = entry.connection();
      try {
        if (System.nanoTime() - entry.since() < VALIDATE_AFTER_NANOS || c.isValid(2)) {
          return wrap(c);
        }
      } catch (SQLException e) {
        LOG.debug("Discarding a broken pooled catalog connection", e);
      }
      closeQuietly(c);
    }
  }

  private Connection wrap(Connection physical) {
    boolean[] returned = {false};
    return (Connection)
        Proxy.newProxyInstance(
            ConnectionPool.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              String name = method.getName();
              if (name.equals("close")) {
                if (!returned[0]) {
                  returned[0] = true;
                  giveBack(physical);
                }
                return null;
              }
              if (name.equals("isClosed") && returned[0]) {
                return true;
              }
              if (returned[0]) {
                throw new SQLException("The connection was closed");
              }
              try {
                return method.invoke(physical, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private void giveBack(Connection c) {
    try {
      if (c.isClosed()) {
        return;
      }
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      LOG.debug("Discarding a catalog connection that could not be reset", e);
      closeQuietly(c);
      return;
    }
    synchronized (this) {
      if (!closed && idle.size() < maxIdle) {
        idle.addFirst(new Idle(c, System.nanoTime()));
        return;
      }
    }
    closeQuietly(c);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("Closing a catalog connection failed", e);
    }
  }

  @Override
  public void close() {
    Deque<Idle> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayDeque<>(idle);
      idle.clear();
    }
    toClose.forEach(i -> closeQuietly(i.connection()));
  }
}
