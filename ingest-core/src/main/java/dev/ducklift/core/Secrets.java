package dev.ducklift.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

/**
 * Standard {@link SecretResolver}s.
 *
 * <p>References have the form {@code env:NAME} (an environment variable), {@code file:/path} (a
 * file's content, trimmed; relative paths resolve against the working directory of the process) or
 * {@code secrets:key} (a key of a secrets file). A secrets file is YAML ({@code .yaml}, {@code
 * .yml}), JSON ({@code .json}) or a properties file (anything else); nested keys of YAML and JSON
 * are addressed with dots ({@code secrets:github.token}).
 *
 * <p>Errors name the reference and never the value. Resolvers are immutable and thread-safe.
 */
public final class Secrets {

  private Secrets() {}

  /** Resolves {@code env:} and {@code file:} references; {@code secrets:} references fail. */
  public static SecretResolver fromEnvironment() {
    return new Standard(System::getenv, Map.of(), null);
  }

  /** Resolves {@code env:}, {@code file:} and {@code secrets:} references from {@code file}. */
  public static SecretResolver withFile(Path secretsFile) {
    return new Standard(System::getenv, readSecretsFile(secretsFile), secretsFile);
  }

  /**
   * Resolves {@code secrets:} references from {@code values}, {@code env:} references from {@code
   * environment} and {@code file:} references from the file system. Meant for tests and embedding.
   */
  public static SecretResolver of(Map<String, String> values, Map<String, String> environment) {
    Map<String, String> env = Map.copyOf(environment);
    return new Standard(env::get, Map.copyOf(values), null);
  }

  private static Map<String, String> readSecretsFile(Path file) {
    Objects.requireNonNull(file, "secretsFile");
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      Map<String, String> values = new HashMap<>();
      if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
        ObjectMapper mapper =
            name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root = mapper.readTree(file.toFile());
        if (root != null && !root.isMissingNode() && !root.isNull()) {
          if (!root.isObject()) {
            throw new DuckliftException("Secrets file " + file + " must hold a mapping of keys");
          }
          flatten("", root, values);
        }
      } else {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          properties.load(reader);
        }
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
      }
      return Map.copyOf(values);
    } catch (IOException e) {
      // The parser's message may quote file content, so only the file and the error type are named.
      throw new DuckliftException(
          "Cannot read secrets file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flatten(key, e.getValue(), into);
      } else if (!e.getValue().isNull()) {
        into.put(key, e.getValue().asText());
      }
    }
  }

  private record Standard(
      Function<String, String> environment, Map<String, String> values, Path secretsFile)
      implements SecretResolver {

    @Override
    public Secret resolve(String reference) {
      Objects.requireNonNull(reference, "reference");
      int colon = reference.indexOf(':');
      if (colon <= 0) {
        throw new DuckliftException(
            "Secret reference '"
                + reference
                + "' has no scheme: expected env:NAME, file:/path or secrets:key");
      }
      String scheme = reference.substring(0, colon);
      String key = reference.substring(colon + 1);
      switch (scheme) {
        case "env" -> {
          String value = environment.apply(key);
          if (value == null) {
            throw new DuckliftException(
                "Secret reference '" + reference + "': environment variable is not set");
          }
          return Secret.of(value);
        }
        case "file" -> {
          try {
            return Secret.of(Files.readString(Path.of(key), StandardCharsets.UTF_8).strip());
          } catch (IOException | RuntimeException e) {
            throw new DuckliftException(
                "Secret reference '"
                    + reference
                    + "': cannot read the file ("
                    + e.getClass().getSimpleName()
                    + ")");
          }
        }
        case "secrets" -> {
          if (secretsFile == null && values.isEmpty()) {
            throw new DuckliftException(
                "Secret reference '" + reference + "': no secrets file is configured");
          }
          String value = values.get(key);
          if (value == null) {
            throw new DuckliftException(
                "Secret reference '"
                    + reference
                    + "': no such key"
                    + (secretsFile == null ? "" : " in " + secretsFile));
          }
          return Secret.of(value);
        }
        default ->
            throw new DuckliftException(
                "Secret reference '"
                    + reference
                    + "' has an unknown scheme '"
                    + scheme
                    + "': expected env, file or secrets");
      }
    }

    @Override
    public String toString() {
      return "SecretResolver[" + (secretsFile == null ? "environment" : secretsFile) + "]";
    }
  }
}
