package dev.ducklift.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.Incremental;
import dev.ducklift.rest.Paginator;
import dev.ducklift.rest.ProcessingStep;
import dev.ducklift.rest.ResponseAction;
import dev.ducklift.rest.RestResourceConfig;
import java.util.List;
import java.util.Map;

/**
 * A resource declaration resolved against its defaults and client: everything needed to run its
 * request sequences.
 *
 * @param parent the plan of the parent resource, or {@code null}
 * @param parentFields the parent fields referenced by placeholders, in order (they form the
 *     per-parent state key)
 */
public record ResourcePlan(
    String name,
    String path,
    String method,
    Map<String, String> params,
    JsonNode json,
    Map<String, String> headers,
    JsonPath dataSelector,
    Paginator paginator,
    List<ResponseAction> responseActions,
    Incremental incremental,
    RestResourceConfig.RowOrder rowOrder,
    List<String> includeFromParent,
    List<ProcessingStep> processingSteps,
    ResourcePlan parent,
    List<String> parentFields) {}
