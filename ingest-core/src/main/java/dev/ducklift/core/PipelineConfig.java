package dev.ducklift.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.DestinationFactory;
import dev.ducklift.core.spi.SourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * A pipeline declared in YAML or JSON, building the same objects as the Java DSL ({@link
 * Pipeline#builder}).
 *
 * <p>The shape (YAML shown; JSON with the same keys works too):
 *
 * <pre>{@code
 * name: events                       # the pipeline name (required)
 * working_directory: work/events     # staging + state; default .ducklift/<name>
 * checkpoint_every: 50000            # rows between staging checkpoints (optional)
 * checkpoint_every_pages: 0          # pages between staging checkpoints, 0 = off (optional)
 * parallelism: 4                     # resources extracted at once, 1 = one after another (optional)
 * secrets_file: secrets.yaml         # resolves secrets:key references (optional)
 * destination:                       # optional here; else pass one to toBuilder(destination)
 *   type: ducklake                   # a DestinationFactory type; the node goes to the factory
 *   ...
 * sources:
 *   - name: github                   # the source name
 *     type: rest_api                 # a SourceFactory type; the node goes to the factory
 *     ...
 * }</pre>
 *
 * <p>Relative paths ({@code working_directory}, {@code secrets_file}, and those the factories
 * resolve) are relative to the config file's directory. Source and destination types are found with
 * {@link ServiceLoader} ({@link SourceFactory}, {@link DestinationFactory}). Secret values are
 * never stored in the config: fields hold references ({@code env:NAME}, {@code file:/path}, {@code
 * secrets:key}) resolved by the factories through {@link #secrets()}.
 */
public final class PipelineConfig {

  private final String name;
  private final Path baseDirectory;
  private final Path workingDirectory;
  private final long checkpointEvery;
  private final int checkpointEveryPages;
  private final int parallelism;
  private final JsonNode destination;
  private final List<JsonNode> sources;
  private final SecretResolver secrets;

  private PipelineConfig(JsonNode root, Path baseDirectory, SecretResolver secrets, String origin) {
    if (root == null || !root.isObject()) {
      throw new DuckliftException("Pipeline config " + origin + " must be a mapping");
    }
    this.baseDirectory = baseDirectory;
    this.name = requiredText(root, "name", origin);
    this.workingDirectory =
        root.hasNonNull("working_directory")
            ? baseDirectory.resolve(root.get("working_directory").asText())
            : baseDirectory.resolve(Path.of(".ducklift", name));
    this.checkpointEvery =
        root.hasNonNull("checkpoint_every")
            ? positive(root.get("checkpoint_every"), "checkpoint_every", origin)
            : Pipeline.DEFAULT_CHECKPOINT_ROWS;
    this.checkpointEveryPages =
        root.hasNonNull("checkpoint_every_pages")
            ? (int) root.get("checkpoint_every_pages").asLong()
            : 0;
    this.parallelism =
        root.hasNonNull("parallelism")
            ? parallelism(root.get("parallelism"), origin)
            : Pipeline.DEFAULT_PARALLELISM;
    this.destination = root.hasNonNull("destination") ? root.get("destination") : null;
    List<JsonNode> list = new ArrayList<>();
    JsonNode sourcesNode = root.path("sources");
    if (!sourcesNode.isMissingNode()) {
      if (!sourcesNode.isArray()) {
        throw new DuckliftException(
            "Pipeline config " + origin + ": 'sources' must be a list of sources");
      }
      sourcesNode.forEach(list::add);
    }
    this.sources = List.copyOf(list);
    if (secrets != null) {
      this.secrets = secrets;
    } else if (root.hasNonNull("secrets_file")) {
      this.secrets = Secrets.withFile(baseDirectory.resolve(root.get("secrets_file").asText()));
    } else {
      this.secrets = Secrets.fromEnvironment();
    }
  }

  /**
   * Reads a config file ({@code .json} as JSON, anything else as YAML); secrets resolve through the
   * file's {@code secrets_file} and the environment.
   *
   * @throws DuckliftException naming the file and the problem
   */
  public static PipelineConfig load(Path file) {
    return load(file, null);
  }

  /** Reads a config file, resolving secrets with {@code secrets} (when not null). */
  public static PipelineConfig load(Path file, SecretResolver secrets) {
    Objects.requireNonNull(file, "file");
    try {
      String text = Files.readString(file);
      Path base = file.toAbsolutePath().getParent();
      return parse(text, file.toString().endsWith(".json"), base, secrets, file.toString());
    } catch (IOException e) {
      throw new DuckliftException("Cannot read pipeline config " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses config text (JSON when it starts with '{', else YAML). */
  public static PipelineConfig parse(String text, Path baseDirectory, SecretResolver secrets) {
    return parse(text, text.stripLeading().startsWith("{"), baseDirectory, secrets, "<text>");
  }

  private static PipelineConfig parse(
      String text, boolean json, Path base, SecretResolver secrets, String origin) {
    ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
    try {
      return new PipelineConfig(mapper.readTree(text), base, secrets, origin);
    } catch (IOException e) {
      throw new DuckliftException(
          "Cannot parse pipeline config " + origin + ": " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public Path baseDirectory() {
    return baseDirectory;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  public long checkpointEvery() {
    return checkpointEvery;
  }

  public int checkpointEveryPages() {
    return checkpointEveryPages;
  }

  /** How many resources are extracted at once ({@code parallelism}). */
  public int parallelism() {
    return parallelism;
  }

  public SecretResolver secrets() {
    return secrets;
  }

  /** The {@code destination} node, when the config declares one. */
  public Optional<JsonNode> destinationConfig() {
    return Optional.ofNullable(destination);
  }

  /** The {@code sources} entries. */
  public List<JsonNode> sourceConfigs() {
    return sources;
  }

  /**
   * Creates the declared sources through their {@link SourceFactory}.
   *
   * @throws DuckliftException naming the source when its type is unknown or its config is bad
   */
  public List<Source> createSources() {
    Map<String, SourceFactory> factories = new TreeMap<>();
    for (SourceFactory f : ServiceLoader.load(SourceFactory.class)) {
      factories.putIfAbsent(f.type(), f);
    }
    List<Source> created = new ArrayList<>();
    int index = 0;
    for (JsonNode node : sources) {
      String origin = "source #" + (++index);
      String sourceName = requiredText(node, "name", origin);
      String type = requiredText(node, "type", "source '" + sourceName + "'");
      SourceFactory factory = factories.get(type);
      if (factory == null) {
        throw new DuckliftException(
            "Source '"
                + sourceName
                + "' has unknown type '"
                + type
                + "'; known types: "
                + factories.keySet());
      }
      created.add(factory.create(sourceName, node, secrets, baseDirectory));
    }
    return created;
  }

  /**
   * Creates the declared destination through its {@link DestinationFactory}.
   *
   * @throws DuckliftException when there is no destination in the config or its type is unknown
   */
  public Destination createDestination() {
    if (destination == null) {
      throw new DuckliftException("Pipeline config '" + name + "' declares no destination");
    }
    String type = requiredText(destination, "type", "destination");
    Map<String, DestinationFactory> factories = new TreeMap<>();
    for (DestinationFactory f : ServiceLoader.load(DestinationFactory.class)) {
      factories.putIfAbsent(f.type(), f);
    }
    DestinationFactory factory = factories.get(type);
    if (factory == null) {
      throw new DuckliftException(
          "Destination has unknown type '" + type + "'; known types: " + factories.keySet());
    }
    return factory.create(destination, secrets, baseDirectory);
  }

  /**
   * A pipeline builder holding this config's name, working directory, checkpoint intervals,
   * parallelism, sources and destination (the destination only when the config declares one).
   */
  public Pipeline.Builder toBuilder() {
    Pipeline.Builder builder = baseBuilder();
    if (destination != null) {
      builder.destination(createDestination());
    }
    return builder;
  }

  /** A pipeline builder like {@link #toBuilder()} but promoting into {@code destination}. */
  public Pipeline.Builder toBuilder(Destination destination) {
    return baseBuilder().destination(destination);
  }

  /** The pipeline this config declares. */
  public Pipeline pipeline() {
    return toBuilder().build();
  }

  private Pipeline.Builder baseBuilder() {
    Pipeline.Builder builder =
        Pipeline.builder(name)
            .workingDirectory(workingDirectory)
            .checkpointEvery(checkpointEvery)
            .checkpointEveryPages(checkpointEveryPages)
            .parallelism(parallelism);
    createSources().forEach(builder::source);
    return builder;
  }

  private static String requiredText(JsonNode node, String field, String origin) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
      throw new DuckliftException(
          "Pipeline config: " + origin + " needs a '" + field + "' (a non-empty string)");
    }
    return value.asText();
  }

  private static long positive(JsonNode value, String field, String origin) {
    if (!value.canConvertToLong() || value.asLong() < 1) {
      throw new DuckliftException(
          "Pipeline config " + origin + ": '" + field + "' must be a positive integer");
    }
    return value.asLong();
  }

  private static int parallelism(JsonNode value, String origin) {
    long n = positive(value, "parallelism", origin);
    if (n > Pipeline.MAX_PARALLELISM) {
      throw new DuckliftException(
          "Pipeline config "
              + origin
              + ": 'parallelism' must be at most "
              + Pipeline.MAX_PARALLELISM
              + ", got "
              + n);
    }
    return (int) n;
  }

  @Override
  public String toString() {
    return "PipelineConfig[" + name + "]";
  }
}
