/** Implementation details of the DuckLake module; not API, may change without notice. */
package dev.ducklift.ducklake.internal;
