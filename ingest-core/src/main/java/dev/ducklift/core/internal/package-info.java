/**
 * The pipeline runtime's implementation: normalization, staging, cursor tracking and the state
 * store. Not API: anything here may change without notice.
 */
package dev.ducklift.core.internal;
