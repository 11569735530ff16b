package dev.ducklift.core;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.core.spi.SourceFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A source type for config tests: {@code type: test_records}, resources with inline records.
 * Requires a {@code token} secret reference, resolved and checked, to prove secrets reach
 * factories.
 */
public final class RecordsSourceFactory implements SourceFactory {

  /** The secret value the config tests provide. */
  static final String EXPECTED_TOKEN = "s3cr3t-token";

  @Override
  public String type() {
    return "test_records";
  }

  @Override
  public Source create(String name, JsonNode config, SecretResolver secrets, Path baseDirectory) {
    Secret token = secrets.resolve(config.path("token").asText());
    if (!token.reveal().equals(EXPECTED_TOKEN)) {
      throw new DuckliftException("Source '" + name + "': the token was not resolved");
    }
    ObjectMapper mapper = new ObjectMapper();
    List<Resource> resources = new ArrayList<>();
    for (JsonNode r : config.path("resources")) {
      ResourceSpec.Builder spec = ResourceSpec.builder(r.path("name").asText());
      List<String> pk = new ArrayList<>();
      r.path("primary_key").forEach(n -> pk.add(n.asText()));
      spec.primaryKey(pk);
      if (r.hasNonNull("write_disposition")) {
        spec.writeDisposition(WriteDisposition.fromConfigName(r.get("write_disposition").asText()));
      }
      List<Map<String, Object>> records =
          mapper.convertValue(r.path("records"), new TypeReference<List<Map<String, Object>>>() {});
      resources.add(Resources.ofRecords(spec.build(), records, 100));
    }
    return Resources.source(name, resources.toArray(Resource[]::new));
  }
}
