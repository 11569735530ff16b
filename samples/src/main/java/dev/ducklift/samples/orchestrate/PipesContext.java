package dev.ducklift.samples.orchestrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Dagster tells the external process about the step it runs: the Pipes context data.
 *
 * @param assetKeys the asset keys in scope (slash-separated), empty when the step targets none
 * @param runId the Dagster run id
 * @param jobName the job name, if any
 * @param partitionKey the partition key, if one partition is in scope
 * @param retryNumber the step's retry number
 * @param extras user-provided extras (for Ducklift: {@code config}, {@code pipeline}, …)
 */
public record PipesContext(
    List<String> assetKeys,
    String runId,
    Optional<String> jobName,
    Optional<String> partitionKey,
    int retryNumber,
    JsonNode extras) {

  public PipesContext {
    assetKeys = List.copyOf(assetKeys);
    extras = extras == null ? JsonNodeFactory.instance.objectNode() : extras;
  }

  /** Reads the context data object. */
  public static PipesContext fromJson(JsonNode data) {
    List<String> keys = new ArrayList<>();
    data.path("asset_keys").forEach(k -> keys.add(k.asText()));
    return new PipesContext(
        keys,
        data.path("run_id").asText(""),
        text(data.path("job_name")),
        text(data.path("partition_key")),
        data.path("retry_number").asInt(0),
        data.path("extras").isObject() ? data.path("extras") : null);
  }

  /** An extra as text, if present and not null. */
  public Optional<String> extra(String key) {
    return text(extras.path(key));
  }

  private static Optional<String> text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node.asText());
  }
}
