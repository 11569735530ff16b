package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.maintenance.LakeMaintenance;
import dev.ducklift.ducklake.verify.LakeVerifier;
import dev.ducklift.ducklake.verify.VerifyReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the official fixtures from a PostgreSQL catalog: the catalog tables are created by {@link
 * CatalogDatabase} (the §1.1 DDL), filled with a fixture's rows, its inlined-data tables created
 * with the PostgreSQL encodings of SPEC-NOTES §6.3; every table at every snapshot must read as the
 * official reader returned it, and the lake must verify clean.
 */
class PostgresCatalogIT {
  @TempDir static Path temp;
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(LakeFixtures.root().isPresent(), "shared/ducklake/fixtures is absent");
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureReadsIdenticallyFromAPostgresCatalog() {
    return LakeFixtures.names().stream()
        .map(name -> DynamicTest.dynamicTest(name, () -> checkFixture(name)));
  }

  private void checkFixture(String name) throws Exception {
    Path lake = LakeFixtures.copy(name, temp);
    String schema = "lake_" + name.replace('-', '_');
    CatalogLocation location =
        CatalogLocation.postgres(
            postgres.getJdbcUrl("postgres", "postgres"), "postgres", Secret.of("postgres"), schema);
    try (CatalogDatabase database = CatalogDatabase.open(location, false)) {
      database.initialize(lake.resolve("data") + "/", "test");
      try (Connection source = LakeFixtures.openCatalog(lake, true);
          Connection target = database.connect()) {
        copyCatalog(source, target, database);
      }
      try (LakeReader reader = LakeReader.open(database, lake.resolve("data").toString())) {
        assertThat(reader.dialect()).isEqualTo(LakeReader.Dialect.POSTGRES);
        // Time travel itself is dialect-independent (OfficialFixturesIT covers every snapshot);
        // here every snapshot of the lakes with inlined data (encoded differently on PostgreSQL)
        // and the latest snapshot of the others are compared, before and after maintenance.
        Map<Long, TreeSet<String>> wanted = FixtureComparison.expectedTables(lake);
        long latest = reader.latestSnapshot().id();
        boolean inlined = !reader.inlinedDeletes(1, latest).isEmpty() || hasInlinedData(reader);
        for (Map.Entry<Long, TreeSet<String>> e : wanted.entrySet()) {
          if (inlined || e.getKey() == latest) {
            FixtureComparison.assertSnapshotMatches(reader, lake, e.getKey(), e.getValue());
          }
        }
        VerifyReport report = LakeVerifier.verify(reader);
        assertThat(report.problems()).as(report.toString()).isEmpty();
        // Maintenance on the PostgreSQL catalog keeps the remaining snapshots exact.
        LakeMaintenance maintenance = new LakeMaintenance(reader);
        maintenance.expireKeepingLast(2, false);
        maintenance.cleanupOldFiles(null, false);
        for (Snapshot s : reader.snapshots()) {
          FixtureComparison.assertSnapshotMatches(reader, lake, s.id(), wanted.get(s.id()));
        }
        assertThat(reader.snapshots()).hasSize(2);
        VerifyReport after = LakeVerifier.verify(reader);
        assertThat(after.problems()).as(after.toString()).isEmpty();
      }
    }
  }

  private static boolean hasInlinedData(LakeReader reader) {
    boolean[] found = {false};
    reader.query(
        "SELECT COUNT(*) FROM " + reader.catalogTable("ducklake_inlined_data_tables"),
        List.of(),
        rs -> found[0] = rs.getLong(1) > 0);
    return found[0];
  }

