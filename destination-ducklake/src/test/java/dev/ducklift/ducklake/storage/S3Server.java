package dev.ducklift.ducklake.storage;

import dev.ducklift.core.Secret;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * A real S3 API server (S3Proxy over an in-memory blob store) on 127.0.0.1, with AWS signature
 * checks, for tests.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "ducklift-test-access";
  public static final String SECRET_KEY = "ducklift-test-secret-Zq81";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  private S3Server(BlobStoreContext context, S3Proxy proxy) {
    this.context = context;
    this.proxy = proxy;
  }

  public static S3Server start() {
    Properties props = new Properties();
    BlobStoreContext context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .overrides(props)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    try {
      proxy.start();
      long until = System.currentTimeMillis() + 30_000;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      context.close();
      throw new IllegalStateException("Cannot start S3Proxy", e);
    }
    return new S3Server(context, proxy);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** Settings reaching this server with its keys, path-style. */
  public S3Settings settings() {
    return S3Settings.compatible(
        endpoint(), "us-east-1", Secret.of(ACCESS_KEY), Secret.of(SECRET_KEY));
  }

  public void createBucket(String bucket) {
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  /** Every key in the bucket (read directly from the blob store). */
  public List<String> keys(String bucket) {
    BlobStore store = context.getBlobStore();
    List<String> out = new ArrayList<>();
    String marker = null;
    do {
      ListContainerOptions o = ListContainerOptions.Builder.recursive();
      if (marker != null) {
        o.afterMarker(marker);
      }
      var page = store.list(bucket, o);
      for (StorageMetadata m : page) {
        if (m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
          out.add(m.getName());
        }
      }
      marker = page.getNextMarker();
    } while (marker != null);
    return out;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception ignored) {
      // the test is over
    }
    context.close();
  }
}
