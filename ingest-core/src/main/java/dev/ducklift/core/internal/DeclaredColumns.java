package dev.ducklift.core.internal;

import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.SchemaContract;
import dev.ducklift.core.internal.NormalizedTable.ColumnState;
import dev.ducklift.core.internal.NormalizedTable.FieldNode;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.schema.TypeWidening;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The schema step of declared columns (a database table's reflected columns, or typed column
 * hints): compares them with the root table as earlier loads left it and decides, before anything
 * is staged, what the schema contract makes of each difference. So a load never stages a column the
 * lake cannot take for a reason known in advance.
 *
 * <p>Under {@code evolve}: a new column is added; a changed type widens the column to DuckDB's max
 * type of the old and the new type ({@link TypeWidening}, the promotion the official DuckLake
 * extension accepts), or keeps the column when the new type fits it; otherwise the column's values
 * go to a variant column {@code <column>__v_<type>} of the new type, so earlier rows keep their
 * type and their column. A dropped {@code NOT NULL} makes the column nullable. Under {@code freeze}
 * each of these fails naming the table, column and types. Under {@code discard_value} and {@code
 * discard_row} nothing changes here: each value is then kept when it fits the existing column, and
 * otherwise dropped (or its row), as for records.
 *
 * <p>Columns that left the source, and renames, are found by comparing the declared columns with
 * those of the last finished load ({@link #sourceChanges}).
 */
final class DeclaredColumns {

  private final Normalizer normalizer;
  private final ResourceSpec spec;
  private final NormalizedTable root;
  private final boolean existed;
  private final SchemaContract contract;
  private final List<String> changes;

  DeclaredColumns(Normalizer normalizer, ResourceSpec spec, NormalizedTable root, boolean existed) {
    this.normalizer = normalizer;
    this.spec = spec;
    this.root = root;
    this.existed = existed;
    this.contract = spec.schemaContract();
    this.changes = normalizer.schemaChanges();
  }

  /**
   * Applies one declared column; returns the column its values go to ({@code null} when a contract
   * drops them).
   */
  ColumnState declare(ColumnHint hint, ColumnState existing) {
    String name = hint.name();
    DataType declared = hint.type();
    if (existing == null) {
      if (existed && contract != SchemaContract.EVOLVE) {
        if (contract == SchemaContract.FREEZE) {
          throw frozen(name, "is a new column (" + declared + ") in the source");
        }
        return null;
      }
      root.claim(name, null);
      ColumnState added = root.addColumn(name, declared, hint.nullable());
      if (existed) {
        changes.add("added column " + root.name + "." + name + " " + declared);
      }
      return added;
    }
    if (!existed || existing.index < 2) {
      return existing;
    }
    if (hint.nullable() && !existing.nullable) {
      if (contract == SchemaContract.FREEZE) {
        throw frozen(name, "is no longer NOT NULL in the source");
      }
      existing.nullable = true;
      root.version++;
      changes.add("column " + root.name + "." + name + " is nullable now (NOT NULL dropped)");
    }
    if (existing.type.equals(declared)) {
      return existing;
    }
    Optional<DataType> max = TypeWidening.max(existing.type, declared);
    if (max.isPresent() && max.get().equals(existing.type)) {
      return existing;
    }
    if (contract == SchemaContract.FREEZE) {
      throw frozen(
          name, "changed type from " + existing.type + " to " + declared + " in the source");
    }
    if (contract != SchemaContract.EVOLVE) {
      return existing;
    }
    if (max.isPresent()) {
      widen(existing, max.get());
      return existing;
    }
    return variant(existing, declared);
  }

  private void widen(ColumnState column, DataType to) {
    changes.add(
        "widened column " + root.name + "." + column.name + " " + column.type + " -> " + to);
    column.type = to;
    root.version++;
  }

  private ColumnState variant(ColumnState column, DataType declared) {
    String name =
        Naming.shorten(column.name + "__v_" + declared.kind().name().toLowerCase(Locale.ROOT));
    ColumnState variant = root.byName.get(name);
    if (variant == null) {
      normalizer.claimVariant(root, name, column.name);
      variant = root.addColumn(name, declared, true);
      changes.add(
          "added variant column "
              + root.name
              + "."
              + name
              + " "
              + declared
              + " ("
              + column.name
              + " changed type from "
              + column.type
              + " in the source; earlier rows keep it)");
    } else if (!variant.type.equals(declared)) {
      Optional<DataType> max = TypeWidening.max(variant.type, declared);
      if (max.isEmpty()) {
        // the variant cannot hold the new type either: values decide, as for records
        return column;
      }
      if (!max.get().equals(variant.type)) {
        widen(variant, max.get());
      }
    }
    FieldNode node = normalizer.rootField(column.name);
    node.column = variant;
    return variant;
  }

  /**
   * Reports the columns of the last finished load that the source no longer declares, as renamed
   * when exactly one column left and one came at the same position with the same type; under {@code
   * freeze} fails instead.
   *
   * @param before the root table as the last finished load left it
   * @param previous the declared column names of that load, in order (empty when unknown)
   * @param declared this load's declared columns, in order
   */
  void sourceChanges(TableSchema before, List<String> previous, List<Column> declared) {
    if (before == null || previous.isEmpty()) {
      return;
    }
    List<String> now = declared.stream().map(Column::name).toList();
    Set<String> nowSet = new HashSet<>(now);
    Set<String> previousSet = new HashSet<>(previous);
    List<String> gone = new ArrayList<>();
    for (String p : previous) {
      if (!nowSet.contains(p)) {
        gone.add(p);
      }
    }
    if (gone.isEmpty()) {
      return;
    }
    List<String> added = now.stream().filter(n -> !previousSet.contains(n)).toList();
    if (gone.size() == 1 && added.size() == 1) {
      String from = gone.get(0);
      String to = added.get(0);
      Optional<Column> old = before.column(from);
      DataType toType = declared.get(now.indexOf(to)).type();
      if (previous.indexOf(from) == now.indexOf(to)
          && old.isPresent()
          && old.get().type().equals(toType)) {
        if (contract == SchemaContract.FREEZE) {
          throw frozen(from, "was renamed to " + to + " in the source");
        }
        changes.remove("added column " + root.name + "." + to + " " + toType);
        changes.add(
            "renamed column "
                + root.name
                + "."
                + from
                + " -> "
                + root.name
                + "."
                + to
                + " in the source (new rows fill "
                + to
                + "; "
                + from
                + " keeps the earlier rows)");
        return;
      }
    }
    for (String g : gone) {
      if (contract == SchemaContract.FREEZE) {
        throw frozen(g, "is no longer in the source");
      }
      changes.add(
          "column "
              + root.name
              + "."
              + g
              + " is no longer in the source (kept; new rows have NULL in it)");
    }
  }

  private DuckliftException frozen(String column, String what) {
    return new DuckliftException(
        "Resource '"
            + spec.name()
            + "', table '"
            + root.name
            + "': column '"
            + column
            + "' "
            + what
            + ", which the freeze contract does not allow; nothing was staged. Revert the change"
            + " in the source, or load it under the evolve contract");
  }
}
