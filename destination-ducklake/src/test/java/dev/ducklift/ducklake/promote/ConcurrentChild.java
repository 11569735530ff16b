package dev.ducklift.ducklake.promote;

import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.Secret;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child process of the concurrency test: runs pipeline {@code name} several times, each run
 * loading with insert-new the events {@code [offset + 60 r, offset + 60 r + 60)} of run {@code r}.
 *
 * <p>Arguments: JDBC URL, metadata schema, data path, working directory, pipeline name, offset,
 * runs.
 */
public final class ConcurrentChild {
  private ConcurrentChild() {}

  static Map<String, Object> event(int id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("ts", (long) id);
    m.put("value", "v" + id);
    return m;
  }

  /** Holds every catalog commit back a little, so the two processes' commits overlap. */
  static Connection slowCommits(Connection c) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("commit")) {
                Thread.sleep(150);
              }
              try {
                return method.invoke(c, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  public static void main(String[] args) {
    CatalogLocation catalog =
        CatalogLocation.postgres(args[0], "postgres", Secret.of("postgres"), args[1]);
    int offset = Integer.parseInt(args[5]);
    int runs = Integer.parseInt(args[6]);
    ResourceSpec spec =
        ResourceSpec.builder("events")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.INSERT_NEW)
            .incremental(Incremental.on("ts").withLag(1_000_000L))
            .build();
    for (int r = 0; r < runs; r++) {
      List<Map<String, Object>> records = new ArrayList<>();
      for (int i = offset + 60 * r; i < offset + 60 * r + 60; i++) {
        records.add(event(i));
      }
      try (Pipeline p =
          Pipeline.builder(args[4])
              .workingDirectory(Path.of(args[3]))
              .destination(
                  DuckLakeDestination.builder()
                      .catalog(catalog)
                      .dataPath(Path.of(args[2]))
                      .retryBaseWait(Duration.ofMillis(20))
                      .maxPromoteAttempts(30)
                      .catalogConnectionDecorator(ConcurrentChild::slowCommits)
                      .build())
              .resource(Resources.ofRecords(spec, records, 25))
              .build()) {
        p.run();
      }
    }
    System.exit(0);
  }
}
