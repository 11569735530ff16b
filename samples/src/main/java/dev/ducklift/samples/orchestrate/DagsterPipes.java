package dev.ducklift.samples.orchestrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.DuckliftException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The external-process side of the Dagster Pipes protocol (version 0.1), so a Dagster asset can run
 * Ducklift as a subprocess ({@code PipesSubprocessClient}) and receive logs and asset
 * materializations with metadata.
 *
 * <p>Bootstrap: {@code DAGSTER_PIPES_CONTEXT} and {@code DAGSTER_PIPES_MESSAGES} each hold
 * base64(zlib(JSON)) parameters ({@link PipesParams}). The context parameters carry either {@code
 * path} (a JSON file with the context data) or {@code data} (the context data inline); the message
 * parameters carry {@code path} (a file messages are appended to, one JSON object per line) or
 * {@code stdio} / {@code buffered_stdio} ({@code stderr} or {@code stdout}).
 *
 * <p>Every message is {@code {"__dagster_pipes_version": "0.1", "method": ..., "params": ...}}.
 * {@code opened} is written when the session opens, {@code closed} (with the exception, if any)
 * when it closes. Not thread-safe: one session per process, used from one thread.
 */
public final class DagsterPipes implements AutoCloseable {

  /** The protocol version written in every message. */
  public static final String PROTOCOL_VERSION = "0.1";

  public static final String CONTEXT_VARIABLE = "DAGSTER_PIPES_CONTEXT";
  public static final String MESSAGES_VARIABLE = "DAGSTER_PIPES_MESSAGES";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final PipesContext context;
  private final Writer out;
  private final boolean ownsOut;
  private final Set<String> materialized = new HashSet<>();
  private boolean closed;

  private DagsterPipes(PipesContext context, Writer out, boolean ownsOut) {
    this.context = context;
    this.out = out;
    this.ownsOut = ownsOut;
    write("opened", NODES.objectNode().set("extras", NODES.objectNode()));
  }

  /** Whether the environment says this process was launched through Dagster Pipes. */
  public static boolean isActive(Map<String, String> environment) {
    String value = environment.get(CONTEXT_VARIABLE);
    return value != null && !value.isBlank();
  }

