package dev.ducklift.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliHelpTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "run",
        "state",
        "state show",
        "state reset",
        "snapshots",
        "query",
        "verify",
        "maintain",
        "demo",
        "generate",
        "schedule"
      })
  void everyCommandPrintsItsHelp(String command) {
    List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
    args.add("--help");
    CliRunner.Result r = CliRunner.run(dir, args.toArray(String[]::new));
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: ducklift " + command);
  }

  @Test
  void theTopLevelHelpListsTheCommandsAndTheExitCodes() {
    CliRunner.Result r = CliRunner.run(dir, "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("run", "state", "snapshots", "query", "verify", "maintain", "demo")
        .contains("Exit codes:")
        .contains("4  source failure")
        .contains("5  commit conflict");
  }

  @Test
  void noCommandOrAnUnknownOptionIsAUsageError() {
    assertThat(CliRunner.run(dir).code()).isEqualTo(2);
    CliRunner.Result r = CliRunner.run(dir, "snapshots", "--no-such-option");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--no-such-option");
  }

  @Test
  void maintainWithNothingToDoIsAUsageError() {
    CliRunner.Result r = CliRunner.run(dir, "maintain", "--lake", ".");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Nothing to do");
  }

  @Test
  void durationsReadTheCommonUnits() {
    assertThat(GenerateCommand.parseDuration("250ms")).hasMillis(250);
    assertThat(GenerateCommand.parseDuration("2s")).hasSeconds(2);
    assertThat(GenerateCommand.parseDuration("5m")).hasMinutes(5);
    assertThat(GenerateCommand.parseDuration("1h")).hasHours(1);
    assertThat(GenerateCommand.parseDuration("PT30S")).hasSeconds(30);
  }
}
