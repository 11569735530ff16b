package dev.ducklift.samples.schedule;

import dev.ducklift.core.DuckliftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Leases kept as small files ({@code <name>.lease}) in a directory, typically the pipeline's
 * working directory. Every read-modify-write happens under an exclusive {@link FileChannel#lock()}
 * held for microseconds, so processes on one machine (or on a file system with working POSIX locks)
 * never both see the lease free. The operating system drops that lock when a process dies; the
 * lease itself lapses when its expiry passes.
 */
public final class FileLeaseStore implements LeaseStore {

  /** File locks are held per JVM, so threads of one JVM take turns on a monitor first. */
  private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

  private final Path directory;
  private final Clock clock;

  public FileLeaseStore(Path directory) {
    this(directory, Clock.systemUTC());
  }

  public FileLeaseStore(Path directory, Clock clock) {
    this.directory = directory.toAbsolutePath().normalize();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean tryAcquire(String name, String owner, Duration ttl) {
    return update(
        name,
        current -> {
          Instant now = clock.instant();
          boolean free =
              current == null || !current.expiresAt().isAfter(now) || current.owner().equals(owner);
          return free ? new Lease(name, owner, now.plus(ttl)) : null;
        });
  }

  @Override
  public boolean renew(String name, String owner, Duration ttl) {
    return update(
        name,
        current -> {
          Instant now = clock.instant();
          boolean held =
              current != null && current.owner().equals(owner) && current.expiresAt().isAfter(now);
          return held ? new Lease(name, owner, now.plus(ttl)) : null;
        });
  }

  @Override
  public void release(String name, String owner) {
    update(
        name,
        current ->
            current != null && current.owner().equals(owner)
                ? new Lease(name, owner, Instant.EPOCH)
                : null);
  }

  @Override
  public Optional<Lease> current(String name) {
    Path file = file(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Lease[] seen = new Lease[1];
    update(
        name,
        current -> {
          seen[0] = current;
          return null;
        });
    return Optional.ofNullable(seen[0]).filter(l -> l.expiresAt().isAfter(clock.instant()));
  }

  /**
   * Reads the lease under the file lock and writes what {@code change} returns ({@code null}: leave
   * it as it is).
   *
   * @return whether something was written
   */
  private boolean update(String name, Function<Lease, Lease> change) {
    Path file = file(name);
    Object monitor = MONITORS.computeIfAbsent(file, f -> new Object());
    synchronized (monitor) {
      try {
        Files.createDirectories(directory);
        try (FileChannel channel =
                FileChannel.open(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          Lease current = read(name, channel);
          Lease next = change.apply(current);
          if (next == null) {
            return false;
          }
          byte[] bytes =
              (next.owner() + "\n" + next.expiresAt().toEpochMilli() + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          channel.truncate(0);
          channel.write(ByteBuffer.wrap(bytes), 0);
          channel.force(false);
          return true;
        }
      } catch (IOException e) {
        throw new DuckliftException("Cannot update lease '" + name + "' in " + file + ": " + e, e);
      }
    }
  }

  private static Lease read(String name, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size == 0 || size > 4096) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
      // keep reading until the whole (tiny) file is in
    }
    String[] lines =
        new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n");
    if (lines.length < 2) {
      return null;
    }
    try {
      return new Lease(name, lines[0], Instant.ofEpochMilli(Long.parseLong(lines[1].trim())));
    } catch (NumberFormatException e) {
      // A torn or foreign file: treat the lease as free rather than wedging the job forever.
      return null;
    }
  }

  private Path file(String name) {
    return directory.resolve(safeFileName(name) + ".lease");
  }

  static String safeFileName(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%04x", (int) c));
      }
    }
    if (out.isEmpty() || out.charAt(0) == '.') {
      out.insert(0, '_');
    }
    return out.toString();
  }
}
