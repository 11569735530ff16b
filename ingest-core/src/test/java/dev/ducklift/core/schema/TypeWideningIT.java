package dev.ducklift.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The widening rule agrees with DuckDB's own maximum type, which the DuckLake extension checks. */
class TypeWideningIT {

  private static final List<DataType> TYPES =
      List.of(
          DataType.SMALLINT,
          DataType.INTEGER,
          DataType.BIGINT,
          DataType.REAL,
          DataType.DOUBLE,
          DataType.decimal(4, 0),
          DataType.decimal(5, 2),
          DataType.decimal(18, 3),
          DataType.decimal(20, 5),
          DataType.decimal(38, 0),
          DataType.decimal(38, 9),
          DataType.decimal(38, 15),
          DataType.decimal(30, 20),
          DataType.BOOLEAN,
          DataType.TEXT,
          DataType.UUID,
          DataType.DATE,
          DataType.TIME,
          DataType.TIMESTAMP,
          DataType.TIMESTAMPTZ);

  @Test
  void everyWideningIsDuckDbsMaximumTypeOfBothTypes() throws SQLException {
    List<String> checked = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      for (DataType a : TYPES) {
        for (DataType b : TYPES) {
          Optional<DataType> ours = TypeWidening.max(a, b);
          if (ours.isEmpty()) {
            continue;
          }
          String duckdb = duckdbMax(c, a, b);
          assertThat(ours.get().duckdbType())
              .as("max of %s and %s", a, b)
              .isEqualTo(canonical(duckdb));
          checked.add(a + "+" + b);
        }
      }
    }
    assertThat(checked).hasSizeGreaterThan(100);
  }

  @Test
  void decimalsWidenOnlyWhileDuckDbKeepsBothScaleAndIntegerDigits() {
    assertThat(TypeWidening.allowed(DataType.decimal(18, 3), DataType.decimal(20, 5))).isTrue();
    assertThat(TypeWidening.allowed(DataType.decimal(38, 9), DataType.decimal(38, 15))).isFalse();
    assertThat(TypeWidening.allowed(DataType.decimal(38, 9), DataType.DOUBLE)).isTrue();
    assertThat(TypeWidening.allowed(DataType.BIGINT, DataType.decimal(38, 0))).isTrue();
    assertThat(TypeWidening.allowed(DataType.BIGINT, DataType.decimal(18, 0))).isFalse();
    assertThat(TypeWidening.allowed(DataType.TIMESTAMP, DataType.TIMESTAMPTZ)).isTrue();
    assertThat(TypeWidening.allowed(DataType.TIMESTAMPTZ, DataType.TIMESTAMP)).isFalse();
    assertThat(TypeWidening.allowed(DataType.DOUBLE, DataType.TEXT)).isFalse();
  }

  @Test
  void aMaximumThatDropsDigitsOfExistingValuesIsNoPlaceToKeepThem() {
    // DuckDB's maximum of BIGINT and DECIMAL(38,37) is DECIMAL(38,37): one digit before the point.
    assertThat(TypeWidening.max(DataType.BIGINT, DataType.decimal(38, 37)))
        .contains(DataType.decimal(38, 37));
    assertThat(TypeWidening.keepsValues(DataType.BIGINT, DataType.decimal(38, 37))).isFalse();
    assertThat(TypeWidening.keepsValues(DataType.BIGINT, DataType.decimal(21, 2))).isTrue();
    assertThat(TypeWidening.keepsValues(DataType.decimal(24, 6), DataType.decimal(38, 5)))
        .isFalse();
    assertThat(TypeWidening.keepsValues(DataType.decimal(24, 6), DataType.DOUBLE)).isTrue();
  }

  private static String duckdbMax(Connection c, DataType a, DataType b) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT typeof(x) FROM (SELECT NULL::"
                    + a.duckdbType()
                    + " AS x UNION ALL SELECT NULL::"
                    + b.duckdbType()
                    + ") LIMIT 1")) {
      r.next();
      return r.getString(1);
    }
  }

  /** A type name as {@code typeof} prints it, in the form {@link DataType#duckdbType} uses. */
  private static String canonical(String typeName) {
    return typeName.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ");
  }
}
