package dev.ducklift.ducklake.verify;

import java.util.Objects;

/**
 * One defect found by {@link LakeVerifier}.
 *
 * @param check which rule is broken
 * @param subject what is affected: {@code table main.t}, {@code data file 12 (path)}, {@code
 *     snapshot 4}...
 * @param message what is wrong, with the recorded and the actual value where there are two
 */
public record Problem(Check check, String subject, String message) {
  public Problem {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return check + " " + subject + ": " + message;
  }
}
