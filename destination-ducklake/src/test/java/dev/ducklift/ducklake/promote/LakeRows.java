package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.verify.LakeVerifier;
import dev.ducklift.ducklake.verify.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Reads a lake back through the reader package and checks it with the verifier. */
final class LakeRows {
  private LakeRows() {}

  /** Rows of a query over the latest snapshot, each row's values joined by {@code |}. */
  static List<String> query(DuckLake lake, String sql) {
    try (LakeReader reader = LakeReader.open(lake);
        LakeSession session = reader.latest()) {
      List<String> out = new ArrayList<>();
      for (List<Object> row : session.sql(sql).rows()) {
        out.add(String.join("|", row.stream().map(Objects::toString).toList()));
      }
      return out;
    }
  }

  /** Asserts the whole lake passes verification. */
  static void assertVerifies(DuckLake lake) {
    try (LakeReader reader = LakeReader.open(lake)) {
      VerifyReport report = LakeVerifier.verify(reader);
      assertThat(report.problems()).as(report.toString()).isEmpty();
    }
  }
}
