package dev.ducklift.ducklake.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Secret;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3StorageIT {
  static S3Server server;
  static S3Storage storage;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    server = S3Server.start();
    server.createBucket("lake");
    storage = new S3Storage(server.settings());
  }

  @AfterAll
  static void stop() {
    storage.close();
    server.close();
  }

  private Path file(String name, int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    Path p = dir.resolve(name);
    Files.write(p, b);
    return p;
  }

  @Test
  void objectsAreWrittenReadWholeAndByRangeSizedListedAndDeleted() throws IOException {
    Path small = file("small", 1000, 1);
    storage.write("s3://lake/a/t/one.parquet", small);
    storage.write("s3://lake/a/marker", "123".getBytes());
    byte[] expected = Files.readAllBytes(small);
    assertThat(storage.read("s3://lake/a/t/one.parquet")).isEqualTo(expected);
    assertThat(storage.read("s3://lake/a/t/one.parquet", 990, 8))
        .isEqualTo(Arrays.copyOfRange(expected, 990, 998));
    assertThat(storage.stat("s3://lake/a/t/one.parquet").size()).isEqualTo(1000);
    assertThat(storage.stat("s3://lake/a/t/none.parquet")).isNull();
    assertThat(storage.list("s3://lake/a/").stream().map(StoredObject::location).sorted())
        .containsExactly("s3://lake/a/marker", "s3://lake/a/t/one.parquet");
    Path back = dir.resolve("back");
    storage.download("s3://lake/a/t/one.parquet", back);
    assertThat(Files.readAllBytes(back)).isEqualTo(expected);
    storage.delete("s3://lake/a/t/one.parquet");
    storage.delete("s3://lake/a/marker");
    assertThat(storage.list("s3://lake/a/")).isEmpty();
  }

  @Test
  void aFileAboveTheThresholdIsUploadedInPartsAndReadsBackIdentically() throws IOException {
    long mib = 1 << 20;
    int size = (int) (11 * mib + 12345);
    Path big = file("big", size, 2);
    try (S3Storage parts = new S3Storage(server.settings(), 6 * mib, 5 * mib)) {
      parts.write("s3://lake/big/x.parquet", big);
    }
    Path back = dir.resolve("big-back");
    storage.download("s3://lake/big/x.parquet", back);
    assertThat(Files.mismatch(big, back)).isEqualTo(-1L);
    assertThat(storage.stat("s3://lake/big/x.parquet").size()).isEqualTo(size);
    storage.delete("s3://lake/big/x.parquet");
  }

  @Test
  void anUnknownBucketFailsNamingTheBucket() {
    assertThatThrownBy(() -> storage.checkAccess("s3://no-such-bucket/lake/"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("no-such-bucket")
        .hasMessageContaining("does not exist");
  }

  @Test
  void wrongKeysFailWithAccessDeniedAndNeverShowTheSecret() {
    S3Settings wrong =
        S3Settings.compatible(
            server.endpoint(),
            "us-east-1",
            Secret.of(S3Server.ACCESS_KEY),
            Secret.of("wrong-secret-Qx7"));
    try (S3Storage bad = new S3Storage(wrong)) {
      assertThatThrownBy(() -> bad.write("s3://lake/k/x.parquet", "x".getBytes()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("s3://lake/k/x.parquet")
          .hasMessageContaining("access denied")
          .satisfies(e -> assertThat(e.toString()).doesNotContain("wrong-secret-Qx7"));
      assertThat(wrong.toString()).doesNotContain("wrong-secret-Qx7");
    }
  }

  @Test
  void anEndpointThatDoesNotAnswerFailsNamingTheObjectAndTheEndpoint() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    S3Settings dead =
        S3Settings.compatible(
            "http://127.0.0.1:" + port,
            "us-east-1",
            Secret.of(S3Server.ACCESS_KEY),
            Secret.of(S3Server.SECRET_KEY));
    try (S3Storage bad = new S3Storage(dead)) {
      assertThatThrownBy(() -> bad.read("s3://lake/k/x.parquet"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("s3://lake/k/x.parquet")
          .hasMessageContaining("127.0.0.1:" + port);
    }
  }

  @Test
  void aMissingObjectFailsNamingBucketAndKey() {
    assertThatThrownBy(() -> storage.read("s3://lake/gone/y.parquet"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("bucket lake")
        .hasMessageContaining("key gone/y.parquet");
  }

  @Test
  void theReadCacheFetchesAnObjectOnceAndEvictsTheLeastRecentlyUsedBeyondItsBound()
      throws IOException {
    for (int i = 0; i < 3; i++) {
      storage.write("s3://lake/c/f" + i + ".parquet", file("c" + i, 4000, 10 + i));
    }
    ReadCache cache = new ReadCache(dir.resolve("cache"), 10_000);
    Path first = cache.get(storage, "s3://lake/c/f0.parquet");
    assertThat(cache.get(storage, "s3://lake/c/f0.parquet")).isEqualTo(first);
    assertThat(cache.fetchedObjects()).isEqualTo(1);
    assertThat(Files.readAllBytes(first)).isEqualTo(storage.read("s3://lake/c/f0.parquet"));
    // age the first two copies so they are no longer in use, f0 the oldest
    Files.setLastModifiedTime(
        first, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 300_000));
    Path second = cache.get(storage, "s3://lake/c/f1.parquet");
    Files.setLastModifiedTime(
        second, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 200_000));
    cache.get(storage, "s3://lake/c/f2.parquet");
    assertThat(Files.exists(first)).isFalse();
    assertThat(Files.exists(second)).isTrue();
    assertThat(cache.fetchedBytes()).isEqualTo(12_000);
    List<StoredObject> objects = storage.list("s3://lake/c/");
    for (StoredObject o : objects) {
      storage.delete(o.location());
    }
  }
}
