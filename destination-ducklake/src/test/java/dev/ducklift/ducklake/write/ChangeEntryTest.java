package dev.ducklift.ducklake.write;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChangeEntryTest {
  @Test
  void quotedNamesMayHoldCommasAndQuotes() {
    assertThat(
            ChangeEntry.parse(
                "created_table:\"main\".\"a,\"\"b\",inserted_into_table:3,dropped_table:12"))
        .containsExactly(
            new ChangeEntry("created_table", "\"main\".\"a,\"\"b\""),
            new ChangeEntry("inserted_into_table", "3"),
            new ChangeEntry("dropped_table", "12"));
  }

  @Test
  void idsParseAndNamesDoNot() {
    assertThat(new ChangeEntry("altered_table", "7").id()).isEqualTo(7);
    assertThat(new ChangeEntry("created_schema", "\"7\"").id()).isEqualTo(-1);
    assertThat(ChangeEntry.parse(null)).isEmpty();
  }
}
