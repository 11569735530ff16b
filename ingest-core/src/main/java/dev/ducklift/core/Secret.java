package dev.ducklift.core;

import java.util.Objects;

/**
 * A secret value (token, password, key). Its {@link #toString()} never shows the value; only {@link
 * #reveal()} does, at the boundary where the secret is used (an HTTP header, a JDBC property).
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The secret's value. Never log it or put it in a message. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
