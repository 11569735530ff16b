package dev.ducklift.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The committed state of a pipeline: per resource, its watermarks by state key.
 *
 * <p>Serialised as JSON by {@link #toJson()} (stable key order) so destinations can store it
 * without knowing its structure.
 *
 * @param pipelineName the pipeline
 * @param resources state by resource name
 */
public record PipelineState(String pipelineName, Map<String, ResourceState> resources) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public PipelineState {
    Objects.requireNonNull(pipelineName, "pipelineName");
    resources = Map.copyOf(resources == null ? Map.of() : resources);
  }

  public static PipelineState empty(String pipelineName) {
    return new PipelineState(pipelineName, Map.of());
  }

  public ResourceState resource(String name) {
    return resources.getOrDefault(name, ResourceState.EMPTY);
  }

  public PipelineState with(String resourceName, ResourceState state) {
    Map<String, ResourceState> copy = new LinkedHashMap<>(resources);
    copy.put(resourceName, state);
    return new PipelineState(pipelineName, copy);
  }

  /**
   * The JSON form: {@code
   * {"pipeline":..,"resources":{name:{"watermarks":{key:{"kind":..,"value":..}}}}}}.
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("pipeline", pipelineName);
    ObjectNode res = root.putObject("resources");
    for (Map.Entry<String, ResourceState> e : new TreeMap<>(resources).entrySet()) {
      ObjectNode marks = res.putObject(e.getKey()).putObject("watermarks");
      for (Map.Entry<String, CursorValue> w : new TreeMap<>(e.getValue().watermarks()).entrySet()) {
        ObjectNode v = marks.putObject(w.getKey());
        v.put("kind", w.getValue().kind().name());
        v.put("value", w.getValue().text());
      }
    }
    return root.toString();
  }

  /** Parses {@link #toJson()}'s output. */
  public static PipelineState fromJson(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      Map<String, ResourceState> resources = new LinkedHashMap<>();
      var fields = root.path("resources").fields();
      while (fields.hasNext()) {
        var e = fields.next();
        Map<String, CursorValue> marks = new LinkedHashMap<>();
        var ws = e.getValue().path("watermarks").fields();
        while (ws.hasNext()) {
          var w = ws.next();
          marks.put(
              w.getKey(),
              CursorValue.parse(
                  CursorValue.Kind.valueOf(w.getValue().path("kind").asText()),
                  w.getValue().path("value").asText()));
        }
        resources.put(e.getKey(), new ResourceState(marks));
      }
      return new PipelineState(root.path("pipeline").asText(), resources);
    } catch (Exception e) {
      throw new DuckliftException("Cannot parse pipeline state: " + e.getMessage(), e);
    }
  }

  /**
   * The state of one resource.
   *
   * @param watermarks committed cursor values by state key ({@code ""} for the single watermark)
   */
  public record ResourceState(Map<String, CursorValue> watermarks) {
    public static final ResourceState EMPTY = new ResourceState(Map.of());

    public ResourceState {
      watermarks = Map.copyOf(watermarks == null ? Map.of() : watermarks);
    }
  }
}
