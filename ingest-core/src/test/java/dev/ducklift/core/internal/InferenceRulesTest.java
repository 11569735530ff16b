package dev.ducklift.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Normalization;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.SchemaContract;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Numbers, timestamps and colliding names: how values choose and widen their columns. */
class InferenceRulesTest {

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static DataType typeOf(NormalizerHarness h, String column) {
    return h.schema("t").column(column).orElseThrow().type();
  }

  private static List<String> columnNames(NormalizerHarness h) {
    return h.schema("t").columns().stream().map(Column::name).toList();
  }

  private static long micros(String instant) {
    OffsetDateTime t = OffsetDateTime.parse(instant);
    return t.toEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  // ---- numbers ------------------------------------------------------------------------------

  @Test
  void floatsAndExponentsInferDoubleAndIntegersBeyond64BitsDecimal() {
    NormalizerHarness h = new NormalizerHarness(ResourceSpec.builder("t").build());
    h.add(
        map(
            "id",
            1,
            "lat",
            48.858370123456789,
            "x",
            1e-12,
            "big",
            new BigInteger("12345678901234567890123"),
            "f",
            0.1));
    h.add(map("id", 2, "lat", 2.5, "x", 3.0, "big", 1, "f", 1e300));

    assertThat(typeOf(h, "lat")).isEqualTo(DataType.DOUBLE);
    assertThat(typeOf(h, "x")).isEqualTo(DataType.DOUBLE);
    assertThat(typeOf(h, "f")).isEqualTo(DataType.DOUBLE);
    assertThat(typeOf(h, "big")).isEqualTo(DataType.decimal(38, 0));
    assertThat(columnNames(h)).noneMatch(c -> c.contains("__v_"));
    assertThat(h.rows("t").get(1)).containsEntry("f", 1e300);
  }

  @Test
  void integersBeyond38DigitsGoToDoubleNotText() {
    NormalizerHarness h = new NormalizerHarness(ResourceSpec.builder("t").build());
    BigInteger huge = BigInteger.TEN.pow(40);
    h.add(map("n", huge));
    assertThat(typeOf(h, "n")).isEqualTo(DataType.DOUBLE);
    assertThat(h.rows("t").get(0)).containsEntry("n", huge.doubleValue());
  }

  @Test
  void exactDecimalsAreSizedToTheDataAndWidenPrecisionAndScaleInsteadOfText() {
    NormalizerHarness h = new NormalizerHarness(ResourceSpec.builder("t").build());
    h.add(map("amount", new BigDecimal("12.50")));
    assertThat(typeOf(h, "amount")).isEqualTo(DataType.decimal(20, 2));

    h.add(map("amount", new BigDecimal("0.123456")));
    assertThat(typeOf(h, "amount")).isEqualTo(DataType.decimal(24, 6));

    h.add(map("amount", new BigDecimal("123456789012345678901234.5")));
    assertThat(typeOf(h, "amount")).isEqualTo(DataType.decimal(30, 6));

    // 33 digits before the point and 6 after need 39: no decimal holds both, so DOUBLE.
    BigDecimal tooWide = new BigDecimal("123456789012345678901234567890123.5");
    h.add(map("amount", tooWide));
    assertThat(typeOf(h, "amount")).isEqualTo(DataType.DOUBLE);
    assertThat(h.rows("t").get(3)).containsEntry("amount", tooWide.doubleValue());
    assertThat(h.normalizer.schemaChanges())
        .containsSubsequence(
            "widened column t.amount DECIMAL(20,2) -> DECIMAL(24,6)",
            "widened column t.amount DECIMAL(24,6) -> DECIMAL(30,6)",
            "widened column t.amount DECIMAL(30,6) -> DOUBLE");
    assertThat(columnNames(h)).noneMatch(c -> c.contains("__v_"));
  }

  @Test
  void aDecimal38Scale9ColumnOfEarlierVersionsTakesFittingValuesAndWidensToDouble() {
    ResourceSpec spec = ResourceSpec.builder("t").build();
    TableSchema earlier =
        new TableSchema(
            "t",
            null,
            List.of(
                new Column(TableSchema.LOAD_ID, DataType.TEXT, false),
                new Column(TableSchema.ROW_ID, DataType.UUID, false),
                Column.of("price", DataType.decimal(38, 9))));
    NormalizerHarness h = new NormalizerHarness(spec, "load2", List.of(earlier));
    h.add(map("price", new BigDecimal("1.5")));
    h.add(map("price", 2.25));
    assertThat(typeOf(h, "price")).isEqualTo(DataType.decimal(38, 9));
    assertThat(h.rows("t").get(1).get("price")).isEqualTo(new BigDecimal("2.25"));

    h.add(map("price", new BigDecimal("3.123456789012345")));
    assertThat(typeOf(h, "price")).isEqualTo(DataType.DOUBLE);
    assertThat(h.normalizer.schemaChanges())
        .containsExactly("widened column t.price DECIMAL(38,9) -> DOUBLE");
  }

  @Test
  void aDecimalHintWidensWhereDuckLakeAllowsAndElseToDouble() {
    ResourceSpec spec =
        ResourceSpec.builder("t")
            .column(new ColumnHint("amount", DataType.decimal(10, 2), true))
            .build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("amount", 12.34));
    assertThat(typeOf(h, "amount")).isEqualTo(DataType.decimal(10, 2));
    h.add(map("amount", 1.005));
    assertThat(typeOf(h, "amount")).isEqualTo(DataType.decimal(11, 3));
    assertThat(h.rows("t").get(1).get("amount")).isEqualTo(new BigDecimal("1.005"));
    h.add(map("amount", 1e300));
    assertThat(typeOf(h, "amount")).isEqualTo(DataType.DOUBLE);
  }

