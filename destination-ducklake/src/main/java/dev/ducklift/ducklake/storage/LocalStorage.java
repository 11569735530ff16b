package dev.ducklift.ducklake.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Lake files in a local (or mounted) directory. A location is an absolute path; objects are written
 * to a temporary name and moved into place, so a reader never sees part of one.
 */
public final class LocalStorage implements LakeStorage {
  @Override
  public boolean isLocal() {
    return true;
  }

  @Override
  public void write(String location, Path localFile) {
    Path target = Path.of(location);
    if (target.toAbsolutePath().normalize().equals(localFile.toAbsolutePath().normalize())) {
      return;
    }
    Path tmp = temporary(target);
    try {
      Files.copy(localFile, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new StorageException("Cannot write " + location + ": " + e, e);
    }
  }

  @Override
  public void write(String location, byte[] content) {
    Path target = Path.of(location);
    Path tmp = temporary(target);
    try {
      Files.write(tmp, content);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new StorageException("Cannot write " + location + ": " + e, e);
    }
  }

  private static Path temporary(Path target) {
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new StorageException("Cannot create the directory of " + target + ": " + e, e);
    }
    return target.resolveSibling(target.getFileName() + ".tmp");
  }

  @Override
  public byte[] read(String location) {
    try {
      return Files.readAllBytes(Path.of(location));
    } catch (NoSuchFileException e) {
      throw new StorageException("The file " + location + " does not exist", e);
    } catch (IOException e) {
      throw new StorageException("Cannot read " + location + ": " + e, e);
    }
  }

  @Override
  public byte[] read(String location, long offset, int length) {
    try (FileChannel ch = FileChannel.open(Path.of(location), StandardOpenOption.READ)) {
      long size = ch.size();
      int n = (int) Math.max(0, Math.min(length, size - offset));
      ByteBuffer buf = ByteBuffer.allocate(n);
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      return buf.array();
    } catch (NoSuchFileException e) {
      throw new StorageException("The file " + location + " does not exist", e);
    } catch (IOException e) {
      throw new StorageException("Cannot read " + location + ": " + e, e);
    }
  }

  @Override
  public void download(String location, Path target) {
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      throw new StorageException("The file " + location + " does not exist", e);
    } catch (IOException e) {
      throw new StorageException("Cannot read " + location + ": " + e, e);
    }
  }

  @Override
  public StoredObject stat(String location) {
    try {
      BasicFileAttributes a = Files.readAttributes(Path.of(location), BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return null;
      }
      return new StoredObject(location, a.size(), a.lastModifiedTime().toMillis());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StorageException("Cannot read the size of " + location + ": " + e, e);
    }
  }

  @Override
  public List<StoredObject> list(String prefix) {
    Path dir = Path.of(prefix.endsWith("/") ? prefix : prefix + "/");
    List<StoredObject> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
              if (a.isRegularFile()) {
                out.add(
                    new StoredObject(
                        f.toString().replace('\\', '/'),
                        a.size(),
                        a.lastModifiedTime().toMillis()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              // a file removed while listing is simply not there
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new StorageException("Cannot list " + prefix + ": " + e, e);
    }
    return out;
  }

  @Override
  public boolean delete(String location) {
    try {
      return Files.deleteIfExists(Path.of(location));
    } catch (IOException e) {
      throw new StorageException("Cannot delete " + location + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a temporary file left behind is never a lake file (no .parquet suffix)
    }
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "LocalStorage";
  }
}
