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
          if (p.getFileName().toString().startsWith("duckdb_jdbc") && nativeLibrary(p, snapshot)) {
            entries.add(snapshot.resolve("duckdb_jdbc-without-native.jar").toString());
            continue;
          }
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

  private static Path nativeDirectory;

  /**
   * On Linux x86-64, extracts DuckDB's native library once and writes a copy of the driver jar
   * without it: the driver then loads the library from {@code java.library.path} instead of
   * unpacking 70 MB at every child start.
   */
  private static boolean nativeLibrary(Path jar, Path snapshot) {
    String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(java.util.Locale.ROOT);
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return false;
    }
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      java.util.zip.ZipEntry lib = zip.getEntry("libduckdb_java.so_linux_amd64");
      if (lib == null) {
        return false;
      }
      Path dir = Files.createDirectories(snapshot.resolve("native"));
      try (var in = zip.getInputStream(lib)) {
        Files.copy(in, dir.resolve("libduckdb_java.so"));
      }
      try (var out =
          new java.util.zip.ZipOutputStream(
              Files.newOutputStream(snapshot.resolve("duckdb_jdbc-without-native.jar")))) {
        var entries = zip.entries();
        while (entries.hasMoreElements()) {
          java.util.zip.ZipEntry e = entries.nextElement();
          if (e.getName().startsWith("libduckdb_java.so_")) {
            continue;
          }
          out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
          try (var in = zip.getInputStream(e)) {
            in.transferTo(out);
          }
          out.closeEntry();
        }
      }
      nativeDirectory = dir;
      return true;
    } catch (IOException e) {
      return false;
    }
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
    String cp = classPath();
    if (nativeDirectory != null) {
      cmd.add("-Djava.library.path=" + nativeDirectory);
    }
    cmd.add("-cp");
    cmd.add(cp);
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
