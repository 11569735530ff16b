package dev.ducklift.rest;

import dev.ducklift.rest.internal.RecordPaths;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A step applied to each record after selection, in declaration order: a filter drops records, a
 * map rewrites them. The declarative steps ({@link FieldEquals}, {@link DropFields}, {@link
 * RenameFields}) can also be written in YAML/JSON and compare equal; the lambda steps are for the
 * Java DSL.
 */
public interface ProcessingStep {

  /** The record after this step, or {@code null} to drop it. May mutate and return its argument. */
  Map<String, Object> apply(Map<String, Object> record);

  /** Keeps the records matching {@code predicate}. */
  static ProcessingStep filter(Predicate<Map<String, Object>> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return record -> predicate.test(record) ? record : null;
  }

  /** Replaces each record by {@code function}'s result. */
  static ProcessingStep map(UnaryOperator<Map<String, Object>> function) {
    Objects.requireNonNull(function, "function");
    return function::apply;
  }

  /** Keeps records whose field at dotted {@code path} equals {@code value} (numbers by value). */
  static FieldEquals keepWhere(String path, Object value) {
    return new FieldEquals(path, value, false);
  }

  /** Drops records whose field at dotted {@code path} equals {@code value}. */
  static FieldEquals dropWhere(String path, Object value) {
    return new FieldEquals(path, value, true);
  }

  /** Removes top-level fields. */
  static DropFields dropFields(String... names) {
    return new DropFields(List.of(names));
  }

  /** Renames top-level fields ({@code from -> to}). */
  static RenameFields renameFields(Map<String, String> renames) {
    return new RenameFields(renames);
  }

  /** Keeps ({@code negated == false}) or drops records whose field equals a value. */
  record FieldEquals(String path, Object value, boolean negated) implements ProcessingStep {
    public FieldEquals {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record) {
      boolean equal = sameValue(RecordPaths.get(record, path), value);
      return equal != negated ? record : null;
    }

    private static boolean sameValue(Object a, Object b) {
      if (a instanceof Number x && b instanceof Number y) {
        return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
      }
      return Objects.equals(a, b) || (a != null && b != null && a.toString().equals(b.toString()));
    }
  }

  /** Removes top-level fields. */
  record DropFields(List<String> names) implements ProcessingStep {
    public DropFields {
      names = List.copyOf(names);
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record) {
      names.forEach(record::remove);
      return record;
    }
  }

  /** Renames top-level fields, keeping their position. */
  record RenameFields(Map<String, String> renames) implements ProcessingStep {
    public RenameFields {
      renames = Map.copyOf(renames);
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record) {
      Map<String, Object> renamed = new LinkedHashMap<>();
      record.forEach((k, v) -> renamed.put(renames.getOrDefault(k, k), v));
      return renamed;
    }
  }
}