  @Test
  void freezeFailsOnANumberThatDoesNotFitNamingColumnAndValue() {
    ResourceSpec spec = ResourceSpec.builder("t").schemaContract(SchemaContract.FREEZE).build();
    NormalizerHarness first = new NormalizerHarness(spec, "load0", List.of());
    first.add(map("price", new BigDecimal("1.50")));
    NormalizerHarness h = new NormalizerHarness(spec, "load1", first.schemas());

    assertThatThrownBy(() -> h.add(map("price", new BigDecimal("1.123456789012345"))))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("column 'price'")
        .hasMessageContaining("1.123456789012345")
        .hasMessageContaining("freeze");
  }

  @Test
  void aStringInANumberColumnStillGoesToAVariantColumn() {
    NormalizerHarness h = new NormalizerHarness(ResourceSpec.builder("t").build());
    h.add(map("lat", 1.5));
    h.add(map("lat", "north"));
    assertThat(typeOf(h, "lat")).isEqualTo(DataType.DOUBLE);
    assertThat(typeOf(h, "lat__v_text")).isEqualTo(DataType.TEXT);
  }

  // ---- timestamps ---------------------------------------------------------------------------

  @Test
  void naiveAndOffsetTimestampsOfOnePageShareOneTimestamptzColumnInEitherOrder() {
    for (boolean offsetFirst : new boolean[] {true, false}) {
      NormalizerHarness h = new NormalizerHarness(ResourceSpec.builder("t").build());
      String offset = "2026-01-01T10:00:00+02:00";
      String naive = "2026-01-01T10:00:00";
      h.add(map("When", offsetFirst ? offset : naive));
      h.add(map("When", offsetFirst ? naive : offset));

      assertThat(typeOf(h, "when")).isEqualTo(DataType.TIMESTAMPTZ);
      assertThat(columnNames(h)).noneMatch(c -> c.contains("__v_"));
      long offsetMicros = micros("2026-01-01T08:00:00Z");
      long naiveMicros = micros("2026-01-01T10:00:00Z");
      // Staged rows of the naive first record are converted by staging (see StagingIT); the
      // record staged after the column became TIMESTAMPTZ holds the instant.
      Object second = h.rows("t").get(1).get("when");
      assertThat(second).isEqualTo(offsetFirst ? naiveMicros : offsetMicros);
      assertThat(h.normalizer.schemaChanges())
          .contains(
              offsetFirst
                  ? "column t.when: naive timestamps read as UTC"
                  : "widened column t.when TIMESTAMP -> TIMESTAMPTZ");
    }
  }

