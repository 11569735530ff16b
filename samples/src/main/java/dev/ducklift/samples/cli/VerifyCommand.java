package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.ducklake.verify.LakeVerifier;
import dev.ducklift.ducklake.verify.Problem;
import dev.ducklift.ducklake.verify.VerifyReport;
import dev.ducklift.samples.orchestrate.Outcome;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Validates the lake: catalog layout and metadata, snapshots, ids, every referenced file"
          + " (present, sizes, row counts, field ids, statistics), delete files and paths.",
      "Prints a JSON report; exit code 7 when problems are found."
    })
final class VerifyCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() {
    VerifyReport report;
    try (LakeOptions.Handle handle = lake.reader(main)) {
      report = LakeVerifier.verify(handle.reader());
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("clean", report.isClean());
    out.put("latest_snapshot", report.latestSnapshot());
    out.put("files_checked", report.filesChecked());
    ArrayNode problems = out.putArray("problems");
    for (Problem p : report.problems()) {
      ObjectNode n = problems.addObject();
      n.put("check", p.check().name().toLowerCase(java.util.Locale.ROOT));
      n.put("subject", p.subject());
      n.put("message", p.message());
    }
    main.out.println(out.toPrettyString());
    return report.isClean() ? Outcome.SUCCESS.exitCode() : Outcome.VERIFICATION_FAILED.exitCode();
  }
}
