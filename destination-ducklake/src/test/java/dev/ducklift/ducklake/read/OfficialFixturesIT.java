package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    for (Map.Entry<Long, TreeSet<String>> e : FixtureComparison.expectedTables(lake).entrySet()) {
      long snapshot = e.getKey();
      tests.add(
          DynamicTest.dynamicTest(
              "snapshot " + snapshot,
              () -> {
                try (LakeFixtures.OpenLake open = LakeFixtures.open(lake, true)) {
                  FixtureComparison.assertSnapshotMatches(
                      open.reader(), lake, snapshot, e.getValue());
                }
              }));
    }
    return tests.stream();
  }
}
