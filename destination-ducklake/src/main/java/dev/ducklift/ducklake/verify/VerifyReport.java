package dev.ducklift.ducklake.verify;

import java.util.List;

/** The result of {@link LakeVerifier#verify}: every problem found, empty for a sound lake. */
public record VerifyReport(long latestSnapshot, int filesChecked, List<Problem> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  /** Whether no problem was found. */
  public boolean isClean() {
    return problems.isEmpty();
  }

  /** The problems of one kind. */
  public List<Problem> problems(Check check) {
    return problems.stream().filter(p -> p.check() == check).toList();
  }

  @Override
  public String toString() {
    if (problems.isEmpty()) {
      return "Lake verified clean at snapshot " + latestSnapshot + " (" + filesChecked + " files)";
    }
    StringBuilder sb =
        new StringBuilder(problems.size() + " problem(s) at snapshot " + latestSnapshot + ":");
    for (Problem p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
