package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.read.QueryResult;
import dev.ducklift.samples.orchestrate.Outcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Runs SQL (DuckDB dialect) over the lake: every lake table is a view \"schema\".\"table\""
          + " (tables of the main schema also unqualified).",
      "By default the latest snapshot is read; --snapshot or --at travel back in time."
    })
final class QueryCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Mixin LakeOptions lake;

  @Parameters(index = "0", paramLabel = "SQL", description = "The query.")
  String sql;

  @ArgGroup(exclusive = true)
  TimeTravel travel;

  static final class TimeTravel {
    @Option(
        names = "--snapshot",
        paramLabel = "ID",
        description = "Read the lake at this snapshot.")
    Long snapshot;

    @Option(
        names = "--at",
        paramLabel = "TIME",
        description = "Read the lake as it was at this ISO-8601 time (e.g. 2026-05-01T10:00:00Z).")
    String at;
  }

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    try (LakeOptions.Handle handle = lake.reader(main);
        LakeSession session = open(handle)) {
      QueryResult result;
      try {
        result = session.sql(sql);
      } catch (RuntimeException e) {
        throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
      }
      if (json) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("snapshot_id", session.snapshot().id());
        ArrayNode columns = node.putArray("columns");
        result.columns().forEach(columns::add);
        ArrayNode rows = node.putArray("rows");
        for (List<Object> row : result.rows()) {
          ArrayNode r = rows.addArray();
          for (Object v : row) {
            addValue(r, v);
          }
        }
        main.out.println(node);
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
          List<String> cells = new ArrayList<>();
          for (Object v : row) {
            cells.add(v == null ? "NULL" : v.toString());
          }
          rows.add(cells);
        }
        TextTable.print(main.out, result.columns(), rows);
        main.err.println("(snapshot " + session.snapshot().id() + ")");
      }
    }
    return 0;
  }

  private LakeSession open(LakeOptions.Handle handle) {
    if (travel == null) {
      return handle.reader().latest();
    }
    if (travel.snapshot != null) {
      try {
        return handle.reader().at(travel.snapshot);
      } catch (RuntimeException e) {
        throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
      }
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(travel.at).toInstant();
    } catch (DateTimeParseException e) {
      try {
        time = Instant.parse(travel.at);
      } catch (DateTimeParseException e2) {
        throw new CliException(
            Outcome.USAGE_ERROR,
            "--at needs an ISO-8601 time with offset, got '" + travel.at + "'");
      }
    }
    try {
      return handle.reader().at(time);
    } catch (RuntimeException e) {
      throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
    }
  }

  private static void addValue(ArrayNode array, Object v) {
    if (v == null) {
      array.addNull();
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      array.add(((Number) v).longValue());
    } else if (v instanceof BigInteger b) {
      array.add(b);
    } else if (v instanceof BigDecimal d) {
      array.add(d);
    } else if (v instanceof Double || v instanceof Float) {
      array.add(((Number) v).doubleValue());
    } else if (v instanceof Boolean b) {
      array.add(b);
    } else {
      array.add(v.toString());
    }
  }
}
