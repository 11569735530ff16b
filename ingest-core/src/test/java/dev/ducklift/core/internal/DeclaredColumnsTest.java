package dev.ducklift.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.SchemaContract;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Declared columns that changed since the last load, under each schema contract. */
class DeclaredColumnsTest {

  /** The table {@code t(id BIGINT, score INTEGER, name TEXT)} as an earlier load left it. */
  private static final TableSchema BEFORE =
      new TableSchema(
          "t",
          null,
          List.of(
              new Column(TableSchema.LOAD_ID, DataType.TEXT, false),
              new Column(TableSchema.ROW_ID, DataType.UUID, false),
              new Column("id", DataType.BIGINT, false),
              new Column("score", DataType.INTEGER, true),
              new Column("name", DataType.TEXT, true)));

  private static NormalizerHarness declare(SchemaContract contract, ColumnHint... hints) {
    ResourceSpec.Builder spec = ResourceSpec.builder("t").primaryKey("id").schemaContract(contract);
    for (ColumnHint h : hints) {
      spec.column(h);
    }
    return new NormalizerHarness(spec.build(), "load2", List.of(BEFORE));
  }

  private static Map<String, Object> record(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static final ColumnHint ID = new ColumnHint("id", DataType.BIGINT, false);
  private static final ColumnHint NAME = new ColumnHint("name", DataType.TEXT, true);

  @Test
  void underEvolveATypeWithoutACommonTypeGoesToAVariantColumnForEveryValue() {
    NormalizerHarness h =
        declare(SchemaContract.EVOLVE, ID, new ColumnHint("score", DataType.TEXT, true), NAME);
    h.add(record("id", 1L, "score", "12", "name", "a"));
    h.add(record("id", 2L, "score", "high", "name", "b"));

    assertThat(h.normalizer.schemaChanges())
        .containsExactly(
            "added variant column t.score__v_text VARCHAR (score changed type from INTEGER in the"
                + " source; earlier rows keep it)");
    // "12" would fit the integer column, but the declared type decides, not the value
    assertThat(h.rows("t"))
        .extracting(r -> r.get("score"), r -> r.get("score__v_text"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(null, "12"),
            org.assertj.core.groups.Tuple.tuple(null, "high"));
  }

  @Test
  void underEvolveATypeWithACommonTypeWidensTheColumn() {
    NormalizerHarness h =
        declare(
            SchemaContract.EVOLVE,
            ID,
            new ColumnHint("score", DataType.decimal(20, 2), true),
            NAME);
    assertThat(h.normalizer.schemaChanges())
        .containsExactly("widened column t.score INTEGER -> DECIMAL(20,2)");
    assertThat(h.schema("t").column("score").orElseThrow().type())
        .isEqualTo(DataType.decimal(20, 2));
  }

  @Test
  void underFreezeAnyDeclaredChangeFailsNamingTableColumnAndTypes() {
    assertThatThrownBy(
            () ->
                declare(
                    SchemaContract.FREEZE,
                    ID,
                    new ColumnHint("score", DataType.BIGINT, true),
                    NAME))
        .hasMessageContaining("table 't': column 'score' changed type from INTEGER to BIGINT")
        .hasMessageContaining("freeze contract");
    assertThatThrownBy(
            () ->
                declare(
                    SchemaContract.FREEZE,
                    ID,
                    new ColumnHint("score", DataType.INTEGER, true),
                    NAME,
                    new ColumnHint("tier", DataType.TEXT, true)))
        .hasMessageContaining("column 'tier' is a new column (VARCHAR)");
  }

  @Test
  void underDiscardValueValuesThatDoNotFitTheOldColumnAndNewColumnsAreDropped() {
    NormalizerHarness h =
        declare(
            SchemaContract.DISCARD_VALUE,
            ID,
            new ColumnHint("score", DataType.TEXT, true),
            NAME,
            new ColumnHint("tier", DataType.TEXT, true));
    h.add(record("id", 1L, "score", "12", "name", "a", "tier", "gold"));
    h.add(record("id", 2L, "score", "high", "name", "b", "tier", "gold"));

    assertThat(h.normalizer.schemaChanges()).isEmpty();
    assertThat(h.schema("t").column("tier")).isEmpty();
    assertThat(h.rows("t")).extracting(r -> r.get("score")).containsExactly(12L, null);
    assertThat(h.rows("t")).extracting(r -> r.get("name")).containsExactly("a", "b");
  }

  @Test
  void underDiscardRowRowsWithAValueThatDoesNotFitAreDropped() {
    NormalizerHarness h =
        declare(SchemaContract.DISCARD_ROW, ID, new ColumnHint("score", DataType.TEXT, true), NAME);
    h.add(record("id", 1L, "score", "12", "name", "a"));
    h.add(record("id", 2L, "score", "high", "name", "b"));

    assertThat(h.rows("t")).extracting(r -> r.get("id")).containsExactly(1L);
    assertThat(h.normalizer.rowsDiscarded()).isEqualTo(1);
  }

  @Test
  void aColumnThatLeftTheSourceIsReportedAndARenameIsRecognized() {
    NormalizerHarness dropped = declare(SchemaContract.EVOLVE, ID, NAME);
    dropped.normalizer.declaredColumnsChanged(
        List.of("id", "score", "name"),
        List.of(Column.of("id", DataType.BIGINT), Column.of("name", DataType.TEXT)));
    assertThat(dropped.normalizer.schemaChanges())
        .containsExactly(
            "column t.score is no longer in the source (kept; new rows have NULL in it)");

    NormalizerHarness renamed =
        declare(SchemaContract.EVOLVE, ID, new ColumnHint("points", DataType.INTEGER, true), NAME);
    renamed.normalizer.declaredColumnsChanged(
        List.of("id", "score", "name"),
        List.of(
            Column.of("id", DataType.BIGINT),
            Column.of("points", DataType.INTEGER),
            Column.of("name", DataType.TEXT)));
    assertThat(renamed.normalizer.schemaChanges())
        .containsExactly(
            "renamed column t.score -> t.points in the source (new rows fill points; score keeps"
                + " the earlier rows)");
  }
}
