package dev.ducklift.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging's appenders and its checkpoint transaction, against real DuckDB files. */
class StagingIT {

  @TempDir Path dir;

  /** One column of every kind the vector path writes, after an id. */
  private static final List<DataType> KINDS =
      List.of(
          DataType.BIGINT,
          DataType.TEXT,
          DataType.JSON,
          DataType.DOUBLE,
          DataType.BOOLEAN,
          DataType.TIMESTAMP,
          DataType.TIMESTAMPTZ,
          DataType.DATE,
          DataType.INTEGER,
          DataType.SMALLINT,
          DataType.REAL,
          DataType.UUID);

  private static final String[] TEXTS = {
    "", "a", "exactly12chr", "thirteen char", "Zürich ✓ 𝄞 naïve", "x".repeat(300), "line\nbreak"
  };

  @Test
  void theDriverExposesTheVectorPathSoStagingDoesNotFallBackToValueByValueAppends() {
    assertThat(VectorAppender.available())
        .as("duckdb_jdbc internals used by VectorAppender (a driver upgrade may have moved them)")
        .isTrue();
    assertThat(VectorAppender.supports(kinds(KINDS))).isTrue();
    assertThat(VectorAppender.supports(kinds(List.of(DataType.BIGINT, DataType.decimal(38, 9)))))
        .isFalse();
  }

  @Test
  void rowsWrittenIntoVectorsReadBackAsTheirValuesAcrossChunkBoundaries() throws Exception {
    List<Object[]> rows = randomRows(2048 * 2 + 77, 7);
    try (DuckDBConnection c = open(dir.resolve("v.duckdb"))) {
      createTable(c, "t", KINDS);
      VectorAppender appender = VectorAppender.open(c, "main", "t", kinds(KINDS));
      assertThat(appender).isNotNull();
      VectorChunk chunk = new VectorChunk(kinds(KINDS), VectorAppender.vectorSize());
      for (Object[] row : rows) {
        chunk.appendRow(row);
        if (chunk.full()) {
          appender.append(chunk);
          chunk.clear();
        }
      }
      appender.append(chunk);
      appender.close();
      assertTableHolds(c, "main.t", rows);
    }
  }

  @Test
  void aTableWithAColumnTheVectorPathDoesNotWriteIsStagedValueByValue() throws Exception {
    try (Staging staging = Staging.open(dir.resolve("work"));
        Staging.LoadWriter writer = staging.begin("l1", 1)) {
      NormalizedTable table = table("prices", List.of(DataType.BIGINT, DataType.decimal(38, 9)));
      writer.ensureTable(table);
      Object[][] rows = {
        {1L, new BigDecimal("12.5")}, {2L, null}, {3L, new BigDecimal("-0.000000001")}
      };
      writer.append(table, rows, rows.length);
      writer.checkpoint(manifest("l1", writer, table));
      assertThat(prices(staging)).containsExactly("1=12.500000000", "2=null", "3=-0.000000001");
    }
  }

  @Test
  void aLoadAppendsWithoutDuckDbWorkerThreadsAndGivesThemBackForThePromote() throws Exception {
    try (Staging staging = Staging.open(dir.resolve("work"))) {
      String before = threads(staging.connection());
      NormalizedTable table = table("events", KINDS);
      try (Staging.LoadWriter writer = staging.begin("l1", 1)) {
        assertThat(threads(staging.connection())).isEqualTo("1");
        writer.stageInBackground();
        writer.ensureTable(table);
        append(writer, table, randomRows(3000, 5));
        writer.checkpoint(manifest("l1", writer, table));
      }
      assertThat(threads(staging.connection())).isEqualTo(before);
      try (Staging.LoadWriter writer = staging.begin("l2", 2)) {
        writer.ensureTable(table);
        append(writer, table, randomRows(10, 6));
        // Closed without a checkpoint: rolled back, and the threads are restored all the same.
      }
      assertThat(threads(staging.connection())).isEqualTo(before);
    }
  }

