package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LakeTypesTest {
  private static LakeColumn column(String name, String type, LakeColumn... children) {
    return new LakeColumn(1, name, type, null, null, true, List.of(children));
  }

  @Test
  void mapsPrimitiveTypeNames() {
    assertThat(LakeTypes.duckdbPrimitive("int8")).isEqualTo("TINYINT");
    assertThat(LakeTypes.duckdbPrimitive("uint64")).isEqualTo("UBIGINT");
    assertThat(LakeTypes.duckdbPrimitive("timestamp_us")).isEqualTo("TIMESTAMP");
    assertThat(LakeTypes.duckdbPrimitive("timestamptz")).isEqualTo("TIMESTAMPTZ");
    assertThat(LakeTypes.duckdbPrimitive("decimal(38, 10)")).isEqualTo("DECIMAL(38,10)");
    assertThat(LakeTypes.duckdbPrimitive("JSON")).isEqualTo("JSON");
  }

  @Test
  void buildsNestedTypesFromChildColumns() {
    LakeColumn struct =
        column(
            "s",
            "struct",
            column("a b", "int32"),
            column("l", "list", column("element", "varchar")));
    LakeColumn map = column("m", "map", column("key", "varchar"), column("value", "float64"));
    assertThat(struct.duckdbType()).isEqualTo("STRUCT(\"a b\" INTEGER, \"l\" VARCHAR[])");
    assertThat(column("x", "list", struct).duckdbType())
        .isEqualTo("STRUCT(\"a b\" INTEGER, \"l\" VARCHAR[])[]");
    assertThat(map.duckdbType()).isEqualTo("MAP(VARCHAR, DOUBLE)");
  }

  @Test
  void rejectsUnknownTypesAndMalformedNesting() {
    assertThatThrownBy(() -> LakeTypes.duckdbPrimitive("enum"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("'enum'");
    assertThatThrownBy(() -> column("l", "list").duckdbType())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("'l'");
  }
}
