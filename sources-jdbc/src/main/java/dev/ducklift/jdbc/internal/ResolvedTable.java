package dev.ducklift.jdbc.internal;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.jdbc.CursorMode;
import dev.ducklift.jdbc.RangeSplit;
import dev.ducklift.jdbc.spi.ColumnMapping;
import dev.ducklift.jdbc.spi.SourceColumn;
import java.util.List;

/**
 * A table or query after reflection: what to select, how each column maps, and the resource spec
 * declared to the runtime.
 *
 * @param label the qualified table or the query's resource name, for messages
 * @param from the SQL {@code FROM} item (a quoted qualified table or a parenthesised query)
 * @param columns the selected columns in select order
 * @param spec the resource spec (keys, disposition, incremental, column hints)
 * @param mode the incremental mode, or {@code null}
 * @param cursorIndex the cursor's index in {@code columns}, or -1
 * @param idIndex the tiebreak id's index in {@code columns}, or -1
 * @param cursorKind the kind of cursor values, or {@code null}
 * @param idKind the kind of tiebreak values, or {@code null}
 * @param split the range split, or {@code null}
 * @param splitColumn the split column (selected or not), or {@code null}
 * @param splitKind the kind of split values, or {@code null}
 * @param shardIndex this worker's shard, or -1 when not sharded
 * @param warnings fallback mappings, naming their columns
 */
public record ResolvedTable(
    String label,
    String from,
    List<MappedColumn> columns,
    ResourceSpec spec,
    CursorMode mode,
    int cursorIndex,
    int idIndex,
    CursorValue.Kind cursorKind,
    CursorValue.Kind idKind,
    RangeSplit split,
    MappedColumn splitColumn,
    CursorValue.Kind splitKind,
    int shardIndex,
    List<String> warnings) {

  public ResolvedTable {
    columns = List.copyOf(columns);
    warnings = List.copyOf(warnings);
  }

  /**
   * A reflected column and its mapping.
   *
   * @param source the column as the database describes it
   * @param mapping how it maps
   * @param key its key in records (snake_case, as the normalizer names the column)
   */
  public record MappedColumn(SourceColumn source, ColumnMapping mapping, String key) {
    public String name() {
      return source.name();
    }
  }

  public String resourceName() {
    return spec.name();
  }

  public boolean incremental() {
    return mode != null;
  }
}
