/**
 * Implementation of the REST source: the HTTP transport and its interceptors, JSON paths and record
 * conversion, placeholders, redaction and the concurrent child fan-out. Not API.
 */
package dev.ducklift.rest.internal;