  @Test
  void naiveTimestampsAreReadInTheConfiguredZone() {
    ResourceSpec spec =
        ResourceSpec.builder("t").naiveTimestamps(ZoneId.of("Europe/Berlin")).build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("at", "2026-07-01T10:00:00Z"));
    h.add(map("at", "2026-07-01T10:00:00"));
    h.add(map("at", LocalDateTime.parse("2026-01-01T10:00:00")));
    assertThat(h.rows("t").get(1).get("at")).isEqualTo(micros("2026-07-01T08:00:00Z"));
    assertThat(h.rows("t").get(2).get("at")).isEqualTo(micros("2026-01-01T09:00:00Z"));
    assertThat(h.normalizer.schemaChanges())
        .contains("column t.at: naive timestamps read as Europe/Berlin");
  }

  @Test
  void separateKeepsNaiveAndOffsetTimestampsInTheirOwnColumns() {
    ResourceSpec spec =
        ResourceSpec.builder("t")
            .normalization(Normalization.DEFAULT.withNaiveTimestamps(null))
            .build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("when", "2026-01-01T10:00:00+02:00"));
    h.add(map("when", "2026-01-01T10:00:00"));
    assertThat(typeOf(h, "when")).isEqualTo(DataType.TIMESTAMPTZ);
    assertThat(typeOf(h, "when__v_timestamp")).isEqualTo(DataType.TIMESTAMP);
  }

  @Test
  void datesInTimestampColumnsAreMidnightAndTimestampsWidenADateColumn() {
    NormalizerHarness h = new NormalizerHarness(ResourceSpec.builder("t").build());
    h.add(map("ts", "2026-01-01T10:00:00", "tz", "2026-01-01T10:00:00Z", "d", "2026-01-01"));
    h.add(map("ts", "2026-01-02", "tz", LocalDate.parse("2026-01-02"), "d", "2026-01-02T06:00:00"));

    assertThat(typeOf(h, "ts")).isEqualTo(DataType.TIMESTAMP);
    assertThat(typeOf(h, "tz")).isEqualTo(DataType.TIMESTAMPTZ);
    assertThat(typeOf(h, "d")).isEqualTo(DataType.TIMESTAMP);
    Map<String, Object> row = h.rows("t").get(1);
    long midnight = LocalDate.parse("2026-01-02").toEpochDay() * 86_400_000_000L;
    assertThat(row).containsEntry("ts", midnight).containsEntry("tz", midnight);
    assertThat(row).containsEntry("d", micros("2026-01-02T06:00:00Z"));
    assertThat(columnNames(h)).noneMatch(c -> c.contains("__v_"));
    assertThat(h.normalizer.schemaChanges())
        .contains(
            "column t.ts: dates read as midnight",
            "column t.tz: dates read as midnight in UTC",
            "widened column t.d DATE -> TIMESTAMP");
  }

  @Test
  void freezeStillFailsWhenAnOffsetTimestampMeetsANaiveColumn() {
    ResourceSpec spec = ResourceSpec.builder("t").schemaContract(SchemaContract.FREEZE).build();
    NormalizerHarness first = new NormalizerHarness(spec, "load0", List.of());
    first.add(map("when", "2026-01-01T10:00:00"));
    NormalizerHarness h = new NormalizerHarness(spec, "load1", first.schemas());
    assertThatThrownBy(() -> h.add(map("when", "2026-01-01T10:00:00+02:00")))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("column 'when'")
        .hasMessageContaining("TIMESTAMPTZ");
  }

  // ---- names --------------------------------------------------------------------------------

  @Test
  void collidingFieldsLoadIntoTwoColumnsAndKeepThemWhenTheOrderFlips() {
    ResourceSpec spec = ResourceSpec.builder("t").build();
    NormalizerHarness first = new NormalizerHarness(spec, "load1", List.of());
    first.add(map("Weird Key!", "a", "weird_key", "b"));
    String suffixed = "weird_key_" + RowIds.shortHash("weird_key");
    assertThat(first.rows("t").get(0)).containsEntry("weird_key", "a").containsEntry(suffixed, "b");
    assertThat(first.normalizer.schemaChanges())
        .contains(
            "renamed field t.weird_key to column "
                + suffixed
                + " (field 'Weird Key!' has the column weird_key)");

    // The mapping travels with the stored schema (as the state store keeps it).
    List<TableSchema> stored =
        first.schemas().stream().map(s -> SchemaCodec.fromJson(SchemaCodec.toJson(s))).toList();
    NormalizerHarness second = new NormalizerHarness(spec, "load2", stored);
    second.add(map("weird_key", "d", "Weird Key!", "c"));
    assertThat(second.rows("t").get(0))
        .containsEntry("weird_key", "c")
        .containsEntry(suffixed, "d");
    assertThat(second.schema("t").columns()).hasSameSizeAs(first.schema("t").columns());
  }

  @Test
  void directNamingKeepsSourceNamesAndSuffixesNamesThatDifferOnlyInCase() {
    ResourceSpec spec =
        ResourceSpec.builder("t").naming(Normalization.Naming.DIRECT).primaryKey("Id").build();
    NormalizerHarness h = new NormalizerHarness(spec);
    h.add(map("Id", 1, "Weird Key!", "a", "nested", map("Inner Name", 2), "id", 3));

    assertThat(columnNames(h)).contains("Id", "Weird Key!", "nested__Inner Name");
    assertThat(h.rows("t").get(0))
        .containsEntry("Weird Key!", "a")
        .containsEntry("id_" + RowIds.shortHash("id"), 3);
  }

  @Test
  void naiveTimestampSettingsParseFromConfigNames() {
    assertThat(Normalization.naiveTimestampsFromConfig("utc")).isEqualTo(ZoneOffset.UTC);
    assertThat(Normalization.naiveTimestampsFromConfig("separate")).isNull();
    assertThat(Normalization.naiveTimestampsFromConfig("Europe/Berlin"))
        .isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThatThrownBy(() -> Normalization.naiveTimestampsFromConfig("Mars/Olympus"))
        .hasMessageContaining("naive_timestamps");
  }
}
