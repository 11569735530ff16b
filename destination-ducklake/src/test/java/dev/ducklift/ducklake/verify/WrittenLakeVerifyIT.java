package dev.ducklift.ducklake.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.LakeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lakes written by Ducklift's writer, with nested columns and deletes, verify clean. */
class WrittenLakeVerifyIT {
  @TempDir Path temp;

  @Test
  void aLakeWithStructListAndMapColumnsAndDeletesVerifiesClean() throws Exception {
    Files.createDirectories(temp.resolve("lake"));
    TableName t = TableName.of("main", "orders");
    LakeType customer =
        LakeType.struct(
            List.of(
                new LakeType.Field("id", LakeType.primitive("int32")),
                new LakeType.Field("email", LakeType.primitive("varchar"))));
    try (DuckLake lake =
        DuckLake.create(
            CatalogLocation.duckdb(temp.resolve("lake/catalog.ducklake")),
            temp.resolve("lake/data"))) {
      try (Transaction tx = lake.newTransaction()) {
        tx.createTable(
            t,
            List.of(
                ColumnDefinition.of("id", LakeType.primitive("int64")),
                ColumnDefinition.of("customer", customer),
                ColumnDefinition.of("tags", LakeType.list(LakeType.primitive("varchar"))),
                ColumnDefinition.of(
                    "attrs",
                    LakeType.map(LakeType.primitive("varchar"), LakeType.primitive("float64")))));
        tx.commit();
      }
      for (int round = 0; round < 2; round++) {
        try (Transaction tx = lake.newTransaction()) {
          tx.append(
              t,
              "SELECT i AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE {'id': CAST(i % 5 AS INTEGER),"
                  + " 'email': CASE WHEN i % 3 = 0 THEN NULL ELSE 'u' || i END} END AS customer,"
                  + " CASE WHEN i % 4 = 0 THEN NULL ELSE ['a' || i, NULL] END AS tags,"
                  + " MAP {'k': i / 2.0} AS attrs FROM range("
                  + round * 100
                  + ", "
                  + (round * 100 + 100)
                  + ") r(i)");
          tx.commit();
        }
      }
      try (Transaction tx = lake.newTransaction()) {
        tx.deleteWhere(t, "\"id\" % 10 = 0");
        tx.commit();
      }
      try (LakeReader reader = LakeReader.open(lake)) {
        VerifyReport report = LakeVerifier.verify(reader);
        assertThat(report.problems()).as(report.toString()).isEmpty();
        assertThat(reader.sql("SELECT count(*) FROM main.orders").scalar()).isEqualTo(180L);
      }
    }
  }
}
