package dev.ducklift.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.spi.PipelineState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateSnapshotTest {

  @TempDir Path dir;

  private PipelineState state() {
    return new PipelineState(
        "p",
        Map.of(
            "events",
            new PipelineState.ResourceState(
                Map.of(
                    "", CursorValue.of(OffsetDateTime.parse("2024-01-01T00:00:00.25Z")),
                    "tiebreak", CursorValue.of(42L)))));
  }

  private void commitSomething(String loadId) {
    try (StateStore store = StateStore.open(dir, "p")) {
      store.journal(loadId, "events", StateStore.FINISHED);
    }
  }

  @Test
  void readsBackTheWatermarksWhileTheStoreIsUnchanged() {
    commitSomething("1");
    StateSnapshot snapshot = new StateSnapshot(dir, "p");
    snapshot.write(state());
    assertThat(new StateSnapshot(dir, "p").read()).contains(state());
  }

  @Test
  void isVoidOnceTheStoreChangesOrDisappears() throws Exception {
    commitSomething("1");
    StateSnapshot snapshot = new StateSnapshot(dir, "p");
    snapshot.write(state());
    Thread.sleep(5);
    commitSomething("2");
    assertThat(snapshot.read()).isEmpty();

    snapshot.write(state());
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("state.db")).toList()) {
        Files.delete(p);
      }
    }
    assertThat(snapshot.read()).isEmpty();
  }

  @Test
  void belongsToOnePipeline() {
    commitSomething("1");
    new StateSnapshot(dir, "p").write(state());
    assertThat(new StateSnapshot(dir, "other").read()).isEmpty();
  }

  @Test
  void anUnreadableCopyIsIgnored() throws Exception {
    commitSomething("1");
    Files.writeString(dir.resolve(StateSnapshot.FILE_NAME), "{not json");
    assertThat(new StateSnapshot(dir, "p").read()).isEmpty();
    assertThat(List.of(dir.resolve(StateSnapshot.FILE_NAME))).allMatch(Files::exists);
  }
}
