package dev.ducklift.ducklake.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Secret;
import org.junit.jupiter.api.Test;

class CatalogLocationTest {
  @Test
  void aPostgresLocationNeverShowsItsPassword() {
    CatalogLocation.Postgres p =
        CatalogLocation.postgres(
            "jdbc:postgresql://127.0.0.1/lake?password=inurl&ssl=false",
            "lake",
            Secret.of("hunter2"),
            "lake_meta");
    assertThat(p.toString())
        .doesNotContain("hunter2")
        .doesNotContain("inurl")
        .contains("lake_meta")
        .contains("ssl=false");
  }

  @Test
  void catalogTablesAreQuotedAndQualified() {
    assertThat(CatalogDatabase.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(CatalogDatabase.literal("it's")).isEqualTo("'it''s'");
    assertThat(CatalogTables.names()).hasSize(28).startsWith("ducklake_metadata");
  }

  @Test
  void onlyPostgresUrlsAreAccepted() {
    assertThatThrownBy(() -> CatalogLocation.postgres("jdbc:mysql://x", "u", Secret.of("p")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
