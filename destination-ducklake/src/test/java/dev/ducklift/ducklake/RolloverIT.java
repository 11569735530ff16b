package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloverIT {
  @TempDir Path dir;

  @Test
  void largeWritesRollOverIntoSeveralFilesWithContiguousRowIdsAndExactStats() throws Exception {
    TableName t = TableName.of("big");
    DuckLakeOptions options = DuckLakeOptions.builder().targetFileSizeBytes(256 * 1024).build();
    try (DuckLake lake =
            DuckLake.create(
                CatalogLocation.duckdb(dir.resolve("c.ducklake")), dir.resolve("data"), options);
        Connection duck = Lakes.duckdb()) {
      Transaction tx =
          lake.newTransaction()
              .createTable(
                  t,
                  List.of(
                      ColumnDefinition.of("id", LakeType.primitive("int64")),
                      ColumnDefinition.of("payload", LakeType.primitive("varchar"))));
      long rows = 600_000;
      tx.append(
          t, duck, "SELECT i AS id, md5(i::VARCHAR) AS payload FROM range(" + rows + ") r(i)");
      CommitResult r = tx.commit();

      List<DataFileInfo> files =
          r.dataFiles().stream()
              .sorted(Comparator.comparingLong(DataFileInfo::rowIdStart))
              .toList();
      assertThat(files).hasSizeGreaterThan(1);
      long next = 0;
      long ids = files.get(0).dataFileId();
      for (DataFileInfo f : files) {
        assertThat(f.rowIdStart()).isEqualTo(next);
        assertThat(f.dataFileId()).isEqualTo(ids++);
        assertThat(Files.size(Path.of(f.path()))).isEqualTo(f.fileSizeBytes());
        next += f.recordCount();
      }
      assertThat(next).isEqualTo(rows);
      assertThat(r.snapshot().nextFileId()).isEqualTo(files.size());
      assertThat(
              Lakes.query(
                  duck, "SELECT count(*), min(id), max(id) FROM " + Lakes.relation(lake, t)))
          .containsExactly(List.of(Long.toString(rows), "0", Long.toString(rows - 1)));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT min_value, max_value FROM "
                      + Lakes.t(lake, "ducklake_table_column_stats")
                      + " WHERE column_id = 1"))
          .containsExactly(List.of("0", Long.toString(rows - 1)));
      Lakes.assertVerified(lake);
    }
  }
}
