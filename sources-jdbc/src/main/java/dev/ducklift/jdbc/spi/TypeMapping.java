package dev.ducklift.jdbc.spi;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.schema.DataType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * A dialect's explicit type-mapping table: one rule per source type name (PostgreSQL's {@code
 * int4}, {@code timestamptz}, ...) and, for drivers whose type names vary, one rule per {@link
 * java.sql.Types} code. Rules by name win over rules by code.
 *
 * <p>The table is validated when built (no rule declared twice) and every mapping it produces is
 * checked against the Java classes a {@link dev.ducklift.core.Page} allows for its declared type,
 * so a wrong rule fails at reflection time, naming the rule, instead of loading wrong values.
 * Immutable and thread-safe.
 */
public final class TypeMapping {

  private static final Map<DataType.Kind, Set<Class<?>>> ALLOWED = allowedClasses();

  private final String dialect;
  private final Map<String, Rule> byName;
  private final Map<Integer, Rule> byJdbcType;

  private TypeMapping(String dialect, Map<String, Rule> byName, Map<Integer, Rule> byJdbcType) {
    this.dialect = dialect;
    this.byName = Collections.unmodifiableMap(byName);
    this.byJdbcType = Collections.unmodifiableMap(byJdbcType);
  }

  /** Starts a table for the dialect named {@code dialect}. */
  public static Builder builder(String dialect) {
    return new Builder(dialect);
  }

  /** One row of the table: a source type and how its columns map. */
  public record Rule(String sourceType, Function<SourceColumn, ColumnMapping> mapping) {
    public Rule {
      Objects.requireNonNull(sourceType, "sourceType");
      Objects.requireNonNull(mapping, "mapping");
    }
  }

  /** The source type names this table maps explicitly (lower case). */
  public Set<String> sourceTypeNames() {
    return byName.keySet();
  }

  /** The {@link java.sql.Types} codes this table maps. */
  public Set<Integer> jdbcTypes() {
    return byJdbcType.keySet();
  }

  /**
   * The mapping of {@code column}: by its type name, else by its JDBC type code; empty when the
   * table has neither.
   *
   * @throws DuckliftException when the rule produces a mapping whose Java class does not fit its
   *     declared type
   */
  public Optional<ColumnMapping> find(SourceColumn column) {
    Rule rule = byName.get(column.typeName().toLowerCase(Locale.ROOT));
    if (rule == null) {
      rule = byJdbcType.get(column.jdbcType());
    }
    if (rule == null) {
      return Optional.empty();
    }
    ColumnMapping mapping = rule.mapping().apply(column);
    check(rule.sourceType(), mapping);
    return Optional.of(mapping);
  }

  private void check(String sourceType, ColumnMapping mapping) {
    Set<Class<?>> allowed = ALLOWED.get(mapping.type().kind());
    if (allowed.stream().noneMatch(c -> c.isAssignableFrom(mapping.javaType()))) {
      throw new DuckliftException(
          "Type mapping rule '"
              + sourceType
              + "' of dialect "
              + dialect
              + " declares "
              + mapping.type()
              + " but produces "
              + mapping.javaType().getSimpleName()
              + " values");
    }
  }

  /** Whether {@code javaType} is a class a page may hold for a column of {@code kind}. */
  public static boolean allows(DataType.Kind kind, Class<?> javaType) {
    return ALLOWED.get(kind).stream().anyMatch(c -> c.isAssignableFrom(javaType));
  }

  private static Map<DataType.Kind, Set<Class<?>>> allowedClasses() {
    Map<DataType.Kind, Set<Class<?>>> m = new EnumMap<>(DataType.Kind.class);
    m.put(DataType.Kind.BOOLEAN, Set.of(Boolean.class));
    m.put(DataType.Kind.SMALLINT, Set.of(Integer.class));
    m.put(DataType.Kind.INTEGER, Set.of(Integer.class));
    m.put(DataType.Kind.BIGINT, Set.of(Long.class));
    m.put(DataType.Kind.REAL, Set.of(Float.class));
    m.put(DataType.Kind.DOUBLE, Set.of(Double.class));
    m.put(DataType.Kind.DECIMAL, Set.of(BigDecimal.class));
    m.put(DataType.Kind.TEXT, Set.of(String.class));
    m.put(
        DataType.Kind.JSON,
        Set.of(com.fasterxml.jackson.databind.JsonNode.class, List.class, Map.class));
    m.put(DataType.Kind.BINARY, Set.of(byte[].class));
    m.put(DataType.Kind.UUID, Set.of(UUID.class));
    m.put(DataType.Kind.DATE, Set.of(LocalDate.class));
    m.put(DataType.Kind.TIME, Set.of(LocalTime.class));
    m.put(DataType.Kind.TIMESTAMP, Set.of(LocalDateTime.class));
    m.put(DataType.Kind.TIMESTAMPTZ, Set.of(OffsetDateTime.class));
    m.put(DataType.Kind.INTERVAL, Set.of(Duration.class));
    m.put(DataType.Kind.LIST, Set.of(List.class));
    return m;
  }

  @Override
  public String toString() {
    return "TypeMapping["
        + dialect
        + ", "
        + byName.size()
        + " names, "
        + byJdbcType.size()
        + " codes]";
  }

  /** Builds a {@link TypeMapping}; fails on a rule declared twice. Not thread-safe. */
  public static final class Builder {
    private final String dialect;
    private final Map<String, Rule> byName = new LinkedHashMap<>();
    private final Map<Integer, Rule> byJdbcType = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private Builder(String dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /** Maps columns whose type name is one of {@code names} (case-insensitive). */
    public Builder name(Function<SourceColumn, ColumnMapping> mapping, String... names) {
      for (String name : names) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.isBlank()) {
          problems.add("a blank type name");
        } else if (byName.putIfAbsent(key, new Rule(key, mapping)) != null) {
          problems.add("type name '" + key + "' mapped twice");
        }
      }
      return this;
    }

    /** Maps columns whose {@link java.sql.Types} code is {@code jdbcType}. */
    public Builder code(int jdbcType, String label, Function<SourceColumn, ColumnMapping> mapping) {
      if (byJdbcType.putIfAbsent(jdbcType, new Rule(label, mapping)) != null) {
        problems.add("JDBC type " + label + " mapped twice");
      }
      return this;
    }

    /**
     * Builds the table.
     *
     * @throws DuckliftException listing every rule declared twice
     */
    public TypeMapping build() {
      if (!problems.isEmpty()) {
        throw new DuckliftException(
            "Invalid type mapping of dialect " + dialect + ": " + String.join("; ", problems));
      }
      return new TypeMapping(dialect, new LinkedHashMap<>(byName), new LinkedHashMap<>(byJdbcType));
    }
  }
}
