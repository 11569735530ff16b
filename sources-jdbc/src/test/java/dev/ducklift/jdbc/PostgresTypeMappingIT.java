package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.jdbc.internal.TableResource;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresTypeMappingIT {
  private static PostgresFixture pg;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
    pg.execute(
        "CREATE TYPE mood AS ENUM ('sad', 'happy')",
        """
        CREATE TABLE all_types (
          id int4 PRIMARY KEY,
          c_int2 int2, c_int4 int4, c_int8 int8,
          c_num numeric(38,10), c_num_small numeric(5,2), c_num_free numeric, c_num_wide numeric(50,5),
          c_real real, c_double double precision, c_bool boolean,
          c_text text, c_varchar varchar(20), c_char char(5),
          c_date date, c_time time, c_ts timestamp, c_tstz timestamptz,
          c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb, c_bytea bytea,
          c_int_array int4[], c_text_array text[], c_mood mood, c_point point)
        """,
        """
        INSERT INTO all_types VALUES
        (1, 32767, 2147483647, 9223372036854775807,
         9999999999999999999999999999.9999999999, 999.99,
         123456789012345678901234567890.123456789012345,
         123456789012345678901234567890123456789012345.12345,
         3.4028235e38, 1.7976931348623157e308, true,
         E'tab\\there\\nnew line \\\\ back é 🦆', 'varchar', 'ab',
         '9999-12-31', '23:59:59.999999', '9999-12-31 23:59:59.999999',
         '2024-03-10 01:59:59.999999-08',
         '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
         '{"a": [1, 2.50, "x"]}', '{"b": {"c": null}, "n": 12345678901234567890.5}',
         '\\x00ff10', '{1,NULL,3}', ARRAY['a b', 'c,d', 'e"f', NULL, 'NULL', 'back\\slash'],
         'happy', '(1,2)'),
        (2, -32768, -2147483648, -9223372036854775808,
         -9999999999999999999999999999.9999999999, -0.01, 'NaN', 0,
         'NaN', '-Infinity', false, '', '', '',
         '0001-01-01', '00:00:00', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00',
         '-1 days -00:00:01', '00000000-0000-0000-0000-000000000000',
         '[]', '{}', '\\x', '{}', '{}', 'sad', '(0,0)'),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  private static TableResource resource(ReadMethod method) {
    JdbcSource source =
        pg.source("types")
            .readMethod(method)
            .table(JdbcTable.table("public.all_types").build())
            .build();
    return (TableResource) source.resources().get(0);
  }

  private static Map<Integer, Map<String, Object>> read(ReadMethod method) throws Exception {
    Map<Integer, Map<String, Object>> byId = new LinkedHashMap<>();
    for (Map<String, Object> r : Extraction.run(resource(method)).records) {
      byId.put((Integer) r.get("id"), r);
    }
    return byId;
  }

  @Test
  void declaresEveryColumnTypeFromTheMappingTable() {
    TableResource resource = resource(ReadMethod.PLAIN);
    Map<String, DataType> types = new LinkedHashMap<>();
    for (ColumnHint h : resource.spec().columns().values()) {
      types.put(h.name(), h.type());
    }
    assertThat(types)
        .containsEntry("id", DataType.INTEGER)
        .containsEntry("c_int2", DataType.SMALLINT)
        .containsEntry("c_int8", DataType.BIGINT)
        .containsEntry("c_num", DataType.decimal(38, 10))
        .containsEntry("c_num_small", DataType.decimal(5, 2))
        .containsEntry("c_num_free", DataType.TEXT)
        .containsEntry("c_num_wide", DataType.TEXT)
        .containsEntry("c_real", DataType.REAL)
        .containsEntry("c_double", DataType.DOUBLE)
        .containsEntry("c_bool", DataType.BOOLEAN)
        .containsEntry("c_char", DataType.TEXT)
        .containsEntry("c_date", DataType.DATE)
        .containsEntry("c_time", DataType.TIME)
        .containsEntry("c_ts", DataType.TIMESTAMP)
        .containsEntry("c_tstz", DataType.TIMESTAMPTZ)
        .containsEntry("c_interval", DataType.TEXT)
        .containsEntry("c_uuid", DataType.UUID)
        .containsEntry("c_json", DataType.JSON)
        .containsEntry("c_jsonb", DataType.JSON)
        .containsEntry("c_bytea", DataType.BINARY)
        .containsEntry("c_int_array", DataType.JSON)
        .containsEntry("c_mood", DataType.TEXT)
        .containsEntry("c_point", DataType.TEXT);
    assertThat(resource.spec().primaryKey()).containsExactly("id");
    assertThat(resource.spec().columns().get("id").nullable()).isFalse();
    assertThat(resource.table().warnings())
        .singleElement()
        .asString()
        .contains("'c_point'")
        .contains("point");
  }

  @Test
  void readsExtremesExactly() throws Exception {
    Map<String, Object> max = read(ReadMethod.PLAIN).get(1);
    assertThat(max)
        .containsEntry("c_int2", (int) Short.MAX_VALUE)
        .containsEntry("c_int4", Integer.MAX_VALUE)
        .containsEntry("c_int8", Long.MAX_VALUE)
        .containsEntry("c_num", new BigDecimal("9999999999999999999999999999.9999999999"))
        .containsEntry("c_num_small", new BigDecimal("999.99"))
        .containsEntry("c_num_free", "123456789012345678901234567890.123456789012345")
        .containsEntry("c_num_wide", "123456789012345678901234567890123456789012345.12345")
        .containsEntry("c_real", 3.4028235e38f)
        .containsEntry("c_double", Double.MAX_VALUE)
        .containsEntry("c_bool", true)
        .containsEntry("c_text", "tab\there\nnew line \\ back é 🦆")
        .containsEntry("c_char", "ab   ")
        .containsEntry("c_date", LocalDate.of(9999, 12, 31))
        .containsEntry("c_time", LocalTime.of(23, 59, 59, 999_999_000))
        .containsEntry("c_ts", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000))
        .containsEntry(
            "c_tstz", OffsetDateTime.of(2024, 3, 10, 9, 59, 59, 999_999_000, ZoneOffset.UTC))
        .containsEntry("c_interval", "P1Y2M3DT4H5M6.789S")
        .containsEntry("c_uuid", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        .containsEntry("c_json", JSON.readTree("{\"a\": [1, 2.50, \"x\"]}"))
        .containsEntry(
            "c_jsonb", JSON.readTree("{\"b\": {\"c\": null}, \"n\": 12345678901234567890.5}"))
        .containsEntry("c_int_array", Arrays.asList(1, null, 3))
        .containsEntry(
            "c_text_array", Arrays.asList("a b", "c,d", "e\"f", null, "NULL", "back\\slash"))
        .containsEntry("c_mood", "happy")
        .containsEntry("c_point", "(1,2)");
    assertThat((byte[]) max.get("c_bytea")).containsExactly(0x00, 0xff, 0x10);
    Map<String, Object> min = read(ReadMethod.PLAIN).get(2);
    assertThat(min)
        .containsEntry("c_int2", (int) Short.MIN_VALUE)
        .containsEntry("c_int4", Integer.MIN_VALUE)
        .containsEntry("c_int8", Long.MIN_VALUE)
        .containsEntry("c_num_small", new BigDecimal("-0.01"))
        .containsEntry("c_num_free", "NaN")
        .containsEntry("c_num_wide", "0.00000")
        .containsEntry("c_real", Float.NaN)
        .containsEntry("c_double", Double.NEGATIVE_INFINITY)
        .containsEntry("c_date", LocalDate.of(1, 1, 1))
        .containsEntry("c_time", LocalTime.MIDNIGHT)
        .containsEntry("c_tstz", OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
        .containsEntry("c_interval", "P-1DT-1S")
        .containsEntry("c_int_array", List.of())
        .containsEntry("c_mood", "sad");
    assertThat((byte[]) min.get("c_bytea")).isEmpty();
    Map<String, Object> nulls = read(ReadMethod.PLAIN).get(3);
    assertThat(nulls).hasSize(27);
    nulls.forEach(
        (k, v) -> {
          if (!k.equals("id")) {
            assertThat(v).as(k).isNull();
          }
        });
  }

  @Test
  void copyAndPlainReadsGiveIdenticalValues() throws Exception {
    assertThat(resource(ReadMethod.COPY).usesCopy()).isTrue();
    Map<Integer, Map<String, Object>> plain = read(ReadMethod.PLAIN);
    Map<Integer, Map<String, Object>> copy = read(ReadMethod.COPY);
    assertThat(copy.keySet()).containsExactly(1, 2, 3);
    for (Integer id : plain.keySet()) {
      Map<String, Object> p = comparable(plain.get(id));
      Map<String, Object> c = comparable(copy.get(id));
      for (String column : p.keySet()) {
        assertThat(c.get(column)).as("row %s column %s", id, column).isEqualTo(p.get(column));
      }
      assertThat(c.keySet()).containsExactlyElementsOf(p.keySet());
    }
  }

  private static Map<String, Object> comparable(Map<String, Object> record) {
    Map<String, Object> out = new LinkedHashMap<>();
    record.forEach(
        (k, v) ->
            out.put(
                k,
                v instanceof byte[] b
                    ? "bytes:" + HexFormat.of().formatHex(b)
                    : v == null ? "null" : v.getClass().getSimpleName() + ":" + v));
    return out;
  }
}
