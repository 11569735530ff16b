package dev.ducklift.jdbc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.jdbc.internal.GenericDialect;
import dev.ducklift.jdbc.internal.PostgresDialect;
import java.sql.Types;
import org.junit.jupiter.api.Test;

class TypeMappingTest {

  private static final ValueReader NONE = (rows, i) -> null;

  @Test
  void refusesARuleDeclaredTwice() {
    assertThatThrownBy(
            () ->
                TypeMapping.builder("test")
                    .name(c -> ColumnMapping.of(DataType.TEXT, String.class, NONE, s -> s), "text")
                    .name(c -> ColumnMapping.of(DataType.TEXT, String.class, NONE, s -> s), "TEXT")
                    .code(Types.INTEGER, "INTEGER", c -> null)
                    .code(Types.INTEGER, "INTEGER", c -> null)
                    .build())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("type name 'text' mapped twice")
        .hasMessageContaining("JDBC type INTEGER mapped twice");
  }

  @Test
  void refusesAMappingWhoseValuesDoNotFitItsDeclaredType() {
    TypeMapping wrong =
        TypeMapping.builder("test")
            .name(c -> ColumnMapping.of(DataType.BIGINT, Integer.class, NONE, null), "int8")
            .build();
    assertThatThrownBy(() -> wrong.find(new SourceColumn("id", Types.BIGINT, "int8", 0, 0, true)))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining(
            "Type mapping rule 'int8' of dialect test declares BIGINT but produces Integer");
  }

  @Test
  void namesWinOverCodesAndUnknownTypesAreLeftToTheFallback() {
    TypeMapping generic = new GenericDialect().typeMapping();
    assertThat(generic.find(new SourceColumn("u", Types.OTHER, "UUID", 0, 0, true)))
        .get()
        .extracting(ColumnMapping::type)
        .isEqualTo(DataType.UUID);
    assertThat(generic.find(new SourceColumn("g", Types.OTHER, "geometry", 0, 0, true))).isEmpty();
  }

  @Test
  void everyPostgresRuleMapsToAClassThePageAllows() {
    TypeMapping pg = new PostgresDialect().typeMapping();
    for (String name : pg.sourceTypeNames()) {
      ColumnMapping m =
          pg.find(new SourceColumn("c", Types.OTHER, name, 10, 2, true)).orElseThrow();
      assertThat(TypeMapping.allows(m.type().kind(), m.javaType())).as(name).isTrue();
      assertThat(m.textDecoder()).as(name + " has a COPY decoder").isNotNull();
    }
    assertThat(pg.sourceTypeNames())
        .contains(
            "int2",
            "int4",
            "int8",
            "numeric",
            "float4",
            "float8",
            "bool",
            "text",
            "varchar",
            "bpchar",
            "date",
            "time",
            "timestamp",
            "timestamptz",
            "interval",
            "uuid",
            "json",
            "jsonb",
            "bytea");
  }

  @Test
  void unconstrainedAndWideNumericsAreTextSoNoDigitIsLost() {
    TypeMapping pg = new PostgresDialect().typeMapping();
    assertThat(
            pg.find(new SourceColumn("n", Types.NUMERIC, "numeric", 0, 0, true))
                .orElseThrow()
                .type())
        .isEqualTo(DataType.TEXT);
    assertThat(
            pg.find(new SourceColumn("n", Types.NUMERIC, "numeric", 39, 2, true))
                .orElseThrow()
                .type())
        .isEqualTo(DataType.TEXT);
    assertThat(
            pg.find(new SourceColumn("n", Types.NUMERIC, "numeric", 38, 38, true))
                .orElseThrow()
                .type())
        .isEqualTo(DataType.decimal(38, 38));
  }
}
