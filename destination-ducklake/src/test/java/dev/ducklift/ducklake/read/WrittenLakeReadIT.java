package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.maintenance.LakeMaintenance;
import dev.ducklift.ducklake.maintenance.MergeResult;
import dev.ducklift.ducklake.verify.LakeVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading lakes written by Ducklift's own writer, in shapes the fixtures do not cover. */
class WrittenLakeReadIT {
  @TempDir Path temp;

  @Test
  void readsFilesWrittenBeforeAndAfterATypePromotionOfTheSameColumn() throws Exception {
    Files.createDirectories(temp.resolve("lake"));
    TableName t = TableName.of("main", "scores");
    try (DuckLake lake =
        DuckLake.create(
            CatalogLocation.duckdb(temp.resolve("lake/catalog.ducklake")),
            temp.resolve("lake/data"))) {
      try (Transaction tx = lake.newTransaction()) {
        tx.createTable(
            t,
            List.of(
                ColumnDefinition.of("id", LakeType.of(DataType.INTEGER)),
                ColumnDefinition.of("score", LakeType.primitive("int16"))));
        tx.commit();
      }
      try (Transaction tx = lake.newTransaction()) {
        tx.append(t, "SELECT i AS id, CAST(i AS SMALLINT) AS score FROM range(0, 10) r(i)");
        tx.commit();
      }
      try (Transaction tx = lake.newTransaction()) {
        tx.promoteColumn(t, "score", LakeType.primitive("int64"));
        tx.commit();
      }
      try (Transaction tx = lake.newTransaction()) {
        tx.append(t, "SELECT 100 + i AS id, 5000000000 + i AS score FROM range(0, 10) r(i)");
        tx.commit();
      }
      try (LakeReader reader = LakeReader.open(lake)) {
        long latest = reader.latestSnapshot().id();
        assertThat(
                reader
                    .sql(
                        "SELECT count(*), min(score), max(score), typeof(max(score)) FROM main.scores")
                    .rows()
                    .get(0))
            .containsExactly(20L, 0L, 5000000009L, "BIGINT");
        try (LakeSession before = reader.at(latest - 2)) {
          assertThat(
                  before
                      .sql("SELECT typeof(max(score)), max(score) FROM main.scores")
                      .rows()
                      .get(0))
              .containsExactly("SMALLINT", (short) 9);
        }
        MergeResult merge =
            new LakeMaintenance(reader).mergeAdjacentFiles("main", "scores", 1 << 20);
        assertThat(merge.merges()).as("files of different physical types are not merged").isEmpty();
        assertThat(LakeVerifier.verify(reader).problems()).isEmpty();
      }
    }
  }
}
