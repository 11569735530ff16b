/**
 * The REST sample: a bundled loopback tickets API (paginated, bearer auth, incremental by {@code
 * updated_at}) and the YAML pipeline that loads it.
 */
package dev.ducklift.samples.rest;
