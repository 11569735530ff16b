package dev.ducklift.ducklake.promote;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts child JVMs on this test's classpath. The project's own classes are copied once to a
 * private directory first: a build of the module running meanwhile (or a fresh install of a sibling
 * module) must not change the code under a child halfway through a test.
 */
final class ChildJvm {
  private static String classPath;

  private ChildJvm() {}

  static synchronized String classPath() {
    if (classPath == null) {
      try {
        Path snapshot = Files.createTempDirectory("ducklift-child-classpath");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(snapshot)));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
          Path p = Path.of(entry);
          boolean ours =
              Files.isDirectory(p) || entry.contains("dev" + File.separator + "ducklift");
          if (!ours || !Files.exists(p)) {
            entries.add(entry);
            continue;
          }
          Path copy = snapshot.resolve((n++) + "-" + p.getFileName());
          copyRecursively(p, copy);
          entries.add(copy.toString());
        }
        classPath = String.join(File.pathSeparator, entries);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return classPath;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover copy in the temp directory is harmless
    }
  }

  private static void copyRecursively(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      Files.copy(from, to);
      return;
    }
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** The command line of a child JVM: small heap, quick start, then {@code main} and its args. */
  static List<String> command(Class<?> main, List<String> properties, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    // DuckDB unpacks its native library into the temp directory at every start
    cmd.add("-Djava.io.tmpdir=" + tempDirectory());
    cmd.addAll(properties);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(main.getName());
    cmd.addAll(args);
    return cmd;
  }

  private static String tempDirectory() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm)
        ? shm.toString()
        : System.getProperty("java.io.tmpdir");
  }
}