  /** The committed rows of load l1's prices table, as "id=value". */
  private static List<String> prices(Staging staging) throws SQLException {
    List<String> read = new ArrayList<>();
    try (Statement st = staging.connection().createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c0, c1::VARCHAR FROM "
                    + Staging.relation("l1", "prices")
                    + " ORDER BY c0")) {
      while (rs.next()) {
        read.add(rs.getLong(1) + "=" + rs.getString(2));
      }
    }
    return read;
  }

  private static String threads(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('threads')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void rowsAppendedButNotCheckpointedAreNeitherVisibleNorDurable() throws Exception {
    Path work = dir.resolve("work");
    List<Object[]> committed = randomRows(3000, 11);
    List<Object[]> pending = randomRows(2500, 12);
    try (Staging staging = Staging.open(work)) {
      NormalizedTable table = table("events", KINDS);
      try (Staging.LoadWriter writer = staging.begin("l1", 1)) {
        writer.ensureTable(table);
        append(writer, table, committed);
        writer.checkpoint(manifest("l1", writer, table));
        append(writer, table, pending);
        assertThat(writer.rowsSinceCheckpoint()).isEqualTo(pending.size());
        try (Connection other = staging.connection().duplicate()) {
          assertThat(count(other, Staging.relation("l1", "events"))).isEqualTo(committed.size());
        }
        // Closing without a checkpoint rolls the pending rows back.
      }
      assertThat(count(staging.connection(), Staging.relation("l1", "events")))
          .isEqualTo(committed.size());
    }
    try (DuckDBConnection reopened = open(work.resolve(Staging.FILE_NAME))) {
      assertTableHolds(reopened, Staging.relation("l1", "events"), committed);
      assertThat(count(reopened, "main." + Staging.JOURNAL)).isEqualTo(1);
    }
  }

  @Test
  void eachCheckpointCommitsExactlyTheRowsAppendedSinceThePreviousOne() throws Exception {
    List<Object[]> all = randomRows(2049 + 1 + 4096, 21);
    int[] batches = {2049, 1, 4096};
    try (Staging staging = Staging.open(dir.resolve("work"));
        Staging.LoadWriter writer = staging.begin("l1", 1)) {
      NormalizedTable table = table("events", KINDS);
      writer.ensureTable(table);
      int from = 0;
      for (int size : batches) {
        append(writer, table, all.subList(from, from + size));
        from += size;
        writer.checkpoint(manifest("l1", writer, table));
        assertThat(writer.rowsCommitted()).isEqualTo(from);
        assertTableHolds(
            staging.connection(), Staging.relation("l1", "events"), all.subList(0, from));
      }
    }
  }

  @Test
  void rowsStagedInBackgroundReadBackAsTheirValuesAndCheckpointsAreReportedOnceCommitted()
      throws Exception {
    List<Object[]> all = randomRows(2049 + 1 + 4096 + 3000, 31);
    int[] batches = {2049, 1, 4096, 3000};
    try (Staging staging = Staging.open(dir.resolve("work"));
        Staging.LoadWriter writer = staging.begin("l1", 1)) {
      NormalizedTable table = table("events", KINDS);
      writer.ensureTable(table);
      writer.stageInBackground();
      int from = 0;
      for (int i = 0; i < batches.length; i++) {
        append(writer, table, all.subList(from, from + batches[i]));
        from += batches[i];
        if (i < batches.length - 1) {
          writer.checkpointInBackground(manifest("l1", writer, table));
        } else {
          writer.checkpoint(manifest("l1", writer, table));
        }
      }
      assertThat(writer.rowsCommitted()).isEqualTo(all.size());
      assertThat(writer.takeCommittedCheckpoints())
          .containsExactly(new long[] {2049, 2049}, new long[] {1, 2050}, new long[] {4096, 6146});
      assertTableHolds(staging.connection(), Staging.relation("l1", "events"), all);
    }
  }

  @Test
  void aColumnAddedMidLoadInBackgroundComesAfterTheRowsAppendedBeforeIt() throws Exception {
    List<Object[]> all = randomRows(5000, 41);
    List<Object[]> before = new ArrayList<>();
    for (Object[] row : all.subList(0, 2500)) {
      before.add(java.util.Arrays.copyOf(row, Math.min(row.length, 6)));
    }
    try (Staging staging = Staging.open(dir.resolve("work"));
        Staging.LoadWriter writer = staging.begin("l1", 1)) {
      NormalizedTable table = table("events", KINDS.subList(0, 6));
      writer.ensureTable(table);
      writer.stageInBackground();
      append(writer, table, before);
      for (int i = 6; i < KINDS.size(); i++) {
        table.addColumn("c" + i, KINDS.get(i), true);
      }
      append(writer, table, all.subList(2500, 5000));
      writer.checkpoint(manifest("l1", writer, table));
      List<Object[]> expected = new ArrayList<>(before);
      expected.addAll(all.subList(2500, 5000));
      assertTableHolds(staging.connection(), Staging.relation("l1", "events"), expected);
    }
  }

  @Test
  void aTableTheVectorPathDoesNotWriteIsStagedValueByValueInBackgroundToo() throws Exception {
    try (Staging staging = Staging.open(dir.resolve("work"));
        Staging.LoadWriter writer = staging.begin("l1", 1)) {
      NormalizedTable table = table("prices", List.of(DataType.BIGINT, DataType.decimal(38, 9)));
      writer.ensureTable(table);
      writer.stageInBackground();
      Object[][] rows = {{1L, new BigDecimal("12.5")}, {2L, null}};
      writer.append(table, rows, rows.length);
      rows[0][1] = new BigDecimal("99");
      writer.checkpoint(manifest("l1", writer, table));
      assertThat(prices(staging)).containsExactly("1=12.500000000", "2=null");
    }
  }

  @Test
  void aFailureOnTheStagingThreadIsThrownByALaterCallAndOnlyTheBatchSinceTheLastCheckpointIsLost()
      throws Exception {
    try (Staging staging = Staging.open(dir.resolve("work"));
        Staging.LoadWriter writer = staging.begin("l1", 1)) {
      NormalizedTable table = table("prices", List.of(DataType.BIGINT, DataType.decimal(38, 9)));
      writer.ensureTable(table);
      writer.stageInBackground();
      Object[][] good = {{1L, new BigDecimal("1.5")}, {2L, new BigDecimal("2")}};
      writer.append(table, good, good.length);
      writer.checkpoint(manifest("l1", writer, table));
      // More decimals than the column's scale: the staging thread fails to append it.
      Object[][] bad = {{3L, new BigDecimal("3")}, {4L, new BigDecimal("0.0000000001")}};
      writer.append(table, bad, bad.length);
      assertThatThrownBy(
              () -> {
                writer.checkpointInBackground(manifest("l1", writer, table));
                writer.closeAppenders();
              })
          .isInstanceOf(DuckliftException.class)
          .hasMessageContaining("Staging load l1 failed at staging rows of table prices");
      assertThat(writer.takeCommittedCheckpoints()).isEmpty();
      writer.rollback();
      assertThat(writer.rowsCommitted()).isEqualTo(2);
      assertThat(count(staging.connection(), Staging.relation("l1", "prices"))).isEqualTo(2);
      // After the rollback the writer stages again.
      Object[][] more = {{5L, new BigDecimal("5")}};
      writer.append(table, more, more.length);
      writer.checkpoint(manifest("l1", writer, table));
      assertThat(count(staging.connection(), Staging.relation("l1", "prices"))).isEqualTo(3);
    }
  }

  @Test
  void normalizedRecordsStagedInBackgroundAreTheRowsStagedInLine() throws Exception {
    int n = 6000;
    List<Map<String, Object>> records = nestedRecords(n);
    long items = records.stream().mapToLong(r -> ((List<?>) r.get("items")).size()).sum();
    long tags = records.stream().mapToLong(r -> ((List<?>) r.get("tags")).size()).sum();
    Map<String, List<String>> inline = stageRecords(records, dir.resolve("inline"), false);
    Map<String, List<String>> background = stageRecords(records, dir.resolve("bg"), true);
    assertThat(background.keySet()).containsExactly("events", "events__tags", "events__items");
    assertThat(background.get("events")).hasSize(n);
    assertThat(background.get("events__tags")).hasSize((int) tags);
    assertThat(background.get("events__items")).hasSize((int) items);
    assertThat(background).isEqualTo(inline);
    // Record 7: amount widened to DOUBLE mid-load, its timestamp as epoch microseconds, and
    // "late" (first seen in record 4000) null.
    long micros =
        java.time.Instant.parse(records.get(7).get("ts").toString()).toEpochMilli() * 1000L + 123L;
    assertThat(background.get("events").get(7))
        .startsWith("7|" + micros + "|l1|")
        .contains("|7.0|")
        .endsWith("|null");
    assertThat(background.get("events").get(4000)).endsWith("|x4000");
  }

  /**
   * Records with nested objects, arrays of scalars and of objects (with decimals, which go value by
   * value), nulls, non-ASCII text, a column widening mid-load and one appearing late.
   */
  private static List<Map<String, Object>> nestedRecords(int n) {
    SplittableRandom random = new SplittableRandom(61);
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = new java.util.LinkedHashMap<>();
      r.put("id", (long) i);
      r.put("name", TEXTS[random.nextInt(TEXTS.length)]);
      r.put("ts", java.time.Instant.ofEpochSecond(1_700_000_000L + i, 123_456L).toString());
      r.put("amount", i < n / 2 ? (Object) (long) i : (Object) (i + 0.25));
      r.put("flag", random.nextInt(5) == 0 ? null : random.nextBoolean());
      if (random.nextInt(4) > 0) {
        Map<String, Object> user = new java.util.LinkedHashMap<>();
        user.put("email", "u" + i + "@example.com");
        user.put("address", Map.of("city", i % 3 == 0 ? "Zürich" : "Turku"));
        r.put("user", user);
      }
      List<Object> tagList = new ArrayList<>();
      for (int t = random.nextInt(4); t > 0; t--) {
        tagList.add("tag" + random.nextInt(10));
      }
      r.put("tags", tagList);
      List<Object> itemList = new ArrayList<>();
      for (int t = random.nextInt(1, 4); t > 0; t--) {
        Map<String, Object> item = new java.util.LinkedHashMap<>();
        item.put("sku", "SKU-" + random.nextInt(1000));
        item.put("qty", (long) random.nextInt(1, 6));
        item.put("price", BigDecimal.valueOf(random.nextInt(100_000), 2));
        itemList.add(item);
      }
      r.put("items", itemList);
      if (i >= 4000) {
        r.put("late", "x" + i);
      }
      records.add(r);
    }
    return records;
  }

  /** Normalizes and stages the records in one load; returns each table's rows as text. */
  private static Map<String, List<String>> stageRecords(
      List<Map<String, Object>> records, Path work, boolean background) throws SQLException {
    dev.ducklift.core.ResourceSpec spec =
        dev.ducklift.core.ResourceSpec.builder("events").primaryKey("id").build();
    Map<String, List<String>> result = new java.util.LinkedHashMap<>();
    try (Staging staging = Staging.open(work);
        Staging.LoadWriter writer = staging.begin("l1", 1)) {
      Normalizer normalizer = new Normalizer(spec, "l1", List.of(), writer);
      for (NormalizedTable t : normalizer.tables()) {
        writer.ensureTable(t);
      }
      if (background) {
        writer.stageInBackground();
      }
      for (int i = 0; i < records.size(); i++) {
        normalizer.normalize(records.get(i), "page", i);
        boolean last = i == records.size() - 1;
        if (writer.rowsSinceCheckpoint() >= 5000 || last) {
          List<LoadManifest.Table> tables = new ArrayList<>();
          for (NormalizedTable t : normalizer.tables()) {
            writer.ensureTable(t);
            tables.add(new LoadManifest.Table(t.schema(), writer.rowsIncludingPending(t.name())));
          }
          LoadManifest m =
              new LoadManifest(
                  "l1",
                  "events",
                  LoadManifest.EXTRACTING,
                  false,
                  false,
                  Map.of(),
                  WriteDisposition.APPEND,
                  normalizer.primaryKeyColumns(),
                  null,
                  tables,
                  i + 1,
                  0,
                  normalizer.schemaChanges());
          if (background && !last) {
            writer.checkpointInBackground(m);
          } else {
            writer.checkpoint(m);
          }
        }
      }
      for (NormalizedTable t : normalizer.tables()) {
        List<String> rows = new ArrayList<>();
        // Root rows lead with their id and timestamp in microseconds, child rows with theirs.
        String sql =
            t.parentName() == null
                ? "SELECT id, epoch_us(ts), * FROM "
                    + Staging.relation("l1", t.name())
                    + " ORDER BY id"
                : "SELECT * FROM "
                    + Staging.relation("l1", t.name())
                    + " ORDER BY "
                    + TableSchema.ROW_ID;
        try (Statement st = staging.connection().createStatement();
            ResultSet rs = st.executeQuery(sql)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder line = new StringBuilder();
            for (int c = 1; c <= columns; c++) {
              line.append(c == 1 ? "" : "|").append(rs.getString(c));
            }
            rows.add(line.toString());
          }
        }
        result.put(t.name(), rows);
      }
    }
    return result;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static DuckDBConnection open(Path file) throws SQLException {
    return (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
  }

  private static DataType.Kind[] kinds(List<DataType> types) {
    return types.stream().map(DataType::kind).toArray(DataType.Kind[]::new);
  }

  private static NormalizedTable table(String name, List<DataType> types) {
    NormalizedTable t = new NormalizedTable(name, null, "", false);
    for (int i = 0; i < types.size(); i++) {
      t.addColumn("c" + i, types.get(i), true);
    }
    return t;
  }

  private static void createTable(Connection c, String name, List<DataType> types)
      throws SQLException {
    StringBuilder sql = new StringBuilder("CREATE TABLE " + name + " (");
    for (int i = 0; i < types.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("c").append(i).append(' ');
      sql.append(types.get(i).duckdbType());
    }
    try (Statement st = c.createStatement()) {
      st.execute(sql.append(')').toString());
    }
  }

  private static void append(
      Staging.LoadWriter writer, NormalizedTable table, List<Object[]> rows) {
    // The normalizer hands over one record's rows at a time, reusing its arrays afterwards.
    for (Object[] row : rows) {
      Object[][] one = {row.clone()};
      writer.append(table, one, 1);
      java.util.Arrays.fill(one[0], "overwritten");
    }
  }

  private static LoadManifest manifest(
      String loadId, Staging.LoadWriter writer, NormalizedTable table) {
    return new LoadManifest(
        loadId,
        "events",
        LoadManifest.EXTRACTING,
        false,
        false,
        Map.of(),
        WriteDisposition.APPEND,
        List.of(),
        null,
        List.of(new LoadManifest.Table(table.schema(), writer.rowsIncludingPending(table.name()))),
        0,
        0,
        List.of());
  }

  /**
   * Rows of {@link #KINDS} with the row number as id, about one null in eight per column, and now
   * and then a row shorter than the table (its trailing columns are null).
   */
  private static List<Object[]> randomRows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object[] row = new Object[KINDS.size()];
      row[0] = (long) i + seed * 1_000_000L;
      for (int c = 1; c < row.length; c++) {
        if (random.nextInt(8) == 0) {
          continue;
        }
        row[c] =
            switch (KINDS.get(c).kind()) {
              case TEXT -> TEXTS[random.nextInt(TEXTS.length)];
              case JSON -> "{\"k\":" + random.nextInt(1000) + "}";
              case DOUBLE -> random.nextDouble() * 1e6 - 5e5;
              case BOOLEAN -> random.nextBoolean();
              case TIMESTAMP, TIMESTAMPTZ ->
                  random.nextLong(-2_000_000_000_000_000L, 4_000_000_000_000_000L);
              case DATE -> random.nextInt(-100_000, 100_000);
              case INTEGER -> random.nextInt();
              case SMALLINT -> (short) random.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1);
              case REAL -> (float) (random.nextDouble() * 1000);
              case UUID -> new UUID(random.nextLong(), random.nextLong());
              default -> throw new IllegalStateException();
            };
      }
      if (random.nextInt(50) == 0) {
        row = java.util.Arrays.copyOf(row, 1 + random.nextInt(row.length - 1));
      }
      rows.add(row);
    }
    return rows;
  }

  private static long count(Connection c, String relation) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + relation)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Reads every column back in a form comparable to the appended value and compares rows. */
  private static void assertTableHolds(Connection c, String relation, List<Object[]> rows)
      throws SQLException {
    String sql =
        "SELECT c0, c1, c2::VARCHAR, c3, c4, epoch_us(c5), epoch_us(c6), c7 - DATE '1970-01-01',"
            + " c8, c9, c10, c11::VARCHAR FROM "
            + relation
            + " ORDER BY c0";
    List<String> actual = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        for (int i = 1; i <= KINDS.size(); i++) {
          Object v = rs.getObject(i);
          line.append(i == 1 ? "" : "|").append(v == null ? "null" : render(KINDS.get(i - 1), v));
        }
        actual.add(line.toString());
      }
    }
    List<String> expected = new ArrayList<>();
    for (Object[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < KINDS.size(); i++) {
        Object v = i < row.length ? row[i] : null;
        line.append(i == 0 ? "" : "|").append(v == null ? "null" : render(KINDS.get(i), v));
      }
      expected.add(line.toString());
    }
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  private static String render(DataType type, Object v) {
    return switch (type.kind()) {
      case DOUBLE -> Double.toString(((Number) v).doubleValue());
      case REAL -> Float.toString(((Number) v).floatValue());
      case BIGINT, TIMESTAMP, TIMESTAMPTZ, DATE, INTEGER, SMALLINT ->
          Long.toString(((Number) v).longValue());
      default -> v.toString();
    };
  }
}
