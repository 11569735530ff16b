package dev.ducklift.ducklake.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lake files in an S3-compatible bucket, through the AWS SDK for Java v2 (synchronous client over
 * {@code HttpURLConnection}, the SDK's standard retries with backoff for 5xx and throttling).
 *
 * <p>Uploads above {@link #MULTIPART_THRESHOLD} go in parts of {@link #PART_SIZE}, several at a
 * time, each streamed from its range of the local file, so memory stays bounded whatever the file
 * size; an upload that fails is aborted. A process killed mid-upload leaves an incomplete multipart
 * upload, which is invisible to readers and listings (a bucket lifecycle rule removes such
 * uploads).
 *
 * <p>Errors name the bucket and key and the service's error code, never a credential.
 */
public final class S3Storage implements LakeStorage {
  static final long MULTIPART_THRESHOLD = 32L << 20;
  static final long PART_SIZE = 16L << 20;
  static final int PART_THREADS = 4;

  /** A location split into bucket and key. */
  public record Key(String bucket, String key) {
    /**
     * Parses {@code s3://bucket/key}.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static Key parse(String location) {
      if (location == null || !location.startsWith("s3://")) {
        throw new IllegalArgumentException("Not an s3:// location: " + location);
      }
      String rest = location.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      if (bucket.isEmpty()) {
        throw new IllegalArgumentException("The location " + location + " names no bucket");
      }
      return new Key(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    @Override
    public String toString() {
      return "s3://" + bucket + "/" + key;
    }
  }

  private final S3Client client;
  private final S3Settings settings;
  private final ExecutorService parts;
  private final long multipartThreshold;
  private final long partSize;

  public S3Storage(S3Settings settings) {
    this(settings, MULTIPART_THRESHOLD, PART_SIZE);
  }

  /** With another multipart threshold and part size (at least 5 MiB, the S3 minimum). */
  S3Storage(S3Settings settings, long multipartThreshold, long partSize) {
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
    this.settings = settings;
    this.client = buildClient(settings);
    AtomicInteger n = new AtomicInteger();
    this.parts =
        Executors.newFixedThreadPool(
            PART_THREADS,
            r -> {
              Thread t = new Thread(r, "ducklift-s3-part-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  private static S3Client buildClient(S3Settings s) {
    S3ClientBuilder b =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(120))
                    .build())
            .forcePathStyle(s.pathStyle())
            // the flexible checksums of recent SDKs are not understood by every compatible server
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    URI endpoint = s.endpointUri();
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    b.region(region(s));
    b.credentialsProvider(credentials(s));
    return b.build();
  }

  private static Region region(S3Settings s) {
    if (s.region() != null && !s.region().isBlank()) {
      return Region.of(s.region());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      return Region.US_EAST_1;
    }
  }

  private static AwsCredentialsProvider credentials(S3Settings s) {
    if (s.accessKeyId() == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    if (s.sessionToken() != null) {
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(
              s.accessKeyId().reveal(), s.secretAccessKey().reveal(), s.sessionToken().reveal()));
    }
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(s.accessKeyId().reveal(), s.secretAccessKey().reveal()));
  }

  @Override
  public boolean isLocal() {
    return false;
  }

  @Override
  public void write(String location, Path localFile) {
    Key k = Key.parse(location);
    long size;
    try {
      size = Files.size(localFile);
    } catch (IOException e) {
      throw new StorageException("Cannot read " + localFile + " to upload to " + k + ": " + e, e);
    }
    try {
      if (size <= multipartThreshold) {
        client.putObject(
            r -> r.bucket(k.bucket()).key(k.key()).contentLength(size),
            RequestBody.fromContentProvider(
                range(localFile, 0, size), size, "application/octet-stream"));
      } else {
        multipart(k, localFile, size);
      }
    } catch (SdkException e) {
      throw failure("upload", k, e);
    }
  }

  private void multipart(Key k, Path file, long size) {
    String uploadId =
        client.createMultipartUpload(r -> r.bucket(k.bucket()).key(k.key())).uploadId();
    try {
      List<Future<CompletedPart>> futures = new ArrayList<>();
      int number = 1;
      for (long offset = 0; offset < size; offset += partSize, number++) {
        long length = Math.min(partSize, size - offset);
        int partNumber = number;
        long from = offset;
        futures.add(
            parts.submit(
                () -> {
                  String etag =
                      client
                          .uploadPart(
                              r ->
                                  r.bucket(k.bucket())
                                      .key(k.key())
                                      .uploadId(uploadId)
                                      .partNumber(partNumber)
                                      .contentLength(length),
                              RequestBody.fromContentProvider(
                                  range(file, from, length), length, "application/octet-stream"))
                          .eTag();
                  return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
                }));
      }
      List<CompletedPart> done = new ArrayList<>();
      for (Future<CompletedPart> f : futures) {
        done.add(f.get());
      }
      client.completeMultipartUpload(
          r ->
              r.bucket(k.bucket())
                  .key(k.key())
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(done).build()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(k, uploadId);
      throw new StorageException("Interrupted while uploading " + k, e);
    } catch (ExecutionException e) {
      abort(k, uploadId);
      if (e.getCause() instanceof SdkException sdk) {
        throw failure("upload", k, sdk);
      }
      throw new StorageException("Cannot upload " + k + ": " + e.getCause(), e.getCause());
    } catch (RuntimeException e) {
      abort(k, uploadId);
      throw e;
    }
  }

  private void abort(Key k, String uploadId) {
    try {
      client.abortMultipartUpload(r -> r.bucket(k.bucket()).key(k.key()).uploadId(uploadId));
    } catch (SdkException ignored) {
      // an upload never completed is invisible; a lifecycle rule removes its parts
    }
  }

  /** A stream over {@code length} bytes of {@code file} from {@code offset}, reopened per retry. */
  private static ContentStreamProvider range(Path file, long offset, long length) {
    return () -> {
      try {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(offset);
        InputStream in = Channels.newInputStream(ch);
        return new java.io.FilterInputStream(in) {
          long left = length;

          @Override
          public int read() throws IOException {
            if (left <= 0) {
              return -1;
            }
            int b = super.read();
            if (b >= 0) {
              left--;
            }
            return b;
          }

          @Override
          public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
              return -1;
            }
            int n = super.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
              left -= n;
            }
            return n;
          }
        };
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  @Override
  public void write(String location, byte[] content) {
    Key k = Key.parse(location);
    try {
      client.putObject(r -> r.bucket(k.bucket()).key(k.key()), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw failure("write", k, e);
    }
  }

  @Override
  public byte[] read(String location) {
    Key k = Key.parse(location);
    try {
      ResponseBytes<GetObjectResponse> b =
          client.getObjectAsBytes(r -> r.bucket(k.bucket()).key(k.key()));
      return b.asByteArray();
    } catch (SdkException e) {
      throw failure("read", k, e);
    }
  }

  @Override
  public byte[] read(String location, long offset, int length) {
    Key k = Key.parse(location);
    if (length <= 0) {
      return new byte[0];
    }
    try {
      return client
          .getObjectAsBytes(
              r ->
                  r.bucket(k.bucket())
                      .key(k.key())
                      .range("bytes=" + offset + "-" + (offset + length - 1)))
          .asByteArray();
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return new byte[0];
      }
      throw failure("read", k, e);
    } catch (SdkException e) {
      throw failure("read", k, e);
    }
  }

  @Override
  public void download(String location, Path target) {
    Key k = Key.parse(location);
    try (InputStream in =
        client.getObject(
            r -> r.bucket(k.bucket()).key(k.key()), ResponseTransformer.toInputStream())) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (SdkException e) {
      throw failure("read", k, e);
    } catch (IOException e) {
      throw new StorageException("Cannot download " + k + " to " + target + ": " + e, e);
    }
  }

  @Override
  public StoredObject stat(String location) {
    Key k = Key.parse(location);
    try {
      HeadObjectResponse h = client.headObject(r -> r.bucket(k.bucket()).key(k.key()));
      return new StoredObject(
          location,
          h.contentLength(),
          h.lastModified() == null ? 0 : h.lastModified().toEpochMilli());
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
        return null;
      }
      throw failure("read the size of", k, e);
    } catch (SdkException e) {
      throw failure("read the size of", k, e);
    }
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }

  @Override
  public List<StoredObject> list(String prefix) {
    Key k = Key.parse(prefix);
    List<StoredObject> out = new ArrayList<>();
    try {
      ListObjectsV2Request req =
          ListObjectsV2Request.builder().bucket(k.bucket()).prefix(k.key()).build();
      for (S3Object o : client.listObjectsV2Paginator(req).contents()) {
        out.add(
            new StoredObject(
                "s3://" + k.bucket() + "/" + o.key(),
                o.size(),
                o.lastModified() == null ? 0 : o.lastModified().toEpochMilli()));
      }
    } catch (SdkException e) {
      throw failure("list", k, e);
    }
    return out;
  }

  /**
   * Lists at most one object under {@code prefix}: fails with a clear error when the bucket does
   * not exist, the keys are refused or the endpoint does not answer.
   */
  public void checkAccess(String prefix) {
    Key k = Key.parse(prefix);
    try {
      client.listObjectsV2(r -> r.bucket(k.bucket()).prefix(k.key()).maxKeys(1));
    } catch (SdkException e) {
      throw failure("list", k, e);
    }
  }

  @Override
  public boolean delete(String location) {
    Key k = Key.parse(location);
    try {
      client.deleteObject(r -> r.bucket(k.bucket()).key(k.key()));
      return true;
    } catch (SdkException e) {
      throw failure("delete", k, e);
    }
  }

  /** A clear error: the operation, bucket and key, the service's code and status, no secret. */
  private StorageException failure(String what, Key k, SdkException e) {
    StringBuilder m = new StringBuilder("Cannot ").append(what).append(' ').append(k);
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      String text = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
      if (s3.statusCode() == 404 && "NoSuchBucket".equals(code)) {
        m.append(": bucket ").append(k.bucket()).append(" does not exist");
      } else if (s3.statusCode() == 404) {
        m.append(": no such object (bucket ")
            .append(k.bucket())
            .append(", key ")
            .append(k.key())
            .append(')');
      } else if (s3.statusCode() == 403) {
        m.append(": access denied")
            .append(code == null ? "" : " (" + code + ")")
            .append(": check the access key, secret key and region");
      } else {
        m.append(": HTTP ").append(s3.statusCode());
        if (code != null) {
          m.append(' ').append(code);
        }
        if (text != null) {
          m.append(": ").append(text);
        }
      }
    } else {
      m.append(": ").append(e.getMessage());
      URI endpoint = settings.endpointUri();
      if (endpoint != null) {
        m.append(" (endpoint ").append(endpoint).append(')');
      }
    }
    return new StorageException(redact(m.toString()), e);
  }

  /** Removes any credential value from a message, should a service ever echo one. */
  private String redact(String message) {
    String out = message;
    for (var s :
        new dev.ducklift.core.Secret[] {
          settings.accessKeyId(), settings.secretAccessKey(), settings.sessionToken()
        }) {
      if (s != null && !s.reveal().isEmpty()) {
        out = out.replace(s.reveal(), "[redacted]");
      }
    }
    return out;
  }

  @Override
  public void close() {
    parts.shutdownNow();
    client.close();
  }

  @Override
  public String toString() {
    return "S3Storage[" + settings + "]";
  }
}
