package dev.ducklift.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.Source;
import java.nio.file.Path;

/**
 * Builds a {@link Source} from its YAML/JSON declaration. Source modules register one factory per
 * source type through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/dev.ducklift.core.spi.SourceFactory}); the declarative config and the Java DSL
 * must build the same objects.
 */
public interface SourceFactory {

  /**
   * The {@code type} of the source in configuration, e.g. {@code rest_api} or {@code sql_database}.
   */
  String type();

  /**
   * Builds the source.
   *
   * @param name the source name from the config
   * @param config the source's config node (everything under the source entry)
   * @param secrets resolves secret references found in the config
   * @param baseDirectory the directory relative paths in the config are resolved against
   * @throws dev.ducklift.core.DuckliftException naming the source and the bad field
   */
  dev.ducklift.core.Source create(
      String name, JsonNode config, SecretResolver secrets, Path baseDirectory);
}
