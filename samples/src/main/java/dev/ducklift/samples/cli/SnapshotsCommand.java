package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.ducklake.read.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = "Lists the lake's snapshots, oldest first, with what each one changed.")
final class SnapshotsCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Mixin LakeOptions lake;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = "--last", paramLabel = "N", description = "Only the newest N snapshots.")
  Integer last;

  @Override
  public Integer call() {
    try (LakeOptions.Handle handle = lake.reader(main)) {
      List<Snapshot> snapshots = handle.reader().snapshots();
      if (last != null && snapshots.size() > last) {
        snapshots = snapshots.subList(snapshots.size() - last, snapshots.size());
      }
      if (json) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Snapshot s : snapshots) {
          ObjectNode n = array.addObject();
          n.put("snapshot_id", s.id());
          n.put("time", s.time().toString());
          n.put("schema_version", s.schemaVersion());
          n.put("changes", s.changesMade());
          n.put("author", s.author());
          n.put("commit_message", s.commitMessage());
          n.put("commit_extra_info", s.commitExtraInfo());
        }
        main.out.println(array);
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (Snapshot s : snapshots) {
          rows.add(
              List.of(
                  Long.toString(s.id()),
                  s.time().toString(),
                  Long.toString(s.schemaVersion()),
                  nullToEmpty(s.changesMade()),
                  nullToEmpty(s.commitMessage())));
        }
        TextTable.print(
            main.out, List.of("snapshot", "time", "schema", "changes", "message"), rows);
      }
    }
    return 0;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
