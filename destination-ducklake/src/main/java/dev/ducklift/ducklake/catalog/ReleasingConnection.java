package dev.ducklift.ducklake.catalog;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * A connection that runs an action once when it is closed (after closing the connection itself): a
 * DuckDB catalog connection lets its file go this way.
 */
final class ReleasingConnection implements InvocationHandler {

  private final Connection delegate;
  private final Runnable onClose;
  private boolean closed;

  private ReleasingConnection(Connection delegate, Runnable onClose) {
    this.delegate = delegate;
    this.onClose = onClose;
  }

  static Connection wrap(Connection delegate, Runnable onClose) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ReleasingConnection(delegate, onClose));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "close" -> {
        return close();
      }
      case "isClosed" -> {
        synchronized (this) {
          if (closed) {
            return true;
          }
        }
      }
      case "equals" -> {
        return proxy == args[0];
      }
      case "hashCode" -> {
        return System.identityHashCode(proxy);
      }
      case "toString" -> {
        return "CatalogConnection[" + delegate + "]";
      }
      default -> {}
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object close() throws Throwable {
    synchronized (this) {
      if (closed) {
        return null;
      }
      closed = true;
    }
    try {
      delegate.close();
    } finally {
      onClose.run();
    }
    return null;
  }
}
