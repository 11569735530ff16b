package dev.ducklift.core;

/**
 * Resolves secret references found in configuration: {@code env:NAME} (an environment variable),
 * {@code file:/path} (a file's content, trimmed) or {@code secrets:key} (a key of the pipeline's
 * secrets file). Errors name the reference, never a value.
 */
@FunctionalInterface
public interface SecretResolver {

  /**
   * Resolves a reference.
   *
   * @throws DuckliftException naming the reference when it cannot be resolved
   */
  Secret resolve(String reference);
}