  private static void copyCatalog(Connection source, Connection target, CatalogDatabase database)
      throws SQLException {
    target.setAutoCommit(false);
    List<String> tables = new ArrayList<>();
    try (Statement st = source.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                    + " AND table_name LIKE 'ducklake_%' ORDER BY table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    for (String table : tables) {
      boolean inlinedData =
          table.startsWith("ducklake_inlined_data_")
              && !table.equals("ducklake_inlined_data_tables");
      boolean inlinedDelete = table.startsWith("ducklake_inlined_delete_");
      List<String[]> columns = new ArrayList<>();
      try (Statement st = source.createStatement();
          ResultSet rs = st.executeQuery("DESCRIBE " + Sql.ident(table))) {
        while (rs.next()) {
          columns.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      if (inlinedData || inlinedDelete) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + database.table(table) + " (");
        for (int i = 0; i < columns.size(); i++) {
          ddl.append(i > 0 ? ", " : "")
              .append(Sql.ident(columns.get(i)[0]))
              .append(' ')
              .append(postgresType(columns.get(i)[1]));
        }
        try (Statement st = target.createStatement()) {
          st.execute(ddl.append(')').toString());
        }
      } else {
        try (Statement st = target.createStatement()) {
          st.execute("DELETE FROM " + database.table(table));
        }
      }
      StringBuilder select = new StringBuilder("SELECT ");
      StringBuilder insert =
          new StringBuilder("INSERT INTO " + database.table(table) + " VALUES (");
      boolean inlined = inlinedData;
      for (int i = 0; i < columns.size(); i++) {
        String column = Sql.ident(columns.get(i)[0]);
        String pgType = inlined ? postgresType(columns.get(i)[1]) : catalogType(columns.get(i)[1]);
        select.append(i > 0 ? ", " : "");
        insert.append(i > 0 ? ", " : "");
        if (pgType.equals("BYTEA")) {
          select.append(columns.get(i)[1].equals("BLOB") ? column : "encode(" + column + ")");
          insert.append('?');
        } else {
          select.append("CAST(").append(column).append(" AS VARCHAR)");
          insert.append("CAST(? AS ").append(pgType).append(')');
        }
      }
      try (Statement st = source.createStatement();
          ResultSet rs = st.executeQuery(select + " FROM " + Sql.ident(table));
          PreparedStatement ps = target.prepareStatement(insert + ")")) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          for (int i = 1; i <= md.getColumnCount(); i++) {
            if (inlined && postgresType(columns.get(i - 1)[1]).equals("BYTEA")) {
              ps.setBytes(i, rs.getBytes(i));
            } else {
              ps.setString(i, rs.getString(i));
            }
          }
          ps.executeUpdate();
        }
      }
    }
    target.commit();
    target.setAutoCommit(true);
  }

  private static String catalogType(String duckdbType) {
    return duckdbType.equals("TIMESTAMP WITH TIME ZONE") ? "TIMESTAMPTZ" : duckdbType;
  }

  /** The PostgreSQL column type of a catalog or inlined-data column (SPEC-NOTES §1.1, §6.3). */
  private static String postgresType(String duckdbType) {
    String t = duckdbType.toUpperCase(Locale.ROOT);
    if (t.startsWith("DECIMAL")) {
      return t;
    }
    if (t.contains("[") || t.startsWith("STRUCT") || t.startsWith("MAP")) {
      return "VARCHAR";
    }
    return switch (t) {
      case "VARCHAR", "JSON", "BLOB" -> "BYTEA";
      case "DATE",
              "TIMESTAMP",
              "TIMESTAMP_S",
              "TIMESTAMP_MS",
              "TIMESTAMP_NS",
              "UBIGINT",
              "HUGEINT",
              "UHUGEINT" ->
          "VARCHAR";
      case "TINYINT" -> "SMALLINT";
      case "UTINYINT", "USMALLINT" -> "INTEGER";
      case "UINTEGER" -> "BIGINT";
      case "FLOAT" -> "REAL";
      case "DOUBLE" -> "DOUBLE PRECISION";
      case "TIMESTAMP WITH TIME ZONE" -> "TIMESTAMPTZ";
      case "TIME WITH TIME ZONE" -> "TIMETZ";
      default -> t;
    };
  }
}