  /**
   * Opens a session from the bootstrap variables in {@code environment}, writing {@code opened}.
   *
   * @return empty when the process was not launched through Dagster Pipes
   * @throws DuckliftException when the variables are present but unusable
   */
  public static Optional<DagsterPipes> open(Map<String, String> environment) {
    if (!isActive(environment)) {
      return Optional.empty();
    }
    String messagesValue = environment.get(MESSAGES_VARIABLE);
    if (messagesValue == null || messagesValue.isBlank()) {
      throw new DuckliftException(
          CONTEXT_VARIABLE
              + " is set but "
              + MESSAGES_VARIABLE
              + " is not; cannot report to Dagster");
    }
    PipesContext context =
        PipesContext.fromJson(
            loadContext(PipesParams.decode(environment.get(CONTEXT_VARIABLE), CONTEXT_VARIABLE)));
    JsonNode messages = PipesParams.decode(messagesValue, MESSAGES_VARIABLE);
    if (messages.hasNonNull("path")) {
      Path path = Path.of(messages.get("path").asText());
      try {
        Writer writer =
            Files.newBufferedWriter(
                path,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return Optional.of(new DagsterPipes(context, writer, true));
      } catch (IOException e) {
        throw new DuckliftException(
            "Cannot open the Dagster Pipes messages file " + path + ": " + e, e);
      }
    }
    String stream =
        messages.hasNonNull("stdio")
            ? messages.get("stdio").asText()
            : messages.path("buffered_stdio").asText("");
    PrintStream target =
        switch (stream) {
          case "stderr" -> System.err;
          case "stdout" -> System.out;
          default ->
              throw new DuckliftException(
                  MESSAGES_VARIABLE
                      + " names no usable channel: expected 'path', or 'stdio' of stderr/stdout");
        };
    return Optional.of(
        new DagsterPipes(
            context, new java.io.OutputStreamWriter(target, StandardCharsets.UTF_8), false));
  }

  private static JsonNode loadContext(JsonNode params) {
    if (params.hasNonNull("path")) {
      Path path = Path.of(params.get("path").asText());
      try {
        return JSON.readTree(Files.readString(path));
      } catch (IOException e) {
        throw new DuckliftException(
            "Cannot read the Dagster Pipes context file " + path + ": " + e, e);
      }
    }
    if (params.path("data").isObject()) {
      return params.get("data");
    }
    throw new DuckliftException(
        CONTEXT_VARIABLE + " holds neither 'path' nor 'data'; cannot load the Dagster context");
  }

  public PipesContext context() {
    return context;
  }

  /** Sends a log line; {@code level} is a Python level name ({@code INFO}, {@code WARNING}, …). */
  public void log(String level, String message) {
    ObjectNode params = NODES.objectNode();
    params.put("message", message);
    params.put("level", level);
    write("log", params);
  }

  /**
   * Reports the materialization of an asset.
   *
   * @param assetKey the asset key; {@code null} means the single asset in scope
   * @param metadata metadata entries, in order
   * @param dataVersion a data version, or {@code null}
   * @throws DuckliftException when the asset key cannot be resolved or was already reported
   */
  public void reportAssetMaterialization(
      String assetKey, Map<String, MetadataValue> metadata, String dataVersion) {
    String key = resolveAssetKey(assetKey);
    if (!materialized.add(key)) {
      throw new DuckliftException("Asset '" + key + "' was already reported as materialized");
    }
    ObjectNode params = NODES.objectNode();
    params.put("asset_key", key);
    if (dataVersion == null) {
      params.putNull("data_version");
    } else {
      params.put("data_version", dataVersion);
    }
    if (metadata == null || metadata.isEmpty()) {
      params.putNull("metadata");
    } else {
      ObjectNode entries = params.putObject("metadata");
      new LinkedHashMap<>(metadata).forEach((k, v) -> entries.set(k, v.toJson()));
    }
    write("report_asset_materialization", params);
  }

  private String resolveAssetKey(String assetKey) {
    var keys = context.assetKeys();
    if (assetKey != null) {
      if (!keys.isEmpty() && !keys.contains(assetKey)) {
        throw new DuckliftException(
            "Asset '" + assetKey + "' is not in the Dagster step's assets " + keys);
      }
      return assetKey;
    }
    if (keys.size() != 1) {
      throw new DuckliftException(
          "Name the asset to report: the Dagster step targets " + keys.size() + " assets");
    }
    return keys.get(0);
  }

  /** Writes {@code closed} and ends the session; later calls do nothing. */
  @Override
  public void close() {
    close(null);
  }

  /** Writes {@code closed} with {@code failure} as the exception (when not null). */
  public void close(Throwable failure) {
    if (closed) {
      return;
    }
    ObjectNode params = NODES.objectNode();
    if (failure != null) {
      params.set("exception", exception(failure, 0));
    }
    write("closed", params);
    closed = true;
    try {
      if (ownsOut) {
        out.close();
      } else {
        out.flush();
      }
    } catch (IOException e) {
      throw new DuckliftException("Cannot close the Dagster Pipes message channel: " + e, e);
    }
  }

  private static ObjectNode exception(Throwable t, int depth) {
    ObjectNode node = NODES.objectNode();
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    node.put("message", message);
    node.put("name", t.getClass().getSimpleName());
    ArrayNode stack = node.putArray("stack");
    StackTraceElement[] frames = t.getStackTrace();
    for (int i = 0; i < Math.min(frames.length, 30); i++) {
      stack.add("  at " + frames[i] + "\n");
    }
    if (t.getCause() != null && t.getCause() != t && depth < 5) {
      node.set("cause", exception(t.getCause(), depth + 1));
    } else {
      node.putNull("cause");
    }
    node.putNull("context");
    return node;
  }

  private void write(String method, JsonNode params) {
    if (closed) {
      throw new DuckliftException(
          "The Dagster Pipes session is closed; cannot send '" + method + "'");
    }
    ObjectNode message = NODES.objectNode();
    message.put("__dagster_pipes_version", PROTOCOL_VERSION);
    message.put("method", method);
    message.set("params", params);
    try {
      out.write(message.toString());
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new DuckliftException("Cannot write a Dagster Pipes '" + method + "' message: " + e, e);
    }
  }
}
