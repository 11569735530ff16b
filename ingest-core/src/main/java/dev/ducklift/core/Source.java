package dev.ducklift.core;

import java.util.List;

/** A named group of resources, typically sharing a client or connection. */
public interface Source extends AutoCloseable {

  String name();

  List<Resource> resources();

  /** Releases clients and connections. The default does nothing. */
  @Override
  default void close() {}
}
