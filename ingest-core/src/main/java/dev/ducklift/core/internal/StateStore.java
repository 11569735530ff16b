package dev.ducklift.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.LocalStateException;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.core.spi.PipelineState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-pipeline state store: a transactional MapDB file ({@code <working directory>/state.db})
 * with the committed watermarks per resource, the load journal and the schema versions of every
 * resource's tables. Every mutating method commits before it returns.
 *
 * <p>This store is a cache and a journal: the destination holds the authoritative state, and a
 * store found empty is restored from it.
 */
public final class StateStore implements AutoCloseable {

  /** The state file's name inside the working directory. */
  public static final String FILE_NAME = "state.db";

  /** Load journal statuses, in the order a load passes them. */
  public static final String EXTRACTING = "extracting";

  public static final String STAGED = "staged";
  public static final String PROMOTED = "promoted";
  public static final String FINISHED = "finished";
  public static final String DISCARDED = "discarded";
  public static final String FAILED = "failed";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
  private static final List<String> MAPS = List.of("watermarks", "journal", "schemas", "meta");

  private final String pipelineName;
  private final DB db;
  private final HTreeMap<String, String> watermarks;
  private final HTreeMap<String, String> journal;
  private final HTreeMap<String, String> schemas;
  private final HTreeMap<String, String> meta;

  private StateStore(String pipelineName, DB db) {
    this.pipelineName = pipelineName;
    this.db = db;
    this.watermarks = map("watermarks");
    this.journal = map("journal");
    this.schemas = map("schemas");
    this.meta = map("meta");
  }

  private HTreeMap<String, String> map(String name) {
    return db.hashMap(name, Serializer.STRING, Serializer.STRING).createOrOpen();
  }

  /**
   * Opens (creating if needed) the store of {@code pipelineName} in {@code workingDirectory}.
   *
   * <p>A new store is built under a temporary name and renamed into place, so a kill leaves no
   * store or a valid one. A store that cannot be opened or read is moved aside as {@code
   * state.db.broken-<time>} (kept for inspection), with one warning naming it and the cause, and a
   * new empty store takes its place: the run then restores the watermarks from the destination, as
   * in a fresh working directory.
   *
   * @throws LocalStateException if the store is held by another process or cannot be created
   */
  public static StateStore open(Path workingDirectory, String pipelineName) {
    Path file = workingDirectory.resolve(FILE_NAME);
    create(file, pipelineName);
    try {
      return openExisting(file, pipelineName);
    } catch (DBException.FileLocked e) {
      throw new LocalStateException(
          "The state store "
              + file
              + " of pipeline '"
              + pipelineName
              + "' is in use by another process: two runs of one pipeline cannot share a working"
              + " directory. Wait for the other run to end, or give each worker its own working"
              + " directory",
          e);
    } catch (RuntimeException | AssertionError e) {
      Path aside;
      try {
        aside = LocalFiles.moveAside(file);
      } catch (IOException io) {
        io.addSuppressed(e);
        throw new LocalStateException(
            "The state store "
                + file
                + " of pipeline '"
                + pipelineName
                + "' cannot be opened ("
                + e
                + ") nor moved aside: "
                + io.getMessage()
                + ". Move or delete it and run again: the pipeline's state is restored from the"
                + " lake",
            io);
      }
      LOG.warn(
          "The state store {} of pipeline '{}' cannot be opened ({}); moved it aside to {} and"
              + " restoring the pipeline's state from the destination",
          file,
          pipelineName,
          e.toString(),
          aside.getFileName());
      create(file, pipelineName);
      try {
        return openExisting(file, pipelineName);
      } catch (RuntimeException again) {
        throw new LocalStateException(
            "Cannot open the new state store "
                + file
                + " of pipeline '"
                + pipelineName
                + "': "
                + again.getMessage(),
            again);
      }
    }
  }

  private static void create(Path file, String pipelineName) {
    try {
      LocalFiles.createAtomically(
          file,
          temporary -> {
            DB db = DBMaker.fileDB(temporary.toFile()).transactionEnable().make();
            try {
              for (String map : MAPS) {
                db.hashMap(map, Serializer.STRING, Serializer.STRING).createOrOpen();
              }
              db.commit();
              CrashPoints.reach(CrashPoints.CREATING_STATE_STORE);
            } finally {
              db.close();
            }
          });
    } catch (Exception e) {
      throw new LocalStateException(
          "Cannot create the state store "
              + file
              + " of pipeline '"
              + pipelineName
              + "': "
              + e.getMessage(),
          e);
    }
  }

