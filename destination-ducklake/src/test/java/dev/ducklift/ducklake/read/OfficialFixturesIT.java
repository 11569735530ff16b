package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads every lake written by the official extension at every snapshot and compares each table with
 * the official reader's output (values and types), through DuckDB.
 */
class OfficialFixturesIT {
  @TempDir static Path temp;

  @BeforeAll
  static void fixturesPresent() {
    assumeTrue(LakeFixtures.root().isPresent(), "shared/ducklake/fixtures is absent");
  }

  @TestFactory
  Stream<DynamicNode> everyTableAtEverySnapshotMatchesTheOfficialReader() {
    return LakeFixtures.names().stream()
        .map(name -> DynamicContainer.dynamicContainer(name, fixtureTests(name)));
  }

  private Stream<DynamicNode> fixtureTests(String name) {
    Path lake = LakeFixtures.copy(name, temp);
    Path expected = lake.resolve("expected");
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(
        DynamicTest.dynamicTest(
            "snapshots match",
            () -> {
              try (Connection catalog = LakeFixtures.openCatalog(lake, true);
                  LakeReader reader = LakeFixtures.reader(catalog, lake)) {
                List<String> actual = new ArrayList<>();
                for (Snapshot s : reader.snapshots()) {
                  actual.add(s.id() + "," + s.schemaVersion());
                }
                List<String> wanted = new ArrayList<>();
                for (List<String> row : LakeFixtures.csv(expected.resolve("snapshots.csv"))) {
                  wanted.add(row.get(0) + "," + row.get(1));
                }
                assertThat(actual).containsExactlyElementsOf(wanted);
              }
            }));
    Map<Long, TreeSet<String>> tablesBySnapshot = new TreeMap<>();
    for (List<String> row : LakeFixtures.csv(expected.resolve("snapshots.csv"))) {
      tablesBySnapshot.put(Long.parseLong(row.get(0)), new TreeSet<>());
    }
    for (List<String> row : LakeFixtures.csv(expected.resolve("tables.csv"))) {
      tablesBySnapshot.get(Long.parseLong(row.get(0))).add(row.get(1) + "." + row.get(2));
    }
    for (Map.Entry<Long, TreeSet<String>> e : tablesBySnapshot.entrySet()) {
      long snapshot = e.getKey();
      tests.add(
          DynamicTest.dynamicTest(
              "snapshot " + snapshot, () -> checkSnapshot(lake, snapshot, e.getValue())));
    }
    return tests.stream();
  }

  private void checkSnapshot(Path lake, long snapshot, TreeSet<String> wantedTables)
      throws SQLException, java.io.IOException {
    try (LakeFixtures.OpenLake open = LakeFixtures.open(lake, true);
        LakeSession session = open.reader().at(snapshot)) {
      TreeSet<String> actualTables = new TreeSet<>();
      for (LakeTable t : session.tables()) {
        actualTables.add(t.qualifiedName());
      }
      assertThat(actualTables).as("tables at snapshot %d", snapshot).isEqualTo(wantedTables);
      for (String table : wantedTables) {
        Path expectedFile = lake.resolve("expected").resolve(table + "@" + snapshot + ".parquet");
        assertThat(expectedFile).exists();
        Path actualFile = lake.resolve("actual-" + table + "@" + snapshot + ".parquet");
        String[] parts = table.split("\\.", 2);
        String relation = Sql.ident(parts[0]) + "." + Sql.ident(parts[1]);
        try (Statement st = session.connection().createStatement()) {
          st.execute(
              "COPY (SELECT * FROM "
                  + relation
                  + ") TO "
                  + Sql.literal(actualFile.toString())
                  + " (FORMAT parquet)");
        }
        String a = "read_parquet(" + Sql.literal(actualFile.toString()) + ")";
        String x = "read_parquet(" + Sql.literal(expectedFile.toString()) + ")";
        String what = table + "@" + snapshot;
        assertThat(
                session
                    .sql("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + a + ")")
                    .rows())
            .as("column names and types of %s", what)
            .isEqualTo(
                session
                    .sql("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + x + ")")
                    .rows());
        assertThat(session.sql("SELECT count(*) FROM " + a).scalar())
            .as("row count of %s", what)
            .isEqualTo(session.sql("SELECT count(*) FROM " + x).scalar());
        assertThat(session.sql("SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + x).rows())
            .as("rows of %s not in the official result", what)
            .isEmpty();
        assertThat(session.sql("SELECT * FROM " + x + " EXCEPT ALL SELECT * FROM " + a).rows())
            .as("rows of the official result missing from %s", what)
            .isEmpty();
        Files.delete(actualFile);
      }
    }
  }
}
