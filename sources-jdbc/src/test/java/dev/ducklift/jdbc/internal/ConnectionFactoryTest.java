package dev.ducklift.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionFactoryTest {
  private static ConnectionFactory factory(String user, boolean userIsSecret, String password) {
    return new ConnectionFactory(
        "shop",
        "jdbc:postgresql://127.0.0.1:1/shop",
        Secret.of(user),
        userIsSecret,
        Secret.of(password),
        Map.of(),
        new PostgresDialect());
  }

  @Test
  void shortSecretsAreMaskedOnlyAsWholeWordsAndLongOnesEverywhere() {
    ConnectionFactory f = factory("u", true, "pwd");
    assertThat(f.scrub("FATAL: password authentication failed for user \"u\" (pwd, pwds)"))
        .isEqualTo("FATAL: password authentication failed for user \"***\" (***, pwds)");
    ConnectionFactory g = factory("reporting", true, "pa55-w0rd");
    assertThat(g.scrub("role reporting_ro of reporting: xpa55-w0rdx"))
        .isEqualTo("role ***_ro of ***: x***x");
  }

  @Test
  void aUserThatIsNotSecretIsShownAsItIs() {
    assertThat(factory("reporting", false, "pa55-w0rd").scrub("user reporting, pa55-w0rd"))
        .isEqualTo("user reporting, ***");
  }
}
