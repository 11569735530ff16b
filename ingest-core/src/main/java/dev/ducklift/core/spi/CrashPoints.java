package dev.ducklift.core.spi;

/**
 * Named points where a test harness may kill the process for real, to prove that a run resumed
 * after a crash at that point leaves the destination exactly as one clean run would.
 *
 * <p>When the system property {@code ducklift.crash-at} names a point (or {@code
 * ducklift.crash-at=name#n} for its n-th passage), reaching it halts the JVM at once with exit code
 * 86 (no shutdown hooks, no finally blocks), as a {@code kill -9} would. Without the property this
 * is a single volatile read.
 */
public final class CrashPoints {

  /** The exit code of a deliberate crash. */
  public static final int EXIT_CODE = 86;

  private static final String PROPERTY = "ducklift.crash-at";
  private static final java.util.concurrent.atomic.AtomicInteger PASSAGES =
      new java.util.concurrent.atomic.AtomicInteger();

  private CrashPoints() {}

  /** Halts the JVM if the configured crash point is {@code name}. */
  public static void reach(String name) {
    String target = System.getProperty(PROPERTY);
    if (target == null) {
      return;
    }
    int hash = target.indexOf('#');
    String point = hash < 0 ? target : target.substring(0, hash);
    if (!point.equals(name)) {
      return;
    }
    int wanted = hash < 0 ? 1 : Integer.parseInt(target.substring(hash + 1));
    if (PASSAGES.incrementAndGet() >= wanted) {
      System.err.println("ducklift: crashing at " + name);
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}
