package dev.ducklift.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.spi.SourceFactory;
import dev.ducklift.rest.internal.RestConfigReader;
import java.nio.file.Path;

/**
 * Builds a {@link RestSource} from a {@code type: rest_api} declaration. Registered through {@code
 * META-INF/services}; the YAML/JSON layout is described in the project README.
 */
public final class RestSourceFactory implements SourceFactory {
  public static final String TYPE = "rest_api";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public RestSource create(
      String name, JsonNode config, SecretResolver secrets, Path baseDirectory) {
    return new RestConfigReader(name, secrets).read(config).build();
  }
}
