/**
 * The lake's files, wherever they live. Nothing outside this package knows which kind of storage a
 * lake uses.
 *
 * <ul>
 *   <li>{@link dev.ducklift.ducklake.storage.LakeStorage}: the storage interface, modelled on
 *       Iceberg's {@code FileIO} and kept that small: write a new immutable object (from a local
 *       file or bytes), read it whole or a range, download it, its size ({@code stat}), list a
 *       prefix, delete. Locations are full paths ({@code /abs/dir/...} or {@code s3://bucket/key});
 *       no catalog knowledge. Implementations: {@link dev.ducklift.ducklake.storage.LocalStorage}
 *       and {@link dev.ducklift.ducklake.storage.S3Storage} (AWS SDK for Java v2).
 *   <li>{@link dev.ducklift.ducklake.storage.LakeFiles}: how the rest of the code touches data
 *       files. DuckDB writes Parquet into {@code spool(directory)}; {@code publish}/{@code
 *       publishAll} make spooled files objects (an upload on object storage, nothing on a local
 *       lake); {@code readable(location)} gives DuckDB a local path (the file itself, or a copy in
 *       the {@link dev.ducklift.ducklake.storage.ReadCache}); {@code deleteQuietly} removes an
 *       uncommitted object. Write and promote code (also of new strategies) should only use these.
 *   <li>{@link dev.ducklift.ducklake.storage.StorageLocation} and {@link
 *       dev.ducklift.ducklake.storage.S3Settings}: where a lake's files live and how to reach the
 *       bucket, given to {@code DuckLake} and {@code DuckLakeDestination}.
 * </ul>
 *
 * <p>Kill safety: an object is complete or absent (local writes move a temporary file into place,
 * S3 puts are atomic, a multipart upload is invisible until completed). Objects written for a load
 * that never committed are found by the promote journal and deleted by the next promote.
 */
package dev.ducklift.ducklake.storage;
