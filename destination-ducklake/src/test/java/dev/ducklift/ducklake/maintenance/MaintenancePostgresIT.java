package dev.ducklift.ducklake.maintenance;

import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merge, expiry and cleanup on a lake whose catalog is in PostgreSQL. */
class MaintenancePostgresIT {
  private static EmbeddedPostgres postgres;
  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void mergingExpiringAndCleaningUpKeepEveryTimeTravelResultOnPostgres() {
    CatalogLocation location =
        CatalogLocation.postgres(
            postgres.getJdbcUrl("postgres", "postgres"),
            "postgres",
            Secret.of("postgres"),
            "maintained_lake");
    MaintenanceIT.mergeScenario(location, temp.resolve("data"));
  }
}
