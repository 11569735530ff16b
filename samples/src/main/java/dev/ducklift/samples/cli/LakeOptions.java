package dev.ducklift.samples.cli;

import dev.ducklift.core.Secret;
import dev.ducklift.core.Secrets;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.samples.orchestrate.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which lake a command reads: a lake directory, or a catalog (DuckDB file or PostgreSQL). */
final class LakeOptions {

  /** Where {@code ducklift demo} keeps its lake, the default for every lake command. */
  static final Path DEFAULT_LAKE = Path.of("ducklift-demo", "lake");

  @Option(
      names = "--lake",
      paramLabel = "DIR",
      description =
          "Lake directory holding catalog.ducklake and data/ (default: ducklift-demo/lake, the"
              + " demo's lake).")
  Path lake;

  @Option(
      names = "--catalog",
      paramLabel = "FILE|URL",
      description = "The catalog instead of --lake: a DuckDB file, or a jdbc:postgresql: URL.")
  String catalog;

  @Option(
      names = "--catalog-user",
      paramLabel = "USER",
      description = "PostgreSQL catalog user (default: postgres).")
  String catalogUser = "postgres";

  @Option(
      names = "--catalog-password",
      paramLabel = "REF",
      description =
          "PostgreSQL catalog password as a secret reference: env:NAME or file:/path (never the"
              + " value itself).")
  String catalogPassword;

  @Option(
      names = "--catalog-schema",
      paramLabel = "SCHEMA",
      description = "PostgreSQL schema holding the catalog tables (default: public).")
  String catalogSchema;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      description = "Data path overriding the one recorded in the catalog.")
  Path data;

  @Option(
      names = "--busy-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description =
          "How long to wait for a DuckDB catalog file that another process holds (e.g. 500ms, 30s,"
              + " 2m). Default: ${DEFAULT-VALUE}.")
  String busyTimeout;

  /** The options the lake is opened with: the busy timeout. */
  DuckLakeOptions options() {
    return DuckLakeOptions.builder()
        .busyTimeout(GenerateCommand.parseDuration(busyTimeout))
        .build();
  }

  /** The catalog location chosen by the options. */
  CatalogLocation location(Main main) {
    if (catalog != null && catalog.startsWith("jdbc:")) {
      Secret password =
          catalogPassword == null
              ? Secret.of("")
              : Secrets.of(Map.of(), main.environment).resolve(catalogPassword);
      return catalogSchema == null
          ? CatalogLocation.postgres(catalog, catalogUser, password)
          : CatalogLocation.postgres(catalog, catalogUser, password, catalogSchema);
    }
    Path file =
        catalog != null
            ? main.resolve(Path.of(catalog))
            : main.resolve(lake != null ? lake : DEFAULT_LAKE).resolve("catalog.ducklake");
    if (!Files.exists(file)) {
      throw new CliException(
          Outcome.BAD_CONFIG,
          "No lake catalog at "
              + file
              + (catalog == null && lake == null
                  ? " (run `ducklift demo` first, or pass --lake or --catalog)"
                  : ""));
    }
    return CatalogLocation.duckdb(file);
  }

  /**
   * The data path override: {@code --data}, else {@code <dir>/data} for a lake directory (so a lake
   * moved or copied elsewhere stays readable), else none (the catalog's {@code data_path}).
   */
  Path dataPath(Main main) {
    if (data != null) {
      return main.resolve(data);
    }
    if (catalog == null) {
      Path dir = main.resolve(lake != null ? lake : DEFAULT_LAKE);
      return dir.resolve("data");
    }
    return null;
  }

  /** Opens the lake read-only. */
  DuckLake openReadOnly(Main main) {
    CatalogLocation location = location(main);
    try {
      return DuckLake.openReadOnly(location, dataPath(main), options());
    } catch (RuntimeException e) {
      throw new CliException(
          Outcome.DESTINATION_FAILURE,
          "Cannot open the lake " + location + ": " + e.getMessage(),
          e);
    }
  }

  /** Opens a reader on the lake; closing the returned handle closes both. */
  Handle reader(Main main) {
    DuckLake lake = openReadOnly(main);
    try {
      return new Handle(lake, LakeReader.open(lake));
    } catch (RuntimeException e) {
      lake.close();
      throw new CliException(
          Outcome.DESTINATION_FAILURE, "Cannot read the lake " + lake + ": " + e.getMessage(), e);
    }
  }

  /** A lake and its reader, closed together. */
  record Handle(DuckLake lake, LakeReader reader) implements AutoCloseable {
    @Override
    public void close() {
      try {
        reader.close();
      } finally {
        lake.close();
      }
    }
  }
}