  /** Opens the store and reads every entry, so that a damaged store fails here and not later. */
  private static StateStore openExisting(Path file, String pipelineName) {
    DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
    try {
      StateStore store = new StateStore(pipelineName, db);
      store.pipelineState();
      for (String resource : store.schemas.getKeys()) {
        if (!resource.contains("#v")) {
          store.schemas(resource);
        }
      }
      store.journal.getEntries().forEach(e -> e.getValue().length());
      store.meta.getEntries().forEach(e -> e.getValue().length());
      return store;
    } catch (RuntimeException | Error e) {
      try {
        db.close();
      } catch (RuntimeException | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Whether nothing was ever committed here (a fresh working directory). */
  public boolean isEmpty() {
    return watermarks.isEmpty() && journal.isEmpty() && schemas.isEmpty() && meta.isEmpty();
  }

  /** The committed watermarks of every resource. */
  public PipelineState pipelineState() {
    Map<String, PipelineState.ResourceState> resources = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(watermarks).entrySet()) {
      resources.put(e.getKey(), new PipelineState.ResourceState(parseMarks(e.getValue())));
    }
    return new PipelineState(pipelineName, resources);
  }

  /** Replaces all watermarks with those of {@code state} (a restore from the destination). */
  public void restore(PipelineState state) {
    watermarks.clear();
    state.resources().forEach((name, rs) -> watermarks.put(name, marksJson(rs.watermarks())));
    meta.put("restored_at", Instant.now().toString());
    db.commit();
  }

  /** Records a journal status for a load. */
  public void journal(String loadId, String resource, String status) {
    ObjectNode node = JSON.createObjectNode();
    node.put("resource", resource);
    node.put("status", status);
    node.put("at", Instant.now().toString());
    journal.put(loadId, node.toString());
    db.commit();
  }

  /**
   * Records a promoted load: the resource's new watermarks, its tables' schemas (a new version when
   * they changed) and the journal status, in one MapDB commit.
   */
  public void finishLoad(
      String loadId,
      String resource,
      Map<String, CursorValue> resourceWatermarks,
      List<TableSchema> tables,
      boolean advancesState) {
    if (advancesState) {
      watermarks.put(resource, marksJson(resourceWatermarks));
    }
    saveSchemas(resource, tables);
    ObjectNode node = JSON.createObjectNode();
    node.put("resource", resource);
    node.put("status", PROMOTED);
    node.put("at", Instant.now().toString());
    journal.put(loadId, node.toString());
    db.commit();
  }

  /**
   * Settles the journal once staging holds exactly the loads {@code stillStaged}: any other load
   * not yet finished or discarded is no longer staged anywhere, so it is recorded as finished (if
   * it was promoted) or discarded. The journal then lists as unsettled only loads staging may hold.
   */
  public void settle(java.util.Collection<String> stillStaged) {
    java.util.Set<String> staged = new java.util.HashSet<>(stillStaged);
    boolean changed = false;
    for (Map.Entry<String, String> e : journalStatuses().entrySet()) {
      String status = e.getValue();
      if (staged.contains(e.getKey()) || status.equals(FINISHED) || status.equals(DISCARDED)) {
        continue;
      }
      String resource;
      try {
        resource = JSON.readTree(journal.get(e.getKey())).path("resource").asText();
      } catch (IOException ex) {
        resource = "";
      }
      ObjectNode node = JSON.createObjectNode();
      node.put("resource", resource);
      node.put("status", status.equals(PROMOTED) ? FINISHED : DISCARDED);
      node.put("at", Instant.now().toString());
      journal.put(e.getKey(), node.toString());
      changed = true;
    }
    if (changed) {
      db.commit();
    }
  }

  /** The journal status of a load. */
  public Optional<String> journalStatus(String loadId) {
    String json = journal.get(loadId);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(json).path("status").asText());
    } catch (Exception e) {
      throw new DuckliftException("Corrupt journal entry of load " + loadId, e);
    }
  }

  /** Every journal entry: load id to status. */
  public Map<String, String> journalStatuses() {
    Map<String, String> result = new TreeMap<>();
    for (String id : journal.getKeys()) {
      result.put(id, journalStatus(id).orElse(""));
    }
    return result;
  }

  /** The latest schemas of a resource's tables (empty before its first finished load). */
  public List<TableSchema> schemas(String resource) {
    String json = schemas.get(resource);
    List<TableSchema> result = new ArrayList<>();
    if (json == null) {
      return result;
    }
    try {
      for (JsonNode t : JSON.readTree(json).path("tables")) {
        result.add(SchemaCodec.fromJson(t));
      }
      return result;
    } catch (Exception e) {
      throw new DuckliftException("Corrupt schema of resource '" + resource + "'", e);
    }
  }

  /** The current schema version of a resource (0 before its first finished load). */
  public int schemaVersion(String resource) {
    String json = schemas.get(resource);
    if (json == null) {
      return 0;
    }
    try {
      return JSON.readTree(json).path("version").asInt();
    } catch (Exception e) {
      throw new DuckliftException("Corrupt schema of resource '" + resource + "'", e);
    }
  }

  private void saveSchemas(String resource, List<TableSchema> tables) {
    Map<String, TableSchema> merged = new LinkedHashMap<>();
    for (TableSchema t : schemas(resource)) {
      merged.put(t.name(), t);
    }
    boolean changed = false;
    for (TableSchema t : tables) {
      TableSchema old = merged.put(t.name(), t);
      changed |= !t.equals(old);
    }
    if (!changed) {
      return;
    }
    int version = schemaVersion(resource) + 1;
    ObjectNode node = JSON.createObjectNode();
    node.put("version", version);
    node.put("at", Instant.now().toString());
    ArrayNode array = node.putArray("tables");
    merged.values().forEach(t -> array.add(SchemaCodec.toJson(t)));
    schemas.put(resource, node.toString());
    schemas.put(resource + "#v" + version, node.toString());
  }

  private static String marksJson(Map<String, CursorValue> marks) {
    ObjectNode node = JSON.createObjectNode();
    for (Map.Entry<String, CursorValue> e : new TreeMap<>(marks).entrySet()) {
      ObjectNode v = node.putObject(e.getKey());
      v.put("kind", e.getValue().kind().name());
      v.put("value", e.getValue().text());
    }
    return node.toString();
  }

  private static Map<String, CursorValue> parseMarks(String json) {
    try {
      Map<String, CursorValue> marks = new LinkedHashMap<>();
      JSON.readTree(json)
          .fields()
          .forEachRemaining(
              e ->
                  marks.put(
                      e.getKey(),
                      CursorValue.parse(
                          CursorValue.Kind.valueOf(e.getValue().path("kind").asText()),
                          e.getValue().path("value").asText())));
      return marks;
    } catch (Exception e) {
      throw new DuckliftException("Corrupt watermarks in the state store: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (!db.isClosed()) {
      db.close();
    }
  }
}
