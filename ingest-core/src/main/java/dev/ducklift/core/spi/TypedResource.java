package dev.ducklift.core.spi;

import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Resource;
import dev.ducklift.core.schema.Column;
import java.util.List;

/**
 * A resource whose root table has a declared, fixed schema (a database table after reflection, for
 * example), so the runtime can stage its rows column-typed: no records, no flattening, no type
 * inference.
 *
 * <p>The runtime stages typed when every declared column is already a column of the table the
 * normalizer would stage (from the column hints or earlier loads) with the same type, and the
 * committed watermark has the cursor column's kind; otherwise (a schema that would have to evolve
 * or widen, a text cursor) it falls back to {@link #extract} and the normalizer, so every schema
 * and contract rule applies exactly as for any resource. Both ways stage the same rows, row ids and
 * watermarks.
 *
 * <p>Everything {@link Resource#extract} promises holds for {@link #extractTyped}: rows stream, a
 * checkpoint happens only at a page end, and a resource that returns or throws has every ended page
 * either staged or discarded together with its cursor position.
 *
 * <p>Reads must be repeatable: when an incremental typed resource already has local watermarks, the
 * runtime first extracts from them without opening staging or asking the destination, and abandons
 * that extract (by throwing from {@link TypedRowSink#endRow}) at the first row. A run that finds no
 * row ends there; otherwise the runtime restores state from the destination and extracts again.
 */
public interface TypedResource extends Resource {

  /**
   * The root table's columns in order, named as the normalizer names them (the keys of the records
   * {@link #extract} would yield) and typed as staged; without the system columns. Must not change
   * during a run.
   */
  List<Column> columns();

  /**
   * Whether this run can stage typed; asked once per run before extracting (for example, a source
   * that reads ranges on several threads may answer {@code false} for an initial parallel load).
   */
  default boolean stagesTyped(ExtractContext context) {
    return true;
  }

  /**
   * Streams this run's rows into {@code rows} on the calling thread, in pages.
   *
   * @throws Exception to fail the resource; pages ended and checkpointed before stay intact
   */
  void extractTyped(ExtractContext context, TypedRowSink rows) throws Exception;
}
