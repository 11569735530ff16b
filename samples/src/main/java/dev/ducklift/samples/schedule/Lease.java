package dev.ducklift.samples.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds a named lease and until when.
 *
 * @param name the lease (usually the pipeline or job name)
 * @param owner the holder's id (host, process and a random part)
 * @param expiresAt when the lease lapses unless renewed
 */
public record Lease(String name, String owner, Instant expiresAt) {
  public Lease {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
