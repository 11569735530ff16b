package dev.ducklift.samples.orchestrate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/** Lets tests of other packages validate a Pipes message stream. */
public final class PipesTestAccess {
  private PipesTestAccess() {}

  public static List<JsonNode> validateStream(String text) throws IOException {
    return PipesMessageSchema.validateStream(text);
  }
}
