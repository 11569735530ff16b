package dev.ducklift.ducklake;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A catalog connection decorator that injects faults: the snapshot insert failing as if another
 * writer took the id, or the connection dying around COMMIT, or new connections being refused.
 */
final class FaultyCatalog implements UnaryOperator<Connection> {
  enum CommitFault {
    NONE,
    LOST_AFTER_COMMIT,
    LOST_BEFORE_COMMIT
  }

  final AtomicInteger snapshotInsertFailures = new AtomicInteger();
  final AtomicInteger snapshotInserts = new AtomicInteger();
  final AtomicInteger changesInsertLosses = new AtomicInteger();
  volatile CommitFault commitFault = CommitFault.NONE;
  volatile boolean refuseAfterCommitFault;
  private volatile boolean refusing;

  @Override
  public Connection apply(Connection real) {
    boolean refused = refusing;
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (refused) {
            throw new SQLException("Connection refused", "08001");
          }
          if (method.getName().equals("prepareStatement") && args[0] instanceof String sql) {
            // a commit may send several catalog statements as one batch
            PreparedStatement ps = (PreparedStatement) invoke(real, method, args);
            if (sql.contains("\"ducklake_snapshot_changes\" VALUES")) {
              ps = changesInsert(ps);
            }
            if (sql.contains("\"ducklake_snapshot\" VALUES")) {
              ps = snapshotInsert(ps);
            }
            if (sql.endsWith("COMMIT")) {
              // on PostgreSQL the last statements of a commit travel with the COMMIT itself
              ps = committingBatch(real, ps);
            }
            return ps;
          }
          if (method.getName().equals("commit")) {
            CommitFault fault = commitFault;
            commitFault = CommitFault.NONE;
            if (fault == CommitFault.LOST_AFTER_COMMIT) {
              real.commit();
              lose();
            } else if (fault == CommitFault.LOST_BEFORE_COMMIT) {
              real.rollback();
              lose();
            }
          }
          return invoke(real, method, args);
        };
    return (Connection)
        Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private static boolean isExecute(java.lang.reflect.Method m) {
    return m.getName().equals("executeUpdate")
        || m.getName().equals("execute")
        || m.getName().equals("executeBatch");
  }

  private void lose() throws SQLException {
    if (refuseAfterCommitFault) {
      refusing = true;
    }
    throw new SQLException("An I/O error occurred while sending to the backend", "08006");
  }

  private PreparedStatement committingBatch(Connection connection, PreparedStatement real) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (isExecute(method)) {
            CommitFault fault = commitFault;
            commitFault = CommitFault.NONE;
            if (fault == CommitFault.LOST_BEFORE_COMMIT) {
              connection.rollback();
              lose();
            }
            Object result = invoke(real, method, args);
            if (fault == CommitFault.LOST_AFTER_COMMIT) {
              lose();
            }
            return result;
          }
          return invoke(real, method, args);
        };
    return (PreparedStatement)
        Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
  }

  private PreparedStatement changesInsert(PreparedStatement real) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (isExecute(method) && changesInsertLosses.getAndDecrement() > 0) {
            throw new SQLException("An I/O error occurred while sending to the backend", "08006");
          }
          return invoke(real, method, args);
        };
    return (PreparedStatement)
        Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
  }

  private PreparedStatement snapshotInsert(PreparedStatement real) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (isExecute(method)) {
            snapshotInserts.incrementAndGet();
            if (snapshotInsertFailures.getAndDecrement() > 0) {
              throw new SQLException(
                  "duplicate key value violates unique constraint \"ducklake_snapshot_pkey\"",
                  "23505");
            }
          }
          return invoke(real, method, args);
        };
    return (PreparedStatement)
        Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
