package dev.ducklift.ducklake.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ducklift.ducklake.read.LakeFixtures;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every lake written by the official extension verifies clean. */
class LakeVerifierIT {
  @TempDir static Path temp;

  @BeforeAll
  static void fixturesPresent() {
    assumeTrue(LakeFixtures.root().isPresent(), "shared/ducklake/fixtures is absent");
  }

  @TestFactory
  Stream<DynamicTest> everyOfficialFixtureVerifiesClean() {
    return LakeFixtures.names().stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      Path lake = LakeFixtures.copy(name, temp);
                      try (var open = LakeFixtures.open(lake, true)) {
                        VerifyReport report = LakeVerifier.verify(open.reader());
                        assertThat(report.problems()).as(report.toString()).isEmpty();
                        assertThat(report.filesChecked()).isPositive();
                      }
                    }));
  }
}
