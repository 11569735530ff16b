package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

  @TempDir Path dir;

  @Test
  void resolvesEnvironmentFileAndSecretsFileReferences() throws Exception {
    Path tokenFile = dir.resolve("token.txt");
    Files.writeString(tokenFile, "  from-file\n");
    SecretResolver secrets =
        Secrets.of(Map.of("db.password", "pw"), Map.of("API_TOKEN", "from-env"));

    assertThat(secrets.resolve("env:API_TOKEN").reveal()).isEqualTo("from-env");
    assertThat(secrets.resolve("file:" + tokenFile).reveal()).isEqualTo("from-file");
    assertThat(secrets.resolve("secrets:db.password").reveal()).isEqualTo("pw");
  }

  @Test
  void readsNestedYamlJsonAndPropertiesSecretsFiles() throws Exception {
    Files.writeString(dir.resolve("s.yaml"), "github:\n  token: y1\n");
    Files.writeString(dir.resolve("s.json"), "{\"github\": {\"token\": \"j1\"}}");
    Files.writeString(dir.resolve("s.properties"), "github.token=p1\n");

    assertThat(Secrets.withFile(dir.resolve("s.yaml")).resolve("secrets:github.token").reveal())
        .isEqualTo("y1");
    assertThat(Secrets.withFile(dir.resolve("s.json")).resolve("secrets:github.token").reveal())
        .isEqualTo("j1");
    assertThat(
            Secrets.withFile(dir.resolve("s.properties")).resolve("secrets:github.token").reveal())
        .isEqualTo("p1");
  }

  @Test
  void errorsNameTheReferenceButNeverAValue() throws Exception {
    Files.writeString(dir.resolve("s.yaml"), "present: hunter2\n");
    SecretResolver secrets = Secrets.withFile(dir.resolve("s.yaml"));

    assertThatThrownBy(() -> secrets.resolve("secrets:absent"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("secrets:absent")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> secrets.resolve("vault:x")).hasMessageContaining("unknown scheme");
    assertThatThrownBy(() -> secrets.resolve("plain")).hasMessageContaining("no scheme");
    assertThatThrownBy(() -> Secrets.fromEnvironment().resolve("secrets:x"))
        .hasMessageContaining("no secrets file");
    assertThat(Secret.of("hunter2").toString()).doesNotContain("hunter2");
  }
}
