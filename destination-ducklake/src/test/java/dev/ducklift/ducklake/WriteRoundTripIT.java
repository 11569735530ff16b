package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.read.LakeReader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WriteRoundTripIT {
  private static EmbeddedPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() {
    pg = Lakes.startPostgres();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  private static final String STAGING =
      "CREATE TABLE staging AS SELECT * FROM (VALUES"
          + " (1, true, (-32768)::SMALLINT, (-2147483648)::INTEGER, (-9223372036854775808)::BIGINT,"
          + "  (-3.5)::FLOAT, (-1e300)::DOUBLE, (-999999999999999.999)::DECIMAL(18,3),"
          + "  (-9999999999999999999999999999.9999999999)::DECIMAL(38,10), 'ascii', '{\"a\": 1}'::JSON,"
          + "  '\\x00\\x01'::BLOB, '00000000-0000-0000-0000-000000000001'::UUID, DATE '0001-01-01',"
          + "  TIME '00:00:00', TIMESTAMP '1970-01-01 00:00:00', TIMESTAMPTZ '2024-03-10 01:30:00-08',"
          + "  INTERVAL 1 DAY, [1, NULL, 3]::BIGINT[], [['a'], [], NULL]::VARCHAR[][],"
          + "  {'a': 1, 'b': ['x', 'y']}::STRUCT(a INTEGER, b VARCHAR[]), MAP {'k': 1}::MAP(VARCHAR,"
          + " INTEGER), 1::TINYINT, TIMESTAMP_NS '2000-01-01 00:00:00.123456789'),"
          + " (2, false, 32767::SMALLINT, 2147483647::INTEGER, 9223372036854775807::BIGINT,"
          + "  'inf'::FLOAT, 'nan'::DOUBLE, 999999999999999.999::DECIMAL(18,3),"
          + "  9999999999999999999999999999.9999999999::DECIMAL(38,10), 'ünïcødé ✓ 日本語 \uD83D\uDE00',"
          + "  '[1, 2, {\"b\": null}]'::JSON, 'bytes'::BLOB, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID,"
          + "  DATE '9999-12-31', TIME '23:59:59.999999', TIMESTAMP '2262-04-11 23:47:16.854775',"
          + "  TIMESTAMPTZ '2024-11-03 01:30:00+05:45', INTERVAL '1 year 2 months 3 days 04:05:06.789',"
          + "  []::BIGINT[], []::VARCHAR[][], {'a': NULL, 'b': NULL}::STRUCT(a INTEGER, b VARCHAR[]),"
          + "  MAP {}::MAP(VARCHAR, INTEGER), (-128)::TINYINT, TIMESTAMP_NS '1970-01-01 00:00:00'),"
          + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
          + "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))"
          + " AS v(id, b, i16, i32, i64, f32, f64, d18, d38, s, j, bl, u, d, t, ts, tstz, iv, li, lli,"
          + " st, m, i8, tsns)";

  private static List<ColumnDefinition> columns() {
    return List.of(
        ColumnDefinition.of("id", LakeType.of(DataType.INTEGER)),
        ColumnDefinition.of("b", LakeType.of(DataType.BOOLEAN)),
        ColumnDefinition.of("i16", LakeType.of(DataType.SMALLINT)),
        ColumnDefinition.of("i32", LakeType.of(DataType.INTEGER)),
        ColumnDefinition.of("i64", LakeType.of(DataType.BIGINT)),
        ColumnDefinition.of("f32", LakeType.of(DataType.REAL)),
        ColumnDefinition.of("f64", LakeType.of(DataType.DOUBLE)),
        ColumnDefinition.of("d18", LakeType.of(DataType.decimal(18, 3))),
        ColumnDefinition.of("d38", LakeType.of(DataType.decimal(38, 10))),
        ColumnDefinition.of("s", LakeType.of(DataType.TEXT)),
        ColumnDefinition.of("j", LakeType.of(DataType.JSON)),
        ColumnDefinition.of("bl", LakeType.of(DataType.BINARY)),
        ColumnDefinition.of("u", LakeType.of(DataType.UUID)),
        ColumnDefinition.of("d", LakeType.of(DataType.DATE)),
        ColumnDefinition.of("t", LakeType.of(DataType.TIME)),
        ColumnDefinition.of("ts", LakeType.of(DataType.TIMESTAMP)),
        ColumnDefinition.of("tstz", LakeType.of(DataType.TIMESTAMPTZ)),
        ColumnDefinition.of("iv", LakeType.of(DataType.INTERVAL)),
        ColumnDefinition.of("li", LakeType.of(DataType.list(DataType.BIGINT))),
        ColumnDefinition.of("lli", LakeType.of(DataType.list(DataType.list(DataType.TEXT)))),
        ColumnDefinition.of(
            "st",
            LakeType.struct(
                List.of(
                    new LakeType.Field("a", LakeType.primitive("int32")),
                    new LakeType.Field("b", LakeType.list(LakeType.primitive("varchar")))))),
        ColumnDefinition.of(
            "m", LakeType.map(LakeType.primitive("varchar"), LakeType.primitive("int32"))),
        ColumnDefinition.of("i8", LakeType.primitive("int8")),
        ColumnDefinition.of("tsns", LakeType.primitive("timestamp_ns")));
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void everyTypeRoundTripsWithNullsExtremesNestingAndTimeZones(Lakes.Kind kind) throws Exception {
    TableName table = TableName.of("all_types");
    try (DuckLake lake = Lakes.create(kind, dir, pg);
        Connection duck = Lakes.duckdb()) {
      try (Statement s = duck.createStatement()) {
        s.execute("SET TimeZone = 'America/New_York'");
        s.execute(STAGING);
      }
      CommitResult created =
          lake.newTransaction()
              .createTable(table, columns())
              .commitInfo("me", "create", "x")
              .commit();
      Transaction tx = lake.newTransaction();
      assertThat(tx.append(table, duck, "SELECT * FROM staging")).isEqualTo(3);
      CommitResult appended = tx.commit();

      assertThat(created.snapshotId()).isEqualTo(1);
      assertThat(appended.snapshotId()).isEqualTo(2);
      String rel = Lakes.relation(lake, table);
      assertThat(
              Lakes.query(
                  duck,
                  "SELECT count(*) FROM (SELECT * FROM staging EXCEPT ALL SELECT * FROM "
                      + rel
                      + ")"))
          .containsExactly(List.of("0"));
      assertThat(
              Lakes.query(
                  duck,
                  "SELECT count(*) FROM (SELECT * FROM "
                      + rel
                      + " EXCEPT ALL SELECT * FROM staging)"))
          .containsExactly(List.of("0"));
      assertThat(Lakes.query(duck, "SELECT * FROM " + rel + " ORDER BY id"))
          .isEqualTo(Lakes.query(duck, "SELECT * FROM staging ORDER BY id"));

      // file sizes and footers as on disk
      for (DataFileInfo f : lake.liveDataFiles(table)) {
        assertThat(Files.size(Path.of(f.path()))).isEqualTo(f.fileSizeBytes());
        List<List<String>> row =
            Lakes.catalogRows(
                lake,
                "SELECT footer_size FROM "
                    + Lakes.t(lake, "ducklake_data_file")
                    + " WHERE data_file_id = "
                    + f.dataFileId());
        assertThat(Long.parseLong(row.get(0).get(0))).isEqualTo(footerLength(Path.of(f.path())));
        assertThat(f.path()).startsWith(dir.resolve("data").toString());
      }

      // table stats: exact counts, bounds equal to DuckDB's own min/max of the staged rows
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT record_count, next_row_id FROM " + Lakes.t(lake, "ducklake_table_stats")))
          .containsExactly(List.of("3", "3"));
      for (String col :
          List.of("i16", "i32", "i64", "d18", "d38", "d", "ts", "tstz", "s", "u", "tsns")) {
        long columnId = columnId(lake, col);
        List<String> stat =
            Lakes.catalogRows(
                    lake,
                    "SELECT min_value, max_value, contains_null FROM "
                        + Lakes.t(lake, "ducklake_table_column_stats")
                        + " WHERE column_id = "
                        + columnId)
                .get(0);
        String type =
            Lakes.query(duck, "SELECT typeof(" + col + ") FROM staging LIMIT 1").get(0).get(0);
        assertThat(
                Lakes.query(
                    duck,
                    "SELECT CAST('"
                        + stat.get(0).replace("'", "''")
                        + "' AS "
                        + type
                        + ") = min("
                        + col
                        + "), CAST('"
                        + stat.get(1).replace("'", "''")
                        + "' AS "
                        + type
                        + ") = max("
                        + col
                        + "), count(*) > count("
                        + col
                        + ") FROM staging"))
            .as("stats of %s", col)
            .containsExactly(List.of("true", "true", "true"));
        assertThat(stat.get(2)).isIn("true", "t");
      }
      // NaN in the file: a float column's global bounds are only used when contains_nan is false
      List<String> f64 =
          Lakes.catalogRows(
                  lake,
                  "SELECT contains_nan FROM "
                      + Lakes.t(lake, "ducklake_table_column_stats")
                      + " WHERE column_id = "
                      + columnId(lake, "f64"))
              .get(0);
      assertThat(f64.get(0)).isIn("true", "t");
      Lakes.assertVerified(lake);

      // the reader package sees the same rows
      String digest =
          "SELECT count(*), md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY id)) FROM %s t";
      try (LakeReader reader = LakeReader.open(lake);
          Statement readerSettings = reader.engine().createStatement();
          Statement settings = duck.createStatement()) {
        readerSettings.execute("SET GLOBAL TimeZone = 'UTC'");
        settings.execute("SET GLOBAL TimeZone = 'UTC'");
        List<Object> viaReader = reader.sql(String.format(digest, "main.all_types")).rows().get(0);
        assertThat(viaReader.stream().map(String::valueOf).toList())
            .isEqualTo(Lakes.query(duck, String.format(digest, "staging")).get(0));
      }
    }
  }

  private static long columnId(DuckLake lake, String name) {
    return Long.parseLong(
        Lakes.catalogRows(
                lake,
                "SELECT column_id FROM "
                    + Lakes.t(lake, "ducklake_column")
                    + " WHERE parent_column IS NULL AND column_name = '"
                    + name
                    + "'")
            .get(0)
            .get(0));
  }

  private static long footerLength(Path file) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      byte[] tail = new byte[8];
      raf.seek(raf.length() - 8);
      raf.readFully(tail);
      return ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }
  }
}
