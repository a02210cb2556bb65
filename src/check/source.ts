import * as fs from 'fs';
import * as path from 'path';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseAllDocuments, Scalar } from 'yaml';

/**
 * Reading manifests: files, directories and stdin into YAML documents that remember where every
 * node is, so a finding can name the line and column of the offending value.
 */

/** A 1-based line and column range in a file. */
export interface Region {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A path into a document: mapping keys and sequence indexes. */
export type NodePath = readonly (string | number)[];

/** The input could not be read or parsed: the command exits 2. */
export class InputError extends Error {}

/** One YAML document of one input file. */
export class SourceDocument {
  /** The document as plain JavaScript values. */
  public readonly value: unknown;

  constructor(
    /** The file as given on the command line ("-" for stdin is shown as "stdin"). */
    public readonly file: string,
    /** 0-based index of the document in the file. */
    public readonly index: number,
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly lines: LineCounter,
  ) {
    this.value = doc.toJS({ maxAliasCount: -1 });
  }

  /** The YAML node at `nodePath`, or the deepest existing ancestor's node. */
  public node(nodePath: NodePath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const key of nodePath) {
      const next = child(node, key);
      if (next === undefined) break;
      node = next;
    }
    return isNodeWithRange(node) ? node : undefined;
  }

  /** Where the node at `nodePath` (or its deepest existing ancestor) is. */
  public region(nodePath: NodePath): Region | undefined {
    const node = this.node(nodePath);
    return node?.range ? this.regionOf(node.range[0], node.range[1]) : undefined;
  }

  /** The region of a character range of the file. */
  public regionOf(start: number, end: number): Region {
    const from = this.lines.linePos(start);
    const to = this.lines.linePos(Math.max(start, end));
    return { startLine: from.line, startColumn: from.col, endLine: to.line, endColumn: to.col };
  }

  /**
   * Where a line of a string value is, when the string is a literal block scalar (`|`), whose
   * content lines are the file's lines one to one; else the scalar itself.
   */
  public regionInBlock(nodePath: NodePath, line: number, column: number, length: number): Region | undefined {
    const node = this.node(nodePath);
    if (!isScalar(node) || !node.range) return undefined;
    if ((node as Scalar).type !== Scalar.BLOCK_LITERAL) return this.region(nodePath);
    // Content starts on the line after the header (`|`, `|-`, `|2` …), indented by the block's indent.
    const header = this.lines.linePos(node.range[0]).line;
    const firstLine = header + 1 + line;
    const lineStart = this.lines.lineStarts[firstLine - 1];
    if (lineStart === undefined) return this.region(nodePath);
    const indent = blockIndent(this.text, this.lines.lineStarts[header] ?? lineStart);
    const start = lineStart + indent + column;
    return this.regionOf(start, start + length);
  }
}

function child(node: unknown, key: string | number): unknown {
  if (isMap(node)) {
    const pair = node.items.find(p => (isScalar(p.key) ? p.key.value : p.key) === key);
    return pair === undefined ? undefined : pair.value ?? pair.key;
  }
  if (isSeq(node) && typeof key === 'number') return node.items[key];
  if (isPair(node)) return child(node.value, key);
  return undefined;
}

function isNodeWithRange(node: unknown): node is Node {
  return typeof node === 'object' && node !== null && 'range' in node && Array.isArray((node as Node).range);
}

/** Indentation of the first non-empty line at or after `offset`. */
function blockIndent(text: string, offset: number): number {
  const match = /^( *)\S/m.exec(text.slice(offset, offset + 4096));
  return match ? match[1].length : 0;
}

/** Parses every document of a YAML text; a syntax error names the file and line. */
export function parseYaml(text: string, file: string): SourceDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  const result: SourceDocument[] = [];
  for (const [index, doc] of docs.entries()) {
    const error = doc.errors[0];
    if (error) {
      const at = lines.linePos(error.pos[0]);
      throw new InputError(`${file}:${at.line}:${at.col}: YAML syntax error: ${error.message.split('\n')[0]}`);
    }
    if (doc.contents === null) continue; // an empty document (e.g. a trailing `---`)
    result.push(new SourceDocument(file, index, doc, text, lines));
  }
  return result;
}

/** The YAML files of a directory, recursively, in a stable order. */
function yamlFiles(dir: string): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...yamlFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) files.push(full);
  }
  return files;
}

/** Reads every document of the inputs: files, directories (recursively *.yaml, *.yml) and "-" for stdin. */
export function readInputs(inputs: readonly string[], readStdin: () => string = () => fs.readFileSync(0, 'utf-8')): SourceDocument[] {
  const docs: SourceDocument[] = [];
  for (const input of inputs) {
    if (input === '-') {
      docs.push(...parseYaml(readStdin(), 'stdin'));
      continue;
    }
    let files: string[];
    try {
      files = fs.statSync(input).isDirectory() ? yamlFiles(input) : [input];
    } catch (e) {
      throw new InputError(`${input}: cannot read: ${(e as Error).message}`);
    }
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf-8');
      } catch (e) {
        throw new InputError(`${file}: cannot read: ${(e as Error).message}`);
      }
      docs.push(...parseYaml(text, file));
    }
  }
  return docs;
}
