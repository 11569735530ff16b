package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaEvolutionIT {
  private static EmbeddedPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() {
    pg = Lakes.startPostgres();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void rowsWrittenBeforeEachChangeReadWithTheCurrentSchema(Lakes.Kind kind) throws Exception {
    TableName t = TableName.of("people");
    try (DuckLake lake = Lakes.create(kind, dir, pg);
        Connection duck = Lakes.duckdb()) {
      Transaction create =
          lake.newTransaction()
              .createTable(
                  t,
                  List.of(
                      ColumnDefinition.of("id", LakeType.primitive("int16")),
                      ColumnDefinition.of("name", LakeType.primitive("varchar")),
                      ColumnDefinition.of("tmp", LakeType.primitive("varchar"))));
      create.append(t, duck, "SELECT 1 AS id, 'ann' AS name, 'x' AS tmp");
      CommitResult first = create.commit();
      assertThat(first.snapshot().changesMade())
          .isEqualTo("created_table:\"main\".\"people\",inserted_into_table:1");

      // several changes in one commit: one snapshot, one schema version step
      CommitResult altered =
          lake.newTransaction()
              .addColumn(
                  t,
                  ColumnDefinition.of("country", LakeType.primitive("varchar")).withDefault("AT"))
              .renameColumn(t, "name", "full_name")
              .promoteColumn(t, "id", LakeType.primitive("int64"))
              .dropColumn(t, "tmp")
              .addColumn(
                  t, ColumnDefinition.of("tags", LakeType.list(LakeType.primitive("varchar"))))
              .commit();
      assertThat(altered.snapshot().changesMade()).isEqualTo("altered_table:1");
      assertThat(altered.snapshot().schemaVersion())
          .isEqualTo(first.snapshot().schemaVersion() + 1);

      Transaction append = lake.newTransaction();
      append.append(
          t, duck, "SELECT 5000000000 AS id, 'bob' AS full_name, NULL AS country, ['a'] AS tags");
      append.append(t, duck, "SELECT 3 AS id, 'cy' AS full_name");
      append.commit();

      assertThat(Lakes.query(duck, "SELECT * FROM " + Lakes.relation(lake, t) + " ORDER BY id"))
          .containsExactly(
              java.util.Arrays.asList("1", "ann", "AT", null),
              java.util.Arrays.asList("3", "cy", "AT", null),
              java.util.Arrays.asList("5000000000", "bob", null, "[a]"));
      // new ids after the dropped column; the list's element gets its own id
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT column_id, column_name, column_type, parent_column FROM "
                      + Lakes.t(lake, "ducklake_column")
                      + " WHERE end_snapshot IS NULL ORDER BY column_id"))
          .containsExactly(
              java.util.Arrays.asList("1", "id", "int64", null),
              java.util.Arrays.asList("2", "full_name", "varchar", null),
              java.util.Arrays.asList("4", "country", "varchar", null),
              java.util.Arrays.asList("5", "tags", "list", null),
              java.util.Arrays.asList("6", "element", "varchar", "5"));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT begin_snapshot, schema_version, table_id FROM "
                      + Lakes.t(lake, "ducklake_schema_versions")
                      + " ORDER BY 1"))
          .containsExactly(List.of("1", "1", "1"), List.of("2", "2", "1"));
      Lakes.assertVerified(lake);
    }
  }
}
