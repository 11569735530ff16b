package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

  @Test
  void aOneLetterSecretDoesNotMangleWordsButIsMaskedAsAWholeToken() {
    SecretMask mask = SecretMask.of("***", List.of("u"));
    assertThat(mask.apply("Connection to 127.0.0.1:1 refused. Check that the hostname is right"))
        .isEqualTo("Connection to 127.0.0.1:1 refused. Check that the hostname is right");
    assertThat(mask.apply("password authentication failed for user \"u\""))
        .isEqualTo("password authentication failed for user \"***\"");
    assertThat(mask.apply("u")).isEqualTo("***");
    assertThat(mask.apply("u@127.0.0.1, role u, u2, _u"))
        .isEqualTo("***@127.0.0.1, role ***, u2, _***");
  }

  @Test
  void aThreeLetterSecretIsMaskedOnlyWhereItStandsAlone() {
    SecretMask mask = SecretMask.of("REDACTED", List.of("abc"));
    assertThat(mask.apply("the alphabet abcdef and xabc stay"))
        .isEqualTo("the alphabet abcdef and xabc stay");
    assertThat(mask.apply("GET /items?key=abc&page=2 -> abc"))
        .isEqualTo("GET /items?key=REDACTED&page=2 -> REDACTED");
    assertThat(mask.appearsIn("abc")).isTrue();
    assertThat(mask.appearsIn("abcd")).isFalse();
  }

  @Test
  void secretsOfFourOrMoreCharactersAreMaskedWhereverTheyAppear() {
    SecretMask mask = SecretMask.of("***", List.of("pass", "hunter22", "hunter2"));
    assertThat(mask.apply("passwordhunter22x hunter2 (pass)")).isEqualTo("***word***x *** (***)");
    assertThat(mask.appearsIn("xhunter2x")).isTrue();
  }

  @Test
  void everySecretIsMaskedWhereItAppearsWholeWhateverItsLength() {
    List<String> secrets = List.of("u", "pw", "k3y", "t0ken-9f2e", "a.b");
    SecretMask mask = SecretMask.of("***", secrets);
    for (String s : secrets) {
      assertThat(mask.apply("value " + s + " end")).isEqualTo("value *** end");
      assertThat(mask.apply(s)).isEqualTo("***");
      assertThat(mask.apply("(" + s + ")")).isEqualTo("(***)");
    }
    // A secret made of regex metacharacters is literal text.
    assertThat(mask.apply("aXb")).isEqualTo("aXb");
  }

  @Test
  void emptyAndNullValuesAreIgnored() {
    SecretMask mask = SecretMask.ofSecrets("***", java.util.Arrays.asList(Secret.of(""), null));
    assertThat(mask.apply("anything")).isEqualTo("anything");
    assertThat(mask.apply(null)).isNull();
  }

  @Test
  void aSecretTooShortToBeACredentialIsWarnedAboutWithoutItsValue() {
    PrintStream original = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try {
      assertThat(SecretMask.warnIfTooShort("Source 'shop': the user", Secret.of("qz"))).isTrue();
      assertThat(SecretMask.warnIfTooShort("Source 'shop': the password", Secret.of("long-one")))
          .isFalse();
      assertThat(SecretMask.warnIfTooShort("Source 'shop': the user", null)).isFalse();
    } finally {
      System.setErr(original);
    }
    String text = logs.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("WARN")
        .contains("Source 'shop': the user is only 2 characters long, too short to be a credential")
        .doesNotContain("qz")
        .doesNotContain("the password");
  }
}
