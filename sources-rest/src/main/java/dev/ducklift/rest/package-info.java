/**
 * Declarative REST API sources: {@link dev.ducklift.rest.RestSource} with its client ({@link
 * dev.ducklift.rest.RestClientConfig}), resources ({@link dev.ducklift.rest.RestResourceConfig},
 * {@link dev.ducklift.rest.Endpoint}), paginators ({@link dev.ducklift.rest.Paginator}),
 * authentication ({@link dev.ducklift.rest.RestAuth}), retries ({@link
 * dev.ducklift.rest.RetryConfig}) and processing steps. {@link dev.ducklift.rest.Paginator} and
 * {@link dev.ducklift.rest.RestAuth} are the extension points for custom pagination and auth; the
 * {@code rest_api} source factory builds the same objects from YAML/JSON.
 */
package dev.ducklift.rest;
