package dev.ducklift.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.spi.PipelineState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only copy of the state store's watermarks ({@code <working
 * directory>/state.snapshot.json}) that lets a run look for new rows without opening the store,
 * whose first open in a JVM costs more than the rest of a no-change run.
 *
 * <p>The copy records a fingerprint (names, sizes and modification times) of the store's files as
 * they were when it was written; it is used only while the store's files still match it, so any
 * later change to the store (a commit, a restore, a deleted store) makes it void. It is never ahead
 * of the store; being behind would only make a run find rows and take the full path.
 */
final class StateSnapshot {

  private static final Logger LOG = LoggerFactory.getLogger(StateSnapshot.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE_NAME = "state.snapshot.json";

  private final Path directory;
  private final Path file;
  private final String pipelineName;

  StateSnapshot(Path workingDirectory, String pipelineName) {
    this.directory = workingDirectory;
    this.file = workingDirectory.resolve(FILE_NAME);
    this.pipelineName = pipelineName;
  }

  /**
   * The store's watermarks, when the copy exists and the store has not changed since it was made.
   */
  Optional<PipelineState> read() {
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      JsonNode root = JSON.readTree(file.toFile());
      if (!pipelineName.equals(root.path("pipeline").asText())
          || !fingerprint().equals(root.path("fingerprint").asText())) {
        return Optional.empty();
      }
      Map<String, PipelineState.ResourceState> resources = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = root.path("resources").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> r = it.next();
        Map<String, CursorValue> marks = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> m = r.getValue().fields();
        while (m.hasNext()) {
          Map.Entry<String, JsonNode> e = m.next();
          marks.put(
              e.getKey(),
              CursorValue.parse(
                  CursorValue.Kind.valueOf(e.getValue().path("kind").asText()),
                  e.getValue().path("value").asText()));
        }
        resources.put(r.getKey(), new PipelineState.ResourceState(marks));
      }
      return Optional.of(new PipelineState(pipelineName, resources));
    } catch (IOException | RuntimeException e) {
      // An unreadable copy is ignored: the run opens the store instead.
      LOG.warn("Ignoring the state snapshot {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Writes the copy of {@code state}; call it after the store is closed. Best effort. */
  void write(PipelineState state) {
    try {
      ObjectNode root = JSON.createObjectNode();
      root.put("pipeline", pipelineName);
      root.put("fingerprint", fingerprint());
      ObjectNode resources = root.putObject("resources");
      state
          .resources()
          .forEach(
              (name, rs) -> {
                ObjectNode marks = resources.putObject(name);
                new TreeMap<>(rs.watermarks())
                    .forEach(
                        (key, value) -> {
                          ObjectNode v = marks.putObject(key);
                          v.put("kind", value.kind().name());
                          v.put("value", value.text());
                        });
              });
      Path tmp = directory.resolve(FILE_NAME + ".tmp");
      Files.writeString(tmp, root.toString());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      // Without the copy the next run opens the store: slower, not wrong.
      LOG.warn("Cannot write the state snapshot {}: {}", file, e.getMessage());
    }
  }

  /** Removes the copy (best effort; a stale copy is void anyway once the store changes). */
  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Cannot delete the state snapshot {}: {}", file, e.getMessage());
    }
  }

  private String fingerprint() throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.list(directory)) {
      files
          .filter(p -> p.getFileName().toString().startsWith(StateStore.FILE_NAME))
          .sorted()
          .forEach(
              p -> {
                try {
                  b.append(p.getFileName())
                      .append(':')
                      .append(Files.size(p))
                      .append(':')
                      .append(Files.getLastModifiedTime(p).toMillis())
                      .append(';');
                } catch (IOException e) {
                  b.append(p.getFileName()).append(":?;");
                }
              });
    }
    return b.toString();
  }
}
