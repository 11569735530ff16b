package dev.ducklift.samples.orchestrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.core.DuckliftException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The Dagster Pipes bootstrap encoding: JSON, compressed with zlib, then base64 — how the
 * orchestration process passes the context and message parameters in {@code DAGSTER_PIPES_CONTEXT}
 * and {@code DAGSTER_PIPES_MESSAGES}.
 */
public final class PipesParams {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PipesParams() {}

  /** Encodes a JSON value as base64(zlib(json)). */
  public static String encode(JsonNode value) {
    byte[] json = value.toString().getBytes(StandardCharsets.UTF_8);
    Deflater deflater = new Deflater();
    try {
      deflater.setInput(json);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 2 + 16);
      byte[] buffer = new byte[4096];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return Base64.getEncoder().encodeToString(out.toByteArray());
    } finally {
      deflater.end();
    }
  }

  /**
   * Decodes base64(zlib(json)).
   *
   * @throws DuckliftException naming {@code variable} when the value is not in that encoding
   */
  public static JsonNode decode(String encoded, String variable) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(Base64.getDecoder().decode(encoded.trim()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("truncated zlib stream");
        }
        out.write(buffer, 0, n);
      }
      return JSON.readTree(out.toString(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DataFormatException | IOException e) {
      throw new DuckliftException(
          "Cannot decode "
              + variable
              + " (expected base64 of zlib-compressed JSON): "
              + e.getMessage(),
          e);
    } finally {
      inflater.end();
    }
  }
}
