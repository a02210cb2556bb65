/**
 * What `validate` reads at most. Its input is untrusted (pull-request content in CI), so every
 * dimension an attacker controls has a bound, and crossing one is a finding or an input error that
 * names the file (exit 2), never a crash, a hang or an allocation of gigabytes. The README's
 * "Limits" table documents these numbers; change both together.
 */
export interface ReadLimits {
  /** Bytes read from one file or from stdin; more is an input error for that file (`/dev/zero` stops here). */
  readonly maxFileBytes: number;
  /** Bytes read from all inputs together; the files after the limit are not read. */
  readonly maxTotalBytes: number;
  /** YAML documents read in one run; the documents after the limit are not checked. */
  readonly maxDocuments: number;
  /** Nesting of collections in one document (flow or block); a deeper document is not checked. */
  readonly maxDepth: number;
  /** Nodes that aliases (and merge keys) may add to one document when expanded. */
  readonly maxAliasNodesPerDocument: number;
  /** Nodes that aliases may add to all documents together. */
  readonly maxAliasNodesTotal: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 32 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxDocuments: 250_000,
  maxDepth: 200,
  maxAliasNodesPerDocument: 100_000,
  maxAliasNodesTotal: 1_000_000,
};

/** Longest value shown in a message (longer values are cut, with the number of characters left out). */
export const MAX_SHOWN_VALUE_CHARS = 1000;
