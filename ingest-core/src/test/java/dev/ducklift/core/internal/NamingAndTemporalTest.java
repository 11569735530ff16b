package dev.ducklift.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class NamingAndTemporalTest {

  @Test
  void thePublicSnakeCaseIsTheNormalizersAndIsIdempotent() {
    for (String raw :
        java.util.List.of(
            "userId",
            "HTTPStatusCode",
            "first name",
            "a-b.c",
            "a__b",
            "1st",
            "_id",
            "!!!",
            "Straße",
            "eventTimestamp_",
            "x9Y",
            "")) {
      String once = dev.ducklift.core.Identifiers.snakeCase(raw);
      assertThat(once).isEqualTo(Naming.snakeCase(raw));
      assertThat(dev.ducklift.core.Identifiers.snakeCase(once)).as(raw).isEqualTo(once);
    }
  }

  @Test
  void snakeCaseHandlesCamelCaseAcronymsPunctuationAndDigits() {
    assertThat(Naming.snakeCase("userId")).isEqualTo("user_id");
    assertThat(Naming.snakeCase("HTTPStatusCode")).isEqualTo("http_status_code");
    assertThat(Naming.snakeCase("first name")).isEqualTo("first_name");
    assertThat(Naming.snakeCase("a-b.c")).isEqualTo("a_b_c");
    assertThat(Naming.snakeCase("a__b")).isEqualTo("a_b");
    assertThat(Naming.snakeCase("1st")).isEqualTo("_1st");
    assertThat(Naming.snakeCase("_id")).isEqualTo("_id");
    assertThat(Naming.snakeCase("!!!")).isEqualTo("_");
    assertThat(Naming.snakeCase("Straße")).isEqualTo("straße");
  }

  @Test
  void recognizesIsoDatesAndTimestampsAndComputesExactEpochValues() {
    IsoTemporal t = new IsoTemporal();
    assertThat(t.parse("2024-02-29")).isEqualTo(IsoTemporal.Kind.DATE);
    assertThat(t.epochDays()).isEqualTo((int) LocalDate.parse("2024-02-29").toEpochDay());
    assertThat(t.parse("2023-02-29")).isEqualTo(IsoTemporal.Kind.NONE);
    assertThat(t.parse("2024-05-01T10:15")).isEqualTo(IsoTemporal.Kind.TIMESTAMP);
    assertThat(t.parse("2024-05-01 10:15:30.5")).isEqualTo(IsoTemporal.Kind.TIMESTAMP);
    for (String s :
        new String[] {
          "2024-05-01T10:15:30Z",
          "1969-12-31T23:59:59.999999-05:30",
          "2024-05-01T10:15:30+0200",
          "2024-05-01T10:15:30.123456789+02:00"
        }) {
      assertThat(t.parse(s)).as(s).isEqualTo(IsoTemporal.Kind.TIMESTAMPTZ);
      OffsetDateTime expected = OffsetDateTime.parse(t.toOffsetDateTime().toString());
      long micros = expected.toEpochSecond() * 1_000_000 + expected.getNano() / 1000;
      assertThat(t.epochMicros()).as(s).isEqualTo(micros);
    }
    assertThat(t.parse("2024-05-01T25:00:00Z")).isEqualTo(IsoTemporal.Kind.NONE);
    assertThat(t.parse("hello world, a sentence")).isEqualTo(IsoTemporal.Kind.NONE);
    assertThat(t.parse("2024-05-01T10:15:30Zjunk")).isEqualTo(IsoTemporal.Kind.NONE);
  }

  @Test
  void rowIdsAreStableAndDistinguishBoundaries() {
    RowIds ids = new RowIds();
    java.util.UUID a = ids.begin().add("ab").add("c").finish();
    java.util.UUID b = ids.begin().add("a").add("bc").finish();
    java.util.UUID again = ids.begin().add("ab").add("c").finish();
    assertThat(a).isEqualTo(again).isNotEqualTo(b);
    assertThat(a.version()).isEqualTo(8);
    assertThat(a.variant()).isEqualTo(2);
    assertThat(ids.begin().add("x").add(1).finish())
        .isNotEqualTo(ids.begin().add("x").add(2).finish());
  }
}
