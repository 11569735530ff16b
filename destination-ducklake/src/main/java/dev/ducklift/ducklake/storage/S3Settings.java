package dev.ducklift.ducklake.storage;

import dev.ducklift.core.Secret;
import java.net.URI;

/**
 * How to reach an S3-compatible service. Every field is optional: an absent one is taken from the
 * AWS SDK's defaults ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_S3}/{@code AWS_ENDPOINT_URL},
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN}, profiles,
 * instance roles). Keys are {@link Secret}s; {@link #toString()} never shows them.
 *
 * @param endpoint e.g. {@code http://127.0.0.1:9000} for MinIO; null for AWS or the environment's
 * @param region e.g. {@code us-east-1}; null for the environment's (then {@code us-east-1} if none)
 * @param pathStyle path-style addressing ({@code endpoint/bucket/key}, what MinIO and most
 *     compatible servers want) instead of virtual-host addressing ({@code bucket.endpoint/key})
 * @param useSsl whether an endpoint given without a scheme is reached with {@code https}
 * @param accessKeyId null for the SDK's default credential chain
 * @param secretAccessKey required with {@code accessKeyId}
 * @param sessionToken optional, with temporary credentials
 */
public record S3Settings(
    String endpoint,
    String region,
    boolean pathStyle,
    boolean useSsl,
    Secret accessKeyId,
    Secret secretAccessKey,
    Secret sessionToken) {

  /** Everything from the SDK's defaults, virtual-host addressing. */
  public static final S3Settings DEFAULTS =
      new S3Settings(null, null, false, true, null, null, null);

  public S3Settings {
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException(
          "S3 settings: access_key_id and secret_access_key must be given together");
    }
    if (sessionToken != null && accessKeyId == null) {
      throw new IllegalArgumentException(
          "S3 settings: session_token needs access_key_id and secret_access_key");
    }
  }

  /** A service at {@code endpoint} with path-style addressing and static keys (MinIO and alike). */
  public static S3Settings compatible(
      String endpoint, String region, Secret accessKeyId, Secret secretAccessKey) {
    return new S3Settings(endpoint, region, true, true, accessKeyId, secretAccessKey, null);
  }

  /** The endpoint as a URI, with a scheme from {@code useSsl} when it has none; null if absent. */
  public URI endpointUri() {
    if (endpoint == null || endpoint.isBlank()) {
      return null;
    }
    String e = endpoint.contains("://") ? endpoint : (useSsl ? "https://" : "http://") + endpoint;
    return URI.create(e);
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", useSsl="
        + useSsl
        + ", credentials="
        + (accessKeyId == null ? "default chain" : "static keys")
        + "]";
  }
}
