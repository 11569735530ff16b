package dev.ducklift.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/**
 * Creation and quarantine of the files of a working directory, so that a kill at any instant leaves
 * either no file or a valid one.
 *
 * <p>A new file is built under a temporary name ({@code <name>.<pid>.creating}) and renamed into
 * place only once it is complete; what a killed creation leaves behind is a temporary file, which
 * the next creation removes when the process that wrote it is gone.
 */
final class LocalFiles {

  private static final String CREATING = ".creating";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Builds a new file at the temporary path it is given. */
  @FunctionalInterface
  interface Builder {
    void build(Path temporary) throws Exception;
  }

  private LocalFiles() {}

  /**
   * Creates {@code target} by building it under a temporary name and renaming it into place. Does
   * nothing if {@code target} exists already or appears meanwhile (another process created it).
   */
  static void createAtomically(Path target, Builder builder) throws Exception {
    if (Files.exists(target)) {
      return;
    }
    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    removeAbandoned(target);
    Path temporary =
        directory.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + CREATING);
    deleteWithCompanions(temporary);
    try {
      builder.build(temporary);
      syncFile(temporary);
      try {
        // A link never replaces a file that another process created meanwhile, unlike a rename.
        Files.createLink(target, temporary);
      } catch (UnsupportedOperationException | FileSystemException e) {
        if (e instanceof FileAlreadyExistsException) {
          throw (FileAlreadyExistsException) e;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      }
      syncDirectory(directory);
    } catch (FileAlreadyExistsException e) {
      // another process created the file meanwhile: use theirs
    } finally {
      deleteWithCompanions(temporary);
    }
  }

  /** Deletes temporary files of creations whose process is gone (they were killed). */
  private static void removeAbandoned(Path target) throws IOException {
    String prefix = target.getFileName() + ".";
    try (Stream<Path> files = Files.list(target.toAbsolutePath().getParent())) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (!name.startsWith(prefix)) {
          continue;
        }
        int end = name.indexOf(CREATING, prefix.length());
        if (end < 0) {
          continue;
        }
        try {
          long pid = Long.parseLong(name.substring(prefix.length(), end));
          if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
              && pid != ProcessHandle.current().pid()) {
            continue;
          }
        } catch (NumberFormatException e) {
          continue;
        }
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Moves {@code file} and its companions ({@code <file>.wal} and the like) aside as {@code
   * <file>.broken-<UTC time>}, keeping them for inspection. Returns the new path of {@code file}.
   */
  static Path moveAside(Path file) throws IOException {
    String stamp = STAMP.format(java.time.Instant.now());
    Path directory = file.toAbsolutePath().getParent();
    Path aside = directory.resolve(file.getFileName() + ".broken-" + stamp);
    String name = file.getFileName().toString();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path p : files.toList()) {
        String other = p.getFileName().toString();
        if (other.startsWith(name + ".") && !other.contains(".broken-") && !isMarker(other)) {
          Files.move(p, directory.resolve(other.replace(name, name + ".broken-" + stamp)));
        }
      }
    }
    Files.move(file, aside);
    syncDirectory(directory);
    return aside;
  }

  private static boolean isMarker(String name) {
    return name.endsWith(".clean") || name.endsWith(CREATING);
  }

  private static void deleteWithCompanions(Path file) throws IOException {
    Files.deleteIfExists(file);
    Path directory = file.getParent();
    String prefix = file.getFileName() + ".";
    try (Stream<Path> files = Files.list(directory)) {
      for (Path p : files.toList()) {
        if (p.getFileName().toString().startsWith(prefix)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void syncFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot sync a directory; the rename itself has happened.
    }
  }
}
