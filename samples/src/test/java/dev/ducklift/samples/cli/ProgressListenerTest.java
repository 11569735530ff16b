package dev.ducklift.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.Page;
import dev.ducklift.core.spi.PromoteResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong();

  private static Page page(int records, String description) {
    return new Page(java.util.Collections.nCopies(records, Map.<String, Object>of()), description);
  }

  @Test
  void plainModePrintsRowsRateAndPageAtMostOncePerInterval() {
    ProgressListener listener =
        new ProgressListener(err, ProgressListener.Mode.PLAIN, now::get, 1_000_000_000L);
    listener.runStarted("events");
    listener.resourceStarted("events", "load-1");
    for (int i = 1; i <= 10; i++) {
      now.addAndGet(500_000_000L);
      listener.pageExtracted("events", page(1_000, "page " + i), 1_000, 1_000);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> progressLines =
        out.lines().filter(l -> l.startsWith("progress: resource=")).toList();
    // Pages every 0.5 s, a line only when more than 1 s passed since the last: at 1.5, 3 and 4.5 s.
    assertThat(progressLines).hasSize(3);
    assertThat(progressLines.get(progressLines.size() - 1))
        .contains("resource=events")
        .contains("rows_per_s=2000")
        .contains("page=page ");
    assertThat(out).doesNotContain("\r");
  }

  @Test
  void terminalModeRewritesOneLineAndClearsItBeforeReportingACommit() {
    ProgressListener listener =
        new ProgressListener(err, ProgressListener.Mode.TERMINAL, now::get, 1_000_000_000L);
    listener.runStarted("events");
    listener.resourceStarted("events", "load-1");
    now.addAndGet(1_000_000_000L);
    listener.pageExtracted("events", page(2_500, "chunk 1"), 2_500, 2_500);
    listener.loadPromoted(
        "events",
        "load-1",
        new PromoteResult(
            OptionalLong.of(7),
            false,
            List.of(new PromoteResult.TableWriteResult("events", 2_400, 100, 0, 0, ""))));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).startsWith("\revents: 2,500 rows, 2,500 rows/s, page 1 (chunk 1)");
    assertThat(out)
        .contains("committed as snapshot 7 (2400 rows inserted, 100 duplicates skipped)");
  }

  @Test
  void everySchemaChangeOfAPromotedLoadGetsItsOwnLine() {
    ProgressListener listener =
        new ProgressListener(err, ProgressListener.Mode.PLAIN, now::get, 1_000_000_000L);
    listener.schemaChanged(
        "customers",
        "load-2",
        List.of("added column c.tier VARCHAR", "widened column c.score INTEGER -> BIGINT"));
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "progress: customers schema change: added column c.tier VARCHAR",
            "progress: customers schema change: widened column c.score INTEGER -> BIGINT");
  }

  @Test
  void noneModePrintsNothing() {
    ProgressListener listener = new ProgressListener(err, ProgressListener.Mode.NONE, now::get, 1L);
    listener.runStarted("events");
    listener.resourceStarted("events", "load-1");
    listener.pageExtracted("events", page(10, "p"), 10, 10);
    assertThat(bytes.size()).isZero();
  }
}
