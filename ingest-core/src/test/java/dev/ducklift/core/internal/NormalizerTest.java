package dev.ducklift.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.SchemaContract;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NormalizerTest {

  private static ResourceSpec spec(String name) {
    return ResourceSpec.builder(name).build();
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static DataType typeOf(NormalizerHarness h, String table, String column) {
    return h.schema(table).column(column).orElseThrow().type();
  }

  @Test
  void flattensNestedObjectsIntoDoubleUnderscoreColumns() {
    NormalizerHarness h = new NormalizerHarness(spec("events"));
    h.add(map("id", 1, "user", map("name", "Ada", "address", map("city", "London"))));

    Map<String, Object> row = h.rows("events").get(0);
    assertThat(row)
        .containsEntry("user__name", "Ada")
        .containsEntry("user__address__city", "London");
    assertThat(row).containsEntry(TableSchema.LOAD_ID, "load1");
    assertThat(row.get(TableSchema.ROW_ID)).isNotNull();
  }

  @Test
  void keepsObjectsDeeperThanTheNestingDepthAsJson() {
    ResourceSpec spec = ResourceSpec.builder("events").maxNestingDepth(1).build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("a", map("b", map("c", 1)), "list", List.of(List.of(1, 2))));

    assertThat(typeOf(h, "events", "a__b")).isEqualTo(DataType.JSON);
    assertThat(h.rows("events").get(0).get("a__b")).isEqualTo("{\"c\":1}");
    // The array is at depth 1 (a child table); its nested list is deeper, so JSON.
    assertThat(h.rows("events__list").get(0).get("value")).isEqualTo("[1,2]");
  }

  @Test
  void nestingDepthZeroKeepsEveryObjectAndArrayAsJson() {
    ResourceSpec spec = ResourceSpec.builder("events").maxNestingDepth(0).build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("a", map("b", 1), "tags", List.of("x")));

    assertThat(typeOf(h, "events", "a")).isEqualTo(DataType.JSON);
    assertThat(typeOf(h, "events", "tags")).isEqualTo(DataType.JSON);
    assertThat(h.rows).containsOnlyKeys("events");
  }

  @Test
  void arraysOfScalarsBecomeChildTablesWithAValueColumn() {
    NormalizerHarness h = new NormalizerHarness(spec("events"));
    h.add(map("id", 7, "tags", List.of("a", "b", "c")));

    List<Map<String, Object>> tags = h.rows("events__tags");
    assertThat(tags).extracting(r -> r.get("value")).containsExactly("a", "b", "c");
    assertThat(tags).extracting(r -> r.get(TableSchema.LIST_INDEX)).containsExactly(0L, 1L, 2L);
    Object parentId = h.rows("events").get(0).get(TableSchema.ROW_ID);
    assertThat(tags).allSatisfy(r -> assertThat(r.get(TableSchema.PARENT_ID)).isEqualTo(parentId));
    assertThat(h.schema("events__tags").parentTable()).isEqualTo("events");
  }

  @Test
  void arraysOfObjectsAndNestedArraysBecomeChildAndGrandchildTables() {
    NormalizerHarness h = new NormalizerHarness(spec("orders"));
    h.add(
        map(
            "id",
            1,
            "items",
            List.of(
                map("sku", "A", "options", List.of(map("k", "color"), map("k", "size"))),
                map("sku", "B"))));

    assertThat(h.rows("orders__items")).extracting(r -> r.get("sku")).containsExactly("A", "B");
    List<Map<String, Object>> options = h.rows("orders__items__options");
    assertThat(options).hasSize(2);
    Object firstItemId = h.rows("orders__items").get(0).get(TableSchema.ROW_ID);
    assertThat(options)
        .allSatisfy(r -> assertThat(r.get(TableSchema.PARENT_ID)).isEqualTo(firstItemId));
    assertThat(h.schema("orders__items__options").parentTable()).isEqualTo("orders__items");
  }

  @Test
  void rowIdsDeriveFromThePrimaryKeySoTheyRepeatAcrossLoads() {
    ResourceSpec spec = ResourceSpec.builder("orders").primaryKey("id").build();
    NormalizerHarness first = new NormalizerHarness(spec, "loadA", List.of());
    NormalizerHarness second = new NormalizerHarness(spec, "loadB", List.of());
    Map<String, Object> record = map("id", 42, "items", List.of(map("sku", "A")));
    first.add(record);
    second.add(record);

    assertThat(first.rows("orders").get(0).get(TableSchema.ROW_ID))
        .isEqualTo(second.rows("orders").get(0).get(TableSchema.ROW_ID));
    assertThat(first.rows("orders__items").get(0).get(TableSchema.ROW_ID))
        .isEqualTo(second.rows("orders__items").get(0).get(TableSchema.ROW_ID));
    // A different key gives a different id.
    second.add(map("id", 43));
    assertThat(second.rows("orders").get(1).get(TableSchema.ROW_ID))
        .isNotEqualTo(second.rows("orders").get(0).get(TableSchema.ROW_ID));
  }

  @Test
  void rowIdsWithoutAPrimaryKeyDependOnLoadAndPosition() {
    NormalizerHarness a = new NormalizerHarness(spec("events"), "loadA", List.of());
    NormalizerHarness b = new NormalizerHarness(spec("events"), "loadB", List.of());
    a.add(map("x", 1));
    a.add(map("x", 1));
    b.add(map("x", 1));

    Object a0 = a.rows("events").get(0).get(TableSchema.ROW_ID);
    Object a1 = a.rows("events").get(1).get(TableSchema.ROW_ID);
    Object b0 = b.rows("events").get(0).get(TableSchema.ROW_ID);
    assertThat(a0).isNotEqualTo(a1).isNotEqualTo(b0);
    assertThat(new NormalizerHarness(spec("events"), "loadA", List.of()))
        .satisfies(
            again -> {
              again.add(map("x", 1));
              assertThat(again.rows("events").get(0).get(TableSchema.ROW_ID)).isEqualTo(a0);
            });
  }

  @Test
  void namesBecomeSnakeCase() {
    NormalizerHarness h = new NormalizerHarness(spec("Events"));
    h.add(map("userId", 1, "HTTPStatus", 200, "first name", "x", "_id", "m"));

    assertThat(h.schema("events").columns())
        .extracting(c -> c.name())
        .contains("user_id", "http_status", "first_name", "_id");
  }

  @Test
  void collidingFieldNamesFailUnderFreezeNamingBothSourceNames() {
    NormalizerHarness h =
        new NormalizerHarness(
            ResourceSpec.builder("events").schemaContract(SchemaContract.FREEZE).build());
    assertThatThrownBy(() -> h.add(map("userId", 1, "user_id", 2)))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("'userId'")
        .hasMessageContaining("'user_id'")
        .hasMessageContaining("events");
  }

  @Test
  void aFieldNamedLikeASystemColumnGetsASuffixedColumn() {
    NormalizerHarness h = new NormalizerHarness(spec("events"));
    h.add(map("_dl_id", "x"));
    String column = "_dl_id_" + RowIds.shortHash("_dl_id");
    assertThat(h.rows("events").get(0)).containsEntry(column, "x");
    assertThat(h.schema("events").renamedFields()).containsEntry("_dl_id", column);
  }

  @Test
  void longNamesAreShortenedStablyWithinTheLimit() {
    String longKey = "a".repeat(200);
    NormalizerHarness h = new NormalizerHarness(spec("events"));
    h.add(map(longKey, 1));
    String column =
        h.schema("events").columns().stream()
            .map(c -> c.name())
            .filter(n -> n.startsWith("aaa"))
            .findFirst()
            .orElseThrow();
    assertThat(column.length()).isLessThanOrEqualTo(Naming.MAX_LENGTH);
    assertThat(Naming.shorten("a".repeat(200))).isEqualTo(column);
  }

  @Test
  void infersTypesOfEveryPageValueType() {
    NormalizerHarness h = new NormalizerHarness(spec("t"));
    UUID uuid = UUID.randomUUID();
    h.add(
        map(
            "b",
            true,
            "i",
            1,
            "l",
            2L,
            "big",
            new BigInteger("123456789012345678901234"),
            "f",
            1.5f,
            "d",
            2.5,
            "dec",
            new BigDecimal("12.345"),
            "s",
            "text",
            "tstz",
            "2024-05-01T10:00:00.123456+02:00",
            "ts",
            "2024-05-01T10:00:00",
            "date",
            "2024-05-01",
            "instant",
            Instant.parse("2024-05-01T10:00:00Z"),
            "odt",
            OffsetDateTime.parse("2024-05-01T10:00:00+02:00"),
            "zdt",
            ZonedDateTime.parse("2024-05-01T10:00:00+02:00[Europe/Paris]"),
            "ldt",
            LocalDateTime.parse("2024-05-01T10:00:00"),
            "ld",
            LocalDate.parse("2024-05-01"),
            "lt",
            LocalTime.parse("10:15:30"),
            "uuid",
            uuid,
            "bin",
            new byte[] {1, 2},
            "dur",
            Duration.ofMinutes(5),
            "json",
            new ObjectMapper().createObjectNode().put("k", 1)));

    assertThat(typeOf(h, "t", "b")).isEqualTo(DataType.BOOLEAN);
    assertThat(typeOf(h, "t", "i")).isEqualTo(DataType.BIGINT);
    assertThat(typeOf(h, "t", "l")).isEqualTo(DataType.BIGINT);
    assertThat(typeOf(h, "t", "big")).isEqualTo(DataType.decimal(38, 0));
    assertThat(typeOf(h, "t", "f")).isEqualTo(DataType.DOUBLE);
    assertThat(typeOf(h, "t", "d")).isEqualTo(DataType.DOUBLE);
    // Its own scale and room for 18 digits before the point.
    assertThat(typeOf(h, "t", "dec")).isEqualTo(DataType.decimal(21, 3));
    assertThat(typeOf(h, "t", "s")).isEqualTo(DataType.TEXT);
    assertThat(typeOf(h, "t", "tstz")).isEqualTo(DataType.TIMESTAMPTZ);
    assertThat(typeOf(h, "t", "ts")).isEqualTo(DataType.TIMESTAMP);
    assertThat(typeOf(h, "t", "date")).isEqualTo(DataType.DATE);
    assertThat(typeOf(h, "t", "instant")).isEqualTo(DataType.TIMESTAMPTZ);
    assertThat(typeOf(h, "t", "odt")).isEqualTo(DataType.TIMESTAMPTZ);
    assertThat(typeOf(h, "t", "zdt")).isEqualTo(DataType.TIMESTAMPTZ);
    assertThat(typeOf(h, "t", "ldt")).isEqualTo(DataType.TIMESTAMP);
    assertThat(typeOf(h, "t", "ld")).isEqualTo(DataType.DATE);
    assertThat(typeOf(h, "t", "lt")).isEqualTo(DataType.TIME);
    assertThat(typeOf(h, "t", "uuid")).isEqualTo(DataType.UUID);
    assertThat(typeOf(h, "t", "bin")).isEqualTo(DataType.BINARY);
    assertThat(typeOf(h, "t", "dur")).isEqualTo(DataType.TEXT);
    // A JsonNode object is a nested object like a map: it flattens.
    assertThat(typeOf(h, "t", "json__k")).isEqualTo(DataType.BIGINT);

    Map<String, Object> row = h.rows("t").get(0);
    long expectedMicros =
        OffsetDateTime.parse("2024-05-01T10:00:00.123456+02:00").toInstant().toEpochMilli() * 1000
            + 456;
    assertThat(row.get("tstz")).isEqualTo(expectedMicros);
    assertThat(row.get("date")).isEqualTo((int) LocalDate.parse("2024-05-01").toEpochDay());
    assertThat(row.get("dur")).isEqualTo("PT5M");
  }

  @Test
  void widensBigintToDoubleAndIntegerHintsToBigint() {
    ResourceSpec spec =
        ResourceSpec.builder("t").column(new ColumnHint("small", DataType.INTEGER, true)).build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("n", 1, "small", 5));
    h.add(map("n", 2.5, "small", 5_000_000_000L));

    assertThat(typeOf(h, "t", "n")).isEqualTo(DataType.DOUBLE);
    assertThat(typeOf(h, "t", "small")).isEqualTo(DataType.BIGINT);
    assertThat(h.normalizer.schemaChanges())
        .contains(
            "widened column t.n BIGINT -> DOUBLE", "widened column t.small INTEGER -> BIGINT");
  }

  @Test
  void widensBigintToDecimal() {
    NormalizerHarness h = new NormalizerHarness(spec("t"));
    h.add(map("n", 1));
    h.add(map("n", new BigDecimal("1.25")));
    // BIGINT needs 19 digits before the point, 1.25 a scale of 2.
    assertThat(typeOf(h, "t", "n")).isEqualTo(DataType.decimal(21, 2));
  }

  @Test
  void coercesStringsIntoExistingTypedColumns() {
    NormalizerHarness h = new NormalizerHarness(spec("t"));
    h.add(map("n", 1, "when", "2024-05-01T10:00:00Z"));
    h.add(map("n", "42", "when", OffsetDateTime.parse("2024-05-02T10:00:00Z")));

    assertThat(typeOf(h, "t", "n")).isEqualTo(DataType.BIGINT);
    assertThat(h.rows("t").get(1).get("n")).isEqualTo(42L);
    assertThat(h.schema("t").columns()).noneMatch(c -> c.name().contains("__v_"));
  }

  @Test
  void evolveSendsAValueThatCannotWidenToAVariantColumn() {
    NormalizerHarness h = new NormalizerHarness(spec("t"));
    h.add(map("price", 10));
    h.add(map("price", "ten"));

    assertThat(typeOf(h, "t", "price")).isEqualTo(DataType.BIGINT);
    assertThat(typeOf(h, "t", "price__v_text")).isEqualTo(DataType.TEXT);
    assertThat(h.rows("t").get(1)).containsEntry("price__v_text", "ten");
    assertThat(h.rows("t").get(1).get("price")).isNull();
  }

  private static List<TableSchema> establish(ResourceSpec spec, Map<String, Object> record) {
    NormalizerHarness first = new NormalizerHarness(spec, "load0", List.of());
    first.add(record);
    return first.schemas();
  }

  @Test
  void freezeFailsOnATypeConflictNamingTableColumnAndValue() {
    ResourceSpec spec = ResourceSpec.builder("t").schemaContract(SchemaContract.FREEZE).build();
    List<TableSchema> previous = establish(spec, map("price", 10));
    NormalizerHarness h = new NormalizerHarness(spec, "load1", previous);

    assertThatThrownBy(() -> h.normalizer.normalize(map("price", "ten"), "page 3", 5))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Resource 't'")
        .hasMessageContaining("table 't'")
        .hasMessageContaining("column 'price'")
        .hasMessageContaining("\"ten\"")
        .hasMessageContaining("record 5 of page 3");
  }

  @Test
  void freezeFailsOnANewColumnAndOnWidening() {
    ResourceSpec spec = ResourceSpec.builder("t").schemaContract(SchemaContract.FREEZE).build();
    List<TableSchema> previous = establish(spec, map("n", 1));
    assertThatThrownBy(
            () -> new NormalizerHarness(spec, "l", previous).add(map("n", 1, "extra", 1)))
        .hasMessageContaining("column 'extra'");
    assertThatThrownBy(() -> new NormalizerHarness(spec, "l", previous).add(map("n", 1.5)))
        .hasMessageContaining("column 'n'");
    // Conforming records pass.
    NormalizerHarness ok = new NormalizerHarness(spec, "l", previous);
    assertThat(ok.add(map("n", 3))).isTrue();
  }

  @Test
  void discardRowDropsTheWholeRecordIncludingItsChildRows() {
    ResourceSpec spec =
        ResourceSpec.builder("t").schemaContract(SchemaContract.DISCARD_ROW).build();
    List<TableSchema> previous = establish(spec, map("n", 1, "tags", List.of("a")));
    NormalizerHarness h = new NormalizerHarness(spec, "l", previous);

    assertThat(h.add(map("n", "bad", "tags", List.of("x", "y")))).isFalse();
    assertThat(h.add(map("n", 2, "tags", List.of("z")))).isTrue();

    assertThat(h.rows("t")).hasSize(1);
    assertThat(h.rows("t__tags")).extracting(r -> r.get("value")).containsExactly("z");
    assertThat(h.normalizer.rowsDiscarded()).isEqualTo(1);
  }

  @Test
  void discardValueNullsTheNonConformingValueAndDropsNewColumns() {
    ResourceSpec spec =
        ResourceSpec.builder("t").schemaContract(SchemaContract.DISCARD_VALUE).build();
    List<TableSchema> previous = establish(spec, map("n", 1, "s", "x"));
    NormalizerHarness h = new NormalizerHarness(spec, "l", previous);

    assertThat(h.add(map("n", "bad", "s", "ok", "extra", 5))).isTrue();
    Map<String, Object> row = h.rows("t").get(0);
    assertThat(row.get("n")).isNull();
    assertThat(row).containsEntry("s", "ok").doesNotContainKey("extra");
  }

  @Test
  void columnHintsOverrideInference() {
    ResourceSpec spec =
        ResourceSpec.builder("t")
            .column(new ColumnHint("code", DataType.TEXT, true))
            .column(new ColumnHint("amount", DataType.decimal(10, 2), true))
            .build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("code", 123, "amount", 5));

    assertThat(typeOf(h, "t", "code")).isEqualTo(DataType.TEXT);
    assertThat(h.rows("t").get(0)).containsEntry("code", "123");
    assertThat(typeOf(h, "t", "amount")).isEqualTo(DataType.decimal(10, 2));
  }

  @Test
  void aNullPrimaryKeyFailsWithAnExcerpt() {
    ResourceSpec spec = ResourceSpec.builder("t").primaryKey("id").build();
    NormalizerHarness h = new NormalizerHarness(spec);
    Map<String, Object> record = new HashMap<>();
    record.put("id", null);
    record.put("name", "no key");
    assertThatThrownBy(() -> h.add(record))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("column 'id'")
        .hasMessageContaining("primary key");
  }

  @Test
  void primaryKeysMayBeGivenAsSourceNamesOrPaths() {
    ResourceSpec spec = ResourceSpec.builder("t").primaryKey("orderId", "meta.region").build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("orderId", 1, "meta", map("region", "eu")));

    assertThat(h.normalizer.primaryKeyColumns()).containsExactly("order_id", "meta__region");
    NormalizerHarness again = new NormalizerHarness(spec, "other-load", List.of());
    again.add(map("orderId", 1, "meta", map("region", "eu")));
    assertThat(again.rows("t").get(0).get(TableSchema.ROW_ID))
        .isEqualTo(h.rows("t").get(0).get(TableSchema.ROW_ID));
  }

  @Test
  void aNonNullableHintRejectsAMissingValue() {
    ResourceSpec spec =
        ResourceSpec.builder("t").column(new ColumnHint("name", DataType.TEXT, false)).build();
    NormalizerHarness h = new NormalizerHarness(spec);
    assertThatThrownBy(() -> h.add(map("other", 1))).hasMessageContaining("column 'name'");
  }

  @Test
  void jsonNodeRecordsNormalizeLikeMaps() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> record =
        mapper.convertValue(mapper.readTree("{\"a\":{\"b\":1},\"tags\":[\"x\",\"y\"]}"), Map.class);
    Map<String, Object> withNodes = new LinkedHashMap<>();
    withNodes.put("node", mapper.readTree("{\"a\":{\"b\":1},\"tags\":[\"x\",\"y\"]}"));
    NormalizerHarness h = new NormalizerHarness(spec("t"));
    h.add(record);
    h.add(withNodes);

    assertThat(h.rows("t").get(0)).containsEntry("a__b", 1);
    assertThat(h.rows("t").get(1)).containsEntry("node__a__b", 1);
    assertThat(h.rows("t__node__tags")).extracting(r -> r.get("value")).containsExactly("x", "y");
  }

  @Test
  void anUnsupportedValueTypeFailsNamingTheColumn() {
    NormalizerHarness h = new NormalizerHarness(spec("t"));
    assertThatThrownBy(() -> h.add(map("weird", new ArrayList<>().iterator())))
        .hasMessageContaining("column 'weird'")
        .hasMessageContaining("unsupported type");
  }
}
