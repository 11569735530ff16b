package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.DestinationFactory;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DuckLakeDestinationFactoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDucklakeTypeIsFoundThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(DestinationFactory.class).stream().map(p -> p.get().type()))
        .contains("ducklake");
  }

  @Test
  void aDuckDbCatalogPathIsResolvedAgainstTheConfigDirectory() throws Exception {
    Destination d =
        new DuckLakeDestinationFactory()
            .create(
                JSON.readTree(
                    "{\"type\":\"ducklake\",\"catalog\":\"lake/c.ducklake\",\"data_path\":\"lake/data\"}"),
                ref -> Secret.of("x"),
                Path.of("/base"));
    assertThat(d.toString()).contains("/base/lake/c.ducklake").contains("/base/lake/data");
  }

  @Test
  void aPostgresPasswordMustBeASecretReferenceAndIsNeverShown() throws Exception {
    String literal =
        "{\"catalog\":{\"url\":\"jdbc:postgresql://h/db\",\"user\":\"u\",\"password\":\"hunter2\"},"
            + "\"data_path\":\"d\"}";
    assertThatThrownBy(
            () ->
                new DuckLakeDestinationFactory()
                    .create(JSON.readTree(literal), ref -> Secret.of("x"), Path.of("/base")))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("secret reference")
        .hasMessageNotContaining("hunter2");
    String reference = literal.replace("hunter2", "env:LAKE_PW");
    Destination d =
        new DuckLakeDestinationFactory()
            .create(JSON.readTree(reference), ref -> Secret.of("s3cret"), Path.of("/base"));
    assertThat(d.toString()).contains("jdbc:postgresql://h/db").doesNotContain("s3cret");
  }

  @Test
  void unknownKeysAreRejectedByName() throws Exception {
    assertThatThrownBy(
            () ->
                new DuckLakeDestinationFactory()
                    .create(
                        JSON.readTree("{\"catalog\":\"c\",\"data_path\":\"d\",\"colour\":1}"),
                        ref -> Secret.of("x"),
                        Path.of("/base")))
        .hasMessageContaining("'colour'");
  }
}
