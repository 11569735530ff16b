package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.PipelineConfig;
import dev.ducklift.core.Resource;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.Secrets;
import dev.ducklift.core.Source;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.DataType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlDatabaseSourceFactoryIT {
  private static PostgresFixture pg;
  private static final String PASSWORD = "pa55-w0rd-never-shown";

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
    pg.execute(
        "CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric, note text,"
            + " updated_at timestamptz NOT NULL)",
        "CREATE TABLE order_items (order_id bigint, line int, sku text, PRIMARY KEY (order_id,"
            + " line))",
        "INSERT INTO orders VALUES (1, 12.5, 'a', '2024-01-01T00:00:00Z'), (2, 7, 'b',"
            + " '2024-01-02T00:00:00Z')",
        "INSERT INTO order_items VALUES (1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z')");
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  private static SecretResolver secrets() {
    return Secrets.of(Map.of("pg.password", PASSWORD), Map.of("PG_USER", "postgres"));
  }

  private static String config(String tables) {
    return """
        name: shop
        sources:
          - name: shop
            type: sql_database
            url: %s
            user: env:PG_USER
            password: secrets:pg.password
            read_method: copy
            page_size: 500
            tables:
        %s
        """
        .formatted(pg.url(), tables.indent(6).stripTrailing());
  }

  @Test
  void buildsTheSameResourcesAsTheJavaDsl() throws Exception {
    String yaml =
        config(
            """
            - table: public.orders
              cursor: {mode: timestamp, column: updated_at, lag: 5m, initial_value: "2023-12-31T00:00:00Z"}
              column_types: {amount: "decimal(12,2)"}
              exclude_columns: [note]
              partition_by: [month(updated_at), day(updated_at)]
            - pattern: public.order_i%
              write_disposition: merge
              dedup_sort: {line: desc}
            - query: SELECT id, amount FROM orders WHERE id > 1
              resource: big_orders
              primary_key: [id]
            """);
    List<Source> sources = PipelineConfig.parse(yaml, Path.of("."), secrets()).createSources();
    assertThat(sources).singleElement().isInstanceOf(JdbcSource.class);
    JdbcSource fromConfig = (JdbcSource) sources.get(0);
    assertThat(fromConfig.readMethod()).isEqualTo(ReadMethod.COPY);
    assertThat(fromConfig.pageSize()).isEqualTo(500);

    JdbcSource fromDsl =
        JdbcSource.builder("shop")
            .url(pg.url())
            .user(Secret.of("postgres"))
            .password(Secret.of(PASSWORD))
            .readMethod(ReadMethod.COPY)
            .pageSize(500)
            .table(
                JdbcTable.table("public.orders")
                    .timestamp("updated_at")
                    .lag(Duration.ofMinutes(5))
                    .initialValue("2023-12-31T00:00:00Z")
                    .columnType("amount", DataType.decimal(12, 2))
                    .excludeColumns("note")
                    .partitionBy("month(updated_at)", "day(updated_at)")
                    .build())
            .table(
                JdbcTable.pattern("public.order_i%")
                    .writeDisposition(WriteDisposition.MERGE)
                    .merge(MergeHints.builder().dedupSort("line", true).build())
                    .build())
            .table(
                JdbcTable.query("big_orders", "SELECT id, amount FROM orders WHERE id > 1")
                    .primaryKey("id")
                    .build())
            .build();
    assertThat(fromConfig.resources().stream().map(Resource::spec).toList())
        .isEqualTo(fromDsl.resources().stream().map(Resource::spec).toList());

    List<Resource> resources = fromConfig.resources();
    assertThat(resources)
        .extracting(r -> r.spec().name())
        .containsExactly("orders", "order_items", "big_orders");
    assertThat(resources.get(0).spec().incremental().initialValue())
        .isEqualTo(CursorValue.parse(CursorValue.Kind.TIMESTAMPTZ, "2023-12-31T00:00:00Z"));
    assertThat(resources.get(1).spec().primaryKey()).containsExactly("order_id", "line");
    assertThat(resources.get(1).spec().merge().dedupSort())
        .containsExactly(MergeHints.SortColumn.desc("line"));
    assertThat(resources.get(0).spec().partitionBy())
        .extracting(Object::toString)
        .containsExactly("month(updated_at)", "day(updated_at)");
    Extraction orders = Extraction.run(resources.get(0));
    assertThat(orders.records)
        .extracting(r -> r.get("amount"))
        .containsExactly(new java.math.BigDecimal("12.50"), new java.math.BigDecimal("7.00"));
    assertThat(Extraction.run(resources.get(2)).records).hasSize(1);
  }

  @Test
  void refusesAPasswordWrittenInTheConfigAndUnknownKeys() {
    assertThatThrownBy(
            () ->
                PipelineConfig.parse(
                        config("- table: orders").replace("secrets:pg.password", PASSWORD),
                        Path.of("."),
                        secrets())
                    .createSources())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("'password' must be a secret reference")
        .hasMessageNotContaining(PASSWORD);
    assertThatThrownBy(
            () ->
                PipelineConfig.parse(
                        config("- table: orders\n  primary_keys: [id]"), Path.of("."), secrets())
                    .createSources())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("unknown keys [primary_keys]");
  }

  @Test
  void credentialsNeverAppearInDescriptionsOrErrors() {
    JdbcSource source =
        JdbcSource.builder("shop")
            .url(pg.url().replace("/postgres", "/nosuchdb") + "?ApplicationName=x")
            .user(Secret.of("ghost_user"))
            .password(Secret.of(PASSWORD))
            .table("orders")
            .build();
    assertThat(source.toString())
        .doesNotContain(PASSWORD)
        .doesNotContain("ghost_user")
        .doesNotContain("ApplicationName");
    assertThatThrownBy(source::resources)
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Source 'shop' cannot connect to jdbc:postgresql://127.0.0.1:")
        .hasMessageNotContaining(PASSWORD)
        .hasMessageNotContaining("ghost_user");
  }

  private static Throwable connectToAClosedPort(String user) {
    String yaml =
        """
        name: shop
        sources:
          - name: shop
            type: sql_database
            url: jdbc:postgresql://127.0.0.1:1/shop
            user: %s
            password: secrets:pg.password
            tables: [{table: orders}]
        """
            .formatted(user);
    Source source =
        PipelineConfig.parse(
                yaml, Path.of("."), Secrets.of(Map.of("pg.password", PASSWORD), Map.of("U", "u")))
            .createSources()
            .get(0);
    return org.assertj.core.api.Assertions.catchThrowable(source::resources);
  }

  @Test
  void aOneLetterSecretUserDoesNotMangleTheDriverMessage() {
    // The driver says "Connection to 127.0.0.1:1 refused. Check that the hostname and port ...".
    assertThat(connectToAClosedPort("env:U"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Source 'shop' cannot connect")
        .hasMessageContaining("127.0.0.1:1 refused")
        .hasMessageNotContaining("***");
    // A user name given as plain text is not a secret and is never masked.
    assertThat(connectToAClosedPort("u")).hasMessageContaining("127.0.0.1:1 refused");
  }

  @Test
  void namesTheTableAndColumnWhenHintsDoNotFit() {
    assertThatThrownBy(
            () ->
                pg.source("s")
                    .table(JdbcTable.table("public.orders").incrementing("nope").build())
                    .build()
                    .resources())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining(
            "public.orders: cursor column 'nope' is not among the selected columns");
    assertThatThrownBy(
            () ->
                pg.source("s").table(JdbcTable.table("public.missing").build()).build().resources())
        .hasMessageContaining("Table public.missing does not exist");
  }

  @Test
  void namesTheTableAndKeyWhenAPartitionKeyDoesNotFit() {
    assertThatThrownBy(
            () ->
                pg.source("s")
                    .table(JdbcTable.table("public.orders").partitionBy("year(nope)").build())
                    .build()
                    .resources())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining(
            "public.orders has no column 'nope' (named as partition key 'year(nope)')");
    assertThatThrownBy(
            () ->
                pg.source("s")
                    .table(JdbcTable.table("public.orders").partitionBy("year(note)").build())
                    .build()
                    .resources())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining(
            "public.orders: partition key 'year(note)': year does not apply to a column of type"
                + " text");
    assertThatThrownBy(
            () ->
                PipelineConfig.parse(
                        config("- table: public.orders\n  partition_by: [week(updated_at)]"),
                        Path.of("."),
                        secrets())
                    .createSources())
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("partition_by")
        .hasMessageContaining("Unknown partition transform 'week'");
  }
}
