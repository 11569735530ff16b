package dev.ducklift.core.spi;

/**
 * Named points where a test harness may kill the process for real, to prove that a run resumed
 * after a crash at that point leaves the destination exactly as one clean run would.
 *
 * <p>When the system property {@code ducklift.crash-at} names a point (or {@code
 * ducklift.crash-at=name#n} for its n-th passage), reaching it halts the JVM at once with exit code
 * 86 (no shutdown hooks, no finally blocks), as a {@code kill -9} would. Without the property this
 * is a single volatile read.
 *
 * <p>A run creating its working directory reaches {@value #CREATING_STATE_STORE} and {@value
 * #CREATING_STAGING} once each file is complete under its temporary name, before it is renamed into
 * place. The pipeline runtime reaches these points, in this order for each load:
 *
 * <ul>
 *   <li>{@value #MID_EXTRACT}: after each checkpoint committed to staging while the resource is
 *       still extracting
 *   <li>{@value #AFTER_STAGING_COMMIT}: after the load's last checkpoint (extract complete) was
 *       committed to staging
 *   <li>{@value #BEFORE_PROMOTE}: right before {@link Destination#promote}
 *   <li>{@value #AFTER_PROMOTE_BEFORE_FINISH}: after the destination committed, before the local
 *       state store recorded it
 *   <li>{@value #DURING_CLEANUP}: after the local state store recorded the load, before its staged
 *       rows were dropped
 *   <li>{@value #AFTER_FINISH}: after the load is completely finished
 * </ul>
 *
 * Destinations may define their own points (prefix them with their name).
 */
public final class CrashPoints {

  /** A new state store is complete under its temporary name, not yet renamed into place. */
  public static final String CREATING_STATE_STORE = "creating-state-store";

  /** A new staging database is complete under its temporary name, not yet renamed into place. */
  public static final String CREATING_STAGING = "creating-staging";

  /** After a checkpoint committed to staging, mid-extract. */
  public static final String MID_EXTRACT = "mid-extract";

  /** After the final staging commit of a load. */
  public static final String AFTER_STAGING_COMMIT = "after-staging-commit";

  /** Before the destination promote of a load. */
  public static final String BEFORE_PROMOTE = "before-promote";

  /** After the destination commit, before the local state records it. */
  public static final String AFTER_PROMOTE_BEFORE_FINISH = "after-promote-before-finish";

  /** After the local state recorded the load, before the staged rows are dropped. */
  public static final String DURING_CLEANUP = "during-cleanup";

  /** After a load is completely finished. */
  public static final String AFTER_FINISH = "after-finish";

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
