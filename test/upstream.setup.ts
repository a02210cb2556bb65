/**
 * Jest global setup: without UPSTREAM_REFERENCE_DIR, fetch the pinned upstream files into the
 * cache once per run (projenrc/upstream.ts). A failed fetch is recorded for the parity tests to
 * report when they skip; a download with the wrong SHA-256 fails the run.
 */
import { ChecksumMismatch, fetchIntoCache, REFERENCE_FILES, UPSTREAM_REFERENCE_DIR } from '../projenrc/upstream';

/** Carries the fetch error to the test workers (they inherit this process's environment). */
export const FETCH_ERROR = 'UPSTREAM_REFERENCE_FETCH_ERROR';

export default async function fetchUpstreamReference(): Promise<void> {
  delete process.env[FETCH_ERROR];
  if (process.env[UPSTREAM_REFERENCE_DIR]) return;
  try {
    await fetchIntoCache(REFERENCE_FILES);
  } catch (e) {
    if (e instanceof ChecksumMismatch) throw e;
    process.env[FETCH_ERROR] = (e as Error).message;
  }
}
