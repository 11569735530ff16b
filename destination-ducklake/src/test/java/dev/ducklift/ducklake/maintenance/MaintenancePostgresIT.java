package dev.ducklift.ducklake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.DataFile;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeTable;
import dev.ducklift.ducklake.verify.LakeVerifier;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merge, expiry and cleanup on a lake whose catalog is in PostgreSQL, including lost races. */
class MaintenancePostgresIT {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  private static CatalogLocation location() {
    return CatalogLocation.postgres(
        postgres.getJdbcUrl("postgres", "postgres"),
        "postgres",
        Secret.of("postgres"),
        "maintained_lake_" + SCHEMAS.incrementAndGet());
  }

  @Test
  void mergingExpiringAndCleaningUpKeepEveryTimeTravelResultOnPostgres() {
    MaintenanceIT.mergeScenario(location(), temp.resolve("data"));
  }

  /**
   * A catalog whose connections run {@code race} once, just before the first statement that inserts
   * a snapshot row, so another writer takes that snapshot id first.
   */
  private static UnaryOperator<Connection> raceBeforeSnapshotInsert(Runnable race) {
    AtomicBoolean fired = new AtomicBoolean();
    return connection ->
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("prepareStatement")
                      && args[0] instanceof String sql
                      && sql.startsWith("INSERT INTO")
                      && sql.contains("\"ducklake_snapshot\" VALUES")
                      && fired.compareAndSet(false, true)) {
                    race.run();
                  }
                  try {
                    return method.invoke(connection, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
  }

  private static TableName createAndFill(DuckLake lake, int appends) {
    TableName t = TableName.of("main", "t");
    try (Transaction tx = lake.newTransaction()) {
      tx.createTable(
          t,
          List.of(
              ColumnDefinition.of("id", LakeType.of(DataType.BIGINT)),
              ColumnDefinition.of("s", LakeType.of(DataType.TEXT))));
      tx.commit();
    }
    for (int i = 0; i < appends; i++) {
      try (Transaction tx = lake.newTransaction()) {
        tx.append(
            t,
            "SELECT i AS id, 's' || i AS s FROM range(" + i * 10 + ", " + (i * 10 + 10) + ") r(i)");
        tx.commit();
      }
    }
    return t;
  }

  private static long parquetFiles(Path data) throws Exception {
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  @Test
  void aMergeThatLosesTheRaceToAnAppendRetriesAndLands() {
    CatalogLocation location = location();
    Path data = temp.resolve("append-race");
    try (DuckLake lake = DuckLake.create(location, data)) {
      TableName t = createAndFill(lake, 3);
      Runnable append =
          () -> {
            try (Transaction tx = lake.newTransaction()) {
              tx.append(t, "SELECT 1000 AS id, 'late' AS s");
              tx.commit();
            }
          };
      try (CatalogDatabase racing =
              CatalogDatabase.open(location, false, raceBeforeSnapshotInsert(append));
          LakeReader reader = LakeReader.open(racing, lake.dataPath())) {
        MergeResult result = new LakeMaintenance(reader).mergeAdjacentFiles("main", "t", 1 << 20);
        assertThat(result.merges())
            .singleElement()
            .satisfies(m -> assertThat(m.sourceDataFileIds()).hasSize(3));
        long latest = reader.latestSnapshot().id();
        assertThat(result.snapshotId()).isEqualTo(latest);
        assertThat(reader.snapshot(latest - 1).changesMade()).startsWith("inserted_into_table:");
        assertThat(reader.sql("SELECT count(*), max(id) FROM main.t").rows().get(0))
            .containsExactly(31L, 1000L);
        LakeTable table = reader.requireTable(latest, "main", "t");
        assertThat(reader.dataFiles(table, latest))
            .extracting(DataFile::recordCount)
            .containsExactlyInAnyOrder(30L, 1L);
        assertThat(LakeVerifier.verify(reader).problems()).isEmpty();
      }
    }
  }

  @Test
  void aMergeRacingADeleteFailsCleanlyAndLeavesTheLakeIntact() throws Exception {
    CatalogLocation location = location();
    Path data = temp.resolve("delete-race");
    try (DuckLake lake = DuckLake.create(location, data)) {
      TableName t = createAndFill(lake, 3);
      Runnable delete =
          () -> {
            try (Transaction tx = lake.newTransaction()) {
              tx.deleteWhere(t, "\"id\" = 5");
              tx.commit();
            }
          };
      long filesBefore = parquetFiles(data);
      try (CatalogDatabase racing =
              CatalogDatabase.open(location, false, raceBeforeSnapshotInsert(delete));
          LakeReader reader = LakeReader.open(racing, lake.dataPath())) {
        LakeMaintenance maintenance = new LakeMaintenance(reader);
        assertThatThrownBy(() -> maintenance.mergeAdjacentFiles("main", "t", 1 << 20))
            .isInstanceOf(DuckliftException.class)
            .hasMessageContaining("conflicts with snapshot")
            .hasMessageContaining("deleted_from_table");
        long latest = reader.latestSnapshot().id();
        assertThat(reader.snapshot(latest).changesMade()).startsWith("deleted_from_table:");
        assertThat(reader.sql("SELECT count(*) FROM main.t WHERE id <> 5").scalar()).isEqualTo(29L);
        assertThat(reader.sql("SELECT count(*) FROM main.t").scalar()).isEqualTo(29L);
        // The merged file was removed; only the delete file of the racing commit was added.
        assertThat(parquetFiles(data)).isEqualTo(filesBefore + 1);
        assertThat(LakeVerifier.verify(reader).problems()).isEmpty();
      }
    }
  }
}
