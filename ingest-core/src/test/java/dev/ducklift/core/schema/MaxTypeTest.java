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

class MaxTypeTest {

  private static final List<DataType> TYPES =
      List.of(
          DataType.BOOLEAN,
          DataType.SMALLINT,
          DataType.INTEGER,
          DataType.BIGINT,
          DataType.REAL,
          DataType.DOUBLE,
          DataType.decimal(4, 0),
          DataType.decimal(10, 2),
          DataType.decimal(18, 0),
          DataType.decimal(20, 2),
          DataType.decimal(30, 5),
          DataType.decimal(35, 0),
          DataType.decimal(37, 30),
          DataType.decimal(38, 9),
          DataType.decimal(38, 0),
          DataType.TEXT,
          DataType.BINARY,
          DataType.UUID,
          DataType.DATE,
          DataType.TIME,
          DataType.TIMESTAMP,
          DataType.TIMESTAMPTZ,
          DataType.INTERVAL);

  @Test
  void agreesWithDuckDbOnEveryPairOfTypes() throws SQLException {
    List<String> differences = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      for (DataType a : TYPES) {
        for (DataType b : TYPES) {
          Optional<String> duckdb = duckDbMaxType(c, a, b);
          Optional<String> ours = MaxType.of(a, b).map(DataType::duckdbType);
          if (!duckdb.equals(ours)) {
            differences.add(a + " , " + b + ": DuckDB " + duckdb + ", MaxType " + ours);
          }
        }
      }
    }
    assertThat(differences).isEmpty();
  }

  @Test
  void promotesOnlyToTheMaxTypeAndNeverToJson() {
    assertThat(MaxType.promotes(DataType.INTEGER, DataType.BIGINT)).isTrue();
    assertThat(MaxType.promotes(DataType.BIGINT, DataType.INTEGER)).isFalse();
    assertThat(MaxType.promotes(DataType.INTEGER, DataType.decimal(20, 2))).isTrue();
    assertThat(MaxType.promotes(DataType.BIGINT, DataType.decimal(20, 2))).isFalse();
    assertThat(MaxType.promotes(DataType.INTEGER, DataType.TEXT)).isFalse();
    assertThat(MaxType.promotes(DataType.TEXT, DataType.JSON)).isFalse();
    assertThat(MaxType.promotes(DataType.TIMESTAMP, DataType.TIMESTAMPTZ)).isTrue();
  }

  private static Optional<String> duckDbMaxType(Connection c, DataType a, DataType b) {
    String sql =
        "SELECT typeof(CASE WHEN random() < 2 THEN NULL::"
            + a.duckdbType()
            + " ELSE NULL::"
            + b.duckdbType()
            + " END)";
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String type = rs.getString(1);
      return Optional.of(type.equals("TIMESTAMP WITH TIME ZONE") ? "TIMESTAMPTZ" : type);
    } catch (SQLException e) {
      return Optional.empty();
    }
  }
}
