package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Compares what a reader shows with the official reader's expected output of a fixture. */
final class FixtureComparison {
  private FixtureComparison() {}

  /** Snapshot id → qualified names of the tables that exist there, from the expected CSVs. */
  static Map<Long, TreeSet<String>> expectedTables(Path lake) {
    Path expected = lake.resolve("expected");
    Map<Long, TreeSet<String>> tables = new TreeMap<>();
    for (List<String> row : LakeFixtures.csv(expected.resolve("snapshots.csv"))) {
      tables.put(Long.parseLong(row.get(0)), new TreeSet<>());
    }
    for (List<String> row : LakeFixtures.csv(expected.resolve("tables.csv"))) {
      tables.get(Long.parseLong(row.get(0))).add(row.get(1) + "." + row.get(2));
    }
    return tables;
  }

  /**
   * Asserts that the reader shows exactly the expected tables at a snapshot, each with the expected
   * column names, types and rows (as multisets).
   */
  static void assertSnapshotMatches(
      LakeReader reader, Path lake, long snapshot, TreeSet<String> wantedTables) {
    try (LakeSession session = reader.at(snapshot)) {
      TreeSet<String> actualTables = new TreeSet<>();
      for (LakeTable t : session.tables()) {
        actualTables.add(t.qualifiedName());
      }
      assertThat(actualTables).as("tables at snapshot %d", snapshot).isEqualTo(wantedTables);
      for (String table : wantedTables) {
        Path expectedFile = lake.resolve("expected").resolve(table + "@" + snapshot + ".parquet");
        assertThat(expectedFile).exists();
        Path actualFile =
            lake.resolve("actual-" + reader.dialect() + "-" + table + "@" + snapshot + ".parquet");
        String[] parts = table.split("\\.", 2);
        String relation = Sql.ident(parts[0]) + "." + Sql.ident(parts[1]);
        try (Statement st = session.connection().createStatement()) {
          st.execute(
              "COPY (SELECT * FROM "
                  + relation
                  + ") TO "
                  + Sql.literal(actualFile.toString())
                  + " (FORMAT parquet)");
        } catch (SQLException e) {
          throw new AssertionError("Cannot read " + table + "@" + snapshot, e);
        }
        String a = "read_parquet(" + Sql.literal(actualFile.toString()) + ")";
        String x = "read_parquet(" + Sql.literal(expectedFile.toString()) + ")";
        String what = table + "@" + snapshot;
        String describe = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM %s)";
        assertThat(session.sql(String.format(describe, a)).rows())
            .as("column names and types of %s", what)
            .isEqualTo(session.sql(String.format(describe, x)).rows());
        assertThat(session.sql("SELECT count(*) FROM " + a).scalar())
            .as("row count of %s", what)
            .isEqualTo(session.sql("SELECT count(*) FROM " + x).scalar());
        assertThat(session.sql("SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + x).rows())
            .as("rows of %s not in the official result", what)
            .isEmpty();
        assertThat(session.sql("SELECT * FROM " + x + " EXCEPT ALL SELECT * FROM " + a).rows())
            .as("rows of the official result missing from %s", what)
            .isEmpty();
        try {
          Files.delete(actualFile);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
