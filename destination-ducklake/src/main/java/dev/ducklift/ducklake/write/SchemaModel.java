package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.internal.LakePaths;

/** A schema as a transaction sees it. */
final class SchemaModel {
  final Long existingId;
  final String name;
  final String uuid;
  final String path;
  final boolean pathRelative;
  final boolean created;
  long assignedId = -1;

  SchemaModel(
      Long existingId,
      String name,
      String uuid,
      String path,
      boolean pathRelative,
      boolean created) {
    this.existingId = existingId;
    this.name = name;
    this.uuid = uuid;
    this.path = path;
    this.pathRelative = pathRelative;
    this.created = created;
  }

  long id() {
    return existingId != null ? existingId : assignedId;
  }

  String directory(String dataPath) {
    return LakePaths.resolve(dataPath, path, pathRelative);
  }
}
