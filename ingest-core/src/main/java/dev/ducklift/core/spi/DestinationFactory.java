package dev.ducklift.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.SecretResolver;
import java.nio.file.Path;

/**
 * Builds a {@link Destination} from its YAML/JSON declaration. Destination modules register one
 * factory per destination type through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/dev.ducklift.core.spi.DestinationFactory}).
 */
public interface DestinationFactory {

  /** The {@code type} of the destination in configuration, e.g. {@code ducklake}. */
  String type();

  /**
   * Builds the destination.
   *
   * @param config the destination's config node (everything under {@code destination})
   * @param secrets resolves secret references found in the config
   * @param baseDirectory the directory relative paths in the config are resolved against
   * @throws dev.ducklift.core.DuckliftException naming the bad field
   */
  Destination create(JsonNode config, SecretResolver secrets, Path baseDirectory);
}
