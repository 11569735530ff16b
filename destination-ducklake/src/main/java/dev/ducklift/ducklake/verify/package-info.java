/**
 * Checking a DuckLake against the rules that the official reader silently relies on (SPEC-NOTES
 * §11): {@link dev.ducklift.ducklake.verify.LakeVerifier#verify} returns a {@link
 * dev.ducklift.ducklake.verify.VerifyReport} listing every problem found.
 */
package dev.ducklift.ducklake.verify;
