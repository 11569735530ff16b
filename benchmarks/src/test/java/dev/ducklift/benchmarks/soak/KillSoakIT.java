package dev.ducklift.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded kill soak: a real JDBC-to-DuckLake pipeline in child JVMs, killed with SIGKILL at
 * random moments of its runs (the first included), then run to completion. The long version is
 * {@code KillSoak} in benchmarks (see benchmarks/README.md).
 */
class KillSoakIT {

  @TempDir Path dir;

  @Test
  void aPipelineKilledAtRandomMomentsEndsWithExactlyTheSourceRowsInAVerifiedLake()
      throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    KillSoak.Result r =
        new KillSoak(dir, 8, 13, 1000, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    String runs = log.toString(StandardCharsets.UTF_8);
    assertThat(r.kills()).isEqualTo(8);
    assertThat(r.mismatches()).as(runs).isEmpty();
    assertThat(r.verify().problems()).as(runs).isEmpty();
    assertThat(r.unreferencedFiles()).as(runs).isEmpty();
    // a batch per table before every run but the final one
    assertThat(r.sourceRows()).isEqualTo(2L * 1000 * (r.runs() - 1));
    assertThat(r.failedRuns()).as(runs).isZero();
  }
}
