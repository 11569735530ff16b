package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Commits against a catalog that fails on purpose. */
class CommitFaultIT {
  private static final TableName T = TableName.of("t");
  private static EmbeddedPostgres pg;

  @TempDir Path dir;
  private final FaultyCatalog faults = new FaultyCatalog();

  @BeforeAll
  static void startPostgres() {
    pg = Lakes.startPostgres();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  private DuckLake lake(Lakes.Kind kind) {
    DuckLakeOptions options =
        DuckLakeOptions.builder()
            .maxCommitAttempts(4)
            .retryBaseWait(Duration.ofMillis(1))
            .connectionDecorator(faults)
            .build();
    DuckLake lake = DuckLake.create(Lakes.catalog(kind, dir, pg), dir.resolve("data"), options);
    lake.newTransaction()
        .createTable(T, List.of(ColumnDefinition.of("x", LakeType.primitive("int32"))))
        .commit();
    faults.snapshotInserts.set(0);
    return lake;
  }

  private static Transaction appendOne(DuckLake lake, Connection duck) {
    Transaction tx = lake.newTransaction();
    tx.append(T, duck, "SELECT 42 AS x");
    return tx;
  }

  private long parquetFiles() throws Exception {
    try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
      return s.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  private static long snapshots(DuckLake lake) {
    return Long.parseLong(
        Lakes.catalogRows(lake, "SELECT count(*) FROM " + Lakes.t(lake, "ducklake_snapshot"))
            .get(0)
            .get(0));
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void retriesWhenTheSnapshotIdIsTakenAndCommitsOnTheLastAllowedAttempt(Lakes.Kind kind)
      throws Exception {
    try (DuckLake lake = lake(kind);
        Connection duck = Lakes.duckdb()) {
      faults.snapshotInsertFailures.set(3);
      CommitResult r = appendOne(lake, duck).commit();
      assertThat(r.attempts()).isEqualTo(4);
      assertThat(faults.snapshotInserts.get()).isEqualTo(4);
      assertThat(r.snapshotId()).isEqualTo(2);
      assertThat(snapshots(lake)).isEqualTo(3);
      assertThat(Files.exists(Path.of(r.dataFiles().get(0).path()))).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void givesUpAfterTheLastAttemptAndRemovesItsFiles(Lakes.Kind kind) throws Exception {
    try (DuckLake lake = lake(kind);
        Connection duck = Lakes.duckdb()) {
      faults.snapshotInsertFailures.set(100);
      Transaction tx = appendOne(lake, duck);
      assertThat(parquetFiles()).isEqualTo(1);
      assertThatThrownBy(tx::commit)
          .isInstanceOf(CommitConflictException.class)
          .hasMessageContaining("4 attempts");
      assertThat(faults.snapshotInserts.get()).isEqualTo(4);
      assertThat(parquetFiles()).isZero();
      assertThat(snapshots(lake)).isEqualTo(2);
      assertThat(
              Lakes.catalogRows(
                  lake, "SELECT count(*) FROM " + Lakes.t(lake, "ducklake_table_stats")))
          .containsExactly(List.of("0"));
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aCommitWhoseConnectionDiesAfterCommittingIsFoundInTheCatalog(Lakes.Kind kind)
      throws Exception {
    try (DuckLake lake = lake(kind);
        Connection duck = Lakes.duckdb()) {
      faults.commitFault = FaultyCatalog.CommitFault.LOST_AFTER_COMMIT;
      CommitResult r = appendOne(lake, duck).commit();
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(snapshots(lake)).isEqualTo(3);
      assertThat(Files.exists(Path.of(r.dataFiles().get(0).path()))).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aCommitWhoseConnectionDiesBeforeCommittingIsRetried(Lakes.Kind kind) throws Exception {
    try (DuckLake lake = lake(kind);
        Connection duck = Lakes.duckdb()) {
      faults.commitFault = FaultyCatalog.CommitFault.LOST_BEFORE_COMMIT;
      CommitResult r = appendOne(lake, duck).commit();
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.snapshotId()).isEqualTo(2);
      assertThat(snapshots(lake)).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void anOutcomeThatCannotBeReadBackIsUnknownAndKeepsTheFiles(Lakes.Kind kind) throws Exception {
    try (DuckLake lake = lake(kind);
        Connection duck = Lakes.duckdb()) {
      faults.commitFault = FaultyCatalog.CommitFault.LOST_BEFORE_COMMIT;
      faults.refuseAfterCommitFault = true;
      Transaction tx = appendOne(lake, duck);
      assertThatThrownBy(tx::commit)
          .isInstanceOf(CommitStateUnknownException.class)
          .hasMessageContaining("snapshot 2");
      assertThat(parquetFiles()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aConnectionLostBeforeCommitIsRetriedWithoutDuplicates(Lakes.Kind kind) throws Exception {
    try (DuckLake lake = lake(kind);
        Connection duck = Lakes.duckdb()) {
      faults.changesInsertLosses.set(1);
      CommitResult r = appendOne(lake, duck).commit();
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(snapshots(lake)).isEqualTo(3);
      assertThat(
              Lakes.catalogRows(
                  lake, "SELECT count(*) FROM " + Lakes.t(lake, "ducklake_data_file")))
          .containsExactly(List.of("1"));
    }
  }
}
