package dev.ducklift.samples.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.DuckliftException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The persisted history of scheduled runs: one JSON object per line in a file, appended under an
 * exclusive file lock so several processes can share it. Readable by any tool ({@code jq}, DuckDB's
 * {@code read_json}) as well as through the query methods here. Thread-safe.
 */
public final class RunHistory {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  /** A history kept in {@code file} (created on the first record). */
  public RunHistory(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  /** The history file of a working directory: {@code <directory>/run-history.jsonl}. */
  public static RunHistory in(Path directory) {
    return new RunHistory(directory.resolve("run-history.jsonl"));
  }

  public Path file() {
    return file;
  }

  /** Appends a record. */
  public synchronized void append(RunRecord record) {
    byte[] line = (toJson(record) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
              FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.APPEND);
          FileLock lock = channel.lock()) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(false);
      }
    } catch (IOException e) {
      throw new DuckliftException("Cannot append to the run history " + file + ": " + e, e);
    }
  }

  /** Every record, oldest first. */
  public List<RunRecord> all() {
    return select(r -> true);
  }

  /** The records of {@code job}, oldest first. */
  public List<RunRecord> runs(String job) {
    return select(r -> r.job().equals(job));
  }

  /** The newest {@code limit} records of {@code job}, newest first. */
  public List<RunRecord> recent(String job, int limit) {
    List<RunRecord> runs = runs(job);
    List<RunRecord> out = new ArrayList<>();
    for (int i = runs.size() - 1; i >= 0 && out.size() < limit; i--) {
      out.add(runs.get(i));
    }
    return out;
  }

  /** The newest successful run of {@code job}. */
  public Optional<RunRecord> lastSuccess(String job) {
    return recent(job, Integer.MAX_VALUE).stream()
        .filter(r -> r.status() == RunRecord.Status.SUCCEEDED)
        .findFirst();
  }

  /** The records matching {@code filter}, oldest first. */
  public synchronized List<RunRecord> select(Predicate<RunRecord> filter) {
    List<RunRecord> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        RunRecord record;
        try {
          record = fromJson(JSON.readTree(line));
        } catch (IOException | RuntimeException e) {
          // A line torn by a crash mid-append is the only way to get here; skip it.
          continue;
        }
        if (filter.test(record)) {
          out.add(record);
        }
      }
      return out;
    } catch (IOException e) {
      throw new DuckliftException("Cannot read the run history " + file + ": " + e, e);
    }
  }

  static String toJson(RunRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("job", r.job());
    n.put("scheduled_for", text(r.scheduledFor()));
    n.put("attempt", r.attempt());
    n.put("status", r.status().name());
    n.put("started_at", text(r.startedAt()));
    n.put("finished_at", text(r.finishedAt()));
    n.put("owner", r.owner());
    n.put("summary", r.summary());
    n.put("error", r.error());
    return n.toString();
  }

  static RunRecord fromJson(JsonNode n) {
    return new RunRecord(
        n.path("job").asText(),
        instant(n.path("scheduled_for")),
        n.path("attempt").asInt(),
        RunRecord.Status.valueOf(n.path("status").asText()),
        instant(n.path("started_at")),
        instant(n.path("finished_at")),
        n.path("owner").isNull() ? null : n.path("owner").asText(),
        n.path("summary").isNull() ? null : n.path("summary").asText(),
        n.path("error").isNull() ? null : n.path("error").asText());
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static Instant instant(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : Instant.parse(node.asText());
  }
}
