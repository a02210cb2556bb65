/** Where something is in an input file: what findings point at. */

/** A 1-based line and column range in a file. */
export interface Region {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A path into a document: mapping keys and sequence indexes. */
export type { NodePath } from '../rules/model';
