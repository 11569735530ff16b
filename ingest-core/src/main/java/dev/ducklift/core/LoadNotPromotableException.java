package dev.ducklift.core;

/**
 * A staged load that the destination rejects for a reason retrying cannot fix (a column type the
 * lake cannot change to, for example). Thrown by a {@link dev.ducklift.core.spi.Destination} from
 * {@code promote}; the runtime rethrows it naming the load and the way out: discarding the staged
 * load ({@link Pipeline#discardPendingLoads}, {@code ducklift state discard-pending}), after which
 * its rows are read again from the last committed watermark.
 */
public class LoadNotPromotableException extends DuckliftException {
  private static final long serialVersionUID = 1L;

  private final String loadId;

  /**
   * @param loadId the rejected load, or {@code null} when the destination does not know it
   */
  public LoadNotPromotableException(String loadId, String message, Throwable cause) {
    super(message, cause);
    this.loadId = loadId;
  }

  public LoadNotPromotableException(String loadId, String message) {
    this(loadId, message, null);
  }

  /** The rejected load's id ({@code null} when unknown). */
  public String loadId() {
    return loadId;
  }
}
