import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { decode } from './decode';
import { FileRead, inputFiles, readFile, readStdin } from './files';
import type { CheckFinding } from './finding';
import { DEFAULT_LIMITS, ReadLimits } from './limits';
import { NodePath, Region } from './location';
import { AliasBudget, parseStream, toValue } from './yaml';

/**
 * Reading manifests: files, directories and stdin into YAML documents that remember where every
 * node is, so a finding can name the line and column of the offending value. The input is
 * untrusted: see `readInputs` for what is guaranteed, and limits.ts for the bounds.
 */


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
    /** The document as plain values (yaml.ts `toValue`: bounded, mappings without prototype). */
    value: unknown,
  ) {
    this.value = value;
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

/** Each mapping's pairs by key (first occurrence), built on the first lookup: O(1) per step of a path. */
const PAIRS = new WeakMap<YAMLMap, Map<string, Pair>>();

function child(node: unknown, key: string | number): unknown {
  if (isMap(node)) {
    let pairs = PAIRS.get(node);
    if (!pairs) {
      pairs = new Map();
      for (const p of node.items) {
        const k = isScalar(p.key) ? String(p.key.value) : undefined;
        if (k !== undefined && !pairs.has(k)) pairs.set(k, p);
      }
      PAIRS.set(node, pairs);
    }
    const pair = pairs.get(String(key));
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

/** Options of `readInputs`. */
export interface ReadOptions {
  /** What "-" reads: bytes (decoded like a file) or text (default: the process's stdin, with the size limit). */
  readonly stdin?: () => string | Uint8Array;
  /** Lower limits (tests); the command uses `DEFAULT_LIMITS`. */
  readonly limits?: Partial<ReadLimits>;
}

/** What `readInputs` read. */
export interface InputRead {
  /** Every non-empty document that could be read, in input order. */
  readonly documents: SourceDocument[];
  /**
   * Problems of the input, each naming its file (and line and column when there is one): errors
   * (ruleId `input-*`: unreadable, undecodable or unparsable, over a limit; `validate` exits 2 when
   * there is one) and notes (files skipped, and why).
   */
  readonly findings: CheckFinding[];
  /** The files read or tried, in order (for sorting findings by input order). */
  readonly files: string[];
}

/** Whether a finding says that some input could not be read (the command exits 2). */
export function isInputError(finding: CheckFinding): boolean {
  return finding.severity === 'error' && finding.ruleId.startsWith('input-');
}

/** State shared by the files of one run: the limits and what is left of them. */
interface Reading {
  readonly limits: ReadLimits;
  readonly aliases: AliasBudget;
  documentsLeft: number;
  bytesLeft: number;
  readonly result: { documents: SourceDocument[]; findings: CheckFinding[]; files: string[] };
}

function startReading(limits?: Partial<ReadLimits>): Reading {
  const all = { ...DEFAULT_LIMITS, ...limits };
  return {
    limits: all,
    aliases: { perDocument: all.maxAliasNodesPerDocument, remainingTotal: all.maxAliasNodesTotal },
    documentsLeft: all.maxDocuments,
    bytesLeft: all.maxTotalBytes,
    result: { documents: [], findings: [], files: [] },
  };
}

function inputFinding(severity: 'error' | 'note', ruleId: string, file: string, rule: string, fix: string, extra: Partial<CheckFinding> = {}): CheckFinding {
  return { severity, ruleId, file, field: '', value: undefined, rule, fix, ...extra };
}

/** Why a document could not be read, and what to do, by the reader's message. */
function yamlFix(message: string): string {
  if (/nested deeper|indented in more than/.test(message)) return 'flatten the document; no Kubernetes object nests this deep';
  if (/aliases (would )?expand/.test(message)) return 'write the repeated values out, or use fewer aliases (see "Limits" in the README)';
  if (/circular alias/.test(message)) return 'remove the alias from inside the node it names';
  if (/names no anchor/.test(message)) return 'define the anchor (&name) before the alias, or write the value out';
  if (/already defined/.test(message)) return 'remove one of the two keys (kubectl refuses the document)';
  if (/mapping key must be a single value/.test(message)) return 'use a string key; render templates before validating';
  if (/merge key/.test(message)) return 'merge a mapping: `<<: *anchor` or `<<: [*a, *b]`';
  return 'correct the YAML (kubectl refuses it too); the other documents and files were still checked';
}

/** Reads the documents of one text into `reading`; never throws. */
function readText(text: string, file: string, reading: Reading): void {
  const { result, limits } = reading;
  const { lines, documents, truncated } = parseStream(text, limits.maxDepth, reading.documentsLeft);
  const regionOf = (start: number, end: number) => {
    const from = lines.linePos(start);
    const to = lines.linePos(Math.max(start, end));
    return { startLine: from.line, startColumn: from.col, endLine: to.line, endColumn: to.col };
  };
  for (const { index, doc, problem } of documents) {
    reading.documentsLeft--;
    const failure = problem ?? (doc?.errors[0] ? { message: doc.errors[0].message.split('\n')[0], start: doc.errors[0].pos[0], end: doc.errors[0].pos[1] } : undefined);
    if (failure) {
      const syntax = !problem;
      // A `{{ … }}` on the line of a syntax error: a Helm or Go template that was not rendered.
      const lineStart = lines.lineStarts[lines.linePos(failure.start).line - 1] ?? 0;
      const lineEnd = text.indexOf('\n', lineStart);
      const template = syntax && text.slice(lineStart, lineEnd === -1 ? undefined : Math.min(lineEnd, lineStart + 4096)).includes('{{');
      const message = template ? `${failure.message} (the line holds an unrendered Go template, {{ … }})` : failure.message;
      const fix = template ? 'render the template first (helm template, or the tool that fills it in) and validate its output' : yamlFix(failure.message);
      const what = syntax ? 'YAML syntax error' : index < 0 ? 'the text' : `document ${index}`;
      result.findings.push(inputFinding('error', 'input-yaml', file, `${what}: ${message}`, fix, {
        ...(index < 0 ? {} : { document: index }), region: regionOf(failure.start, failure.end),
      }));
      continue;
    }
    if (!doc || doc.contents === null) {
      reading.documentsLeft++; // an empty document (e.g. a trailing `---`) is not counted
      continue;
    }
    const converted = toValue(doc, text, lines, limits.maxDepth, reading.aliases);
    if ('problem' in converted) {
      const { message, start, end } = converted.problem;
      result.findings.push(inputFinding('error', 'input-yaml', file, `document ${index}: ${message}`, yamlFix(message), { document: index, region: regionOf(start, end) }));
      continue;
    }
    if (converted.value === null) {
      reading.documentsLeft++; // `---` with nothing (or only `~`) after it: an empty document
      continue;
    }
    result.documents.push(new SourceDocument(file, index, doc, text, lines, converted.value));
  }
  if (truncated) {
    result.findings.push(inputFinding('error', 'input-limit', file, `the input has more than ${limits.maxDocuments} YAML documents (the limit for one run), so the documents after the limit were not read`, 'validate the manifests in smaller parts'));
    reading.documentsLeft = 0;
  }
}

/** Decodes and reads one file's bytes (or text) into `reading`. */
function readContent(read: FileRead, reading: Reading, text?: string): void {
  const { result, limits } = reading;
  result.files.push(read.file);
  if (read.kind !== 'read') {
    result.findings.push(read.kind === 'error'
      ? inputFinding('error', 'input-file', read.file, read.message, 'check the path and its permissions')
      : inputFinding('note', 'input-skipped', read.file, read.message, 'name regular files or directories of them'));
    return;
  }
  const size = text === undefined ? read.bytes.length : Buffer.byteLength(text);
  if (size > reading.bytesLeft) {
    result.findings.push(inputFinding('error', 'input-limit', read.file, `would take the input over ${limits.maxTotalBytes} bytes (the limit for all inputs together), so it was not read`, 'validate the manifests in smaller parts'));
    reading.bytesLeft = 0;
    return;
  }
  reading.bytesLeft -= size;
  if (reading.documentsLeft <= 0) return;
  if (text === undefined) {
    const decoded = decode(read.bytes);
    if ('error' in decoded) {
      result.findings.push(inputFinding('error', 'input-encoding', read.file, decoded.error, 'save the file as UTF-8 (or UTF-16/UTF-32 with a byte order mark)'));
      return;
    }
    text = decoded.text;
  }
  readText(text, read.file, reading);
}

/**
 * Parses every document of a YAML text (as one input named `file`); problems are findings, as in
 * `readInputs`.
 */
export function parseYaml(text: string, file: string, options: Pick<ReadOptions, 'limits'> = {}): InputRead {
  const reading = startReading(options.limits);
  if (Buffer.byteLength(text) > reading.limits.maxFileBytes) {
    readContent({ kind: 'error', file, message: `is larger than ${reading.limits.maxFileBytes} bytes (the limit per input file)` }, reading);
  } else {
    readContent({ kind: 'read', file, bytes: new Uint8Array(0) }, reading, text);
  }
  return reading.result;
}

/**
 * THE entry point for reading manifests (the `validate` command, the cdk8s plugin and other
 * checkers all read through it). Reads files, directories (recursively `*.yaml`, `*.yml`) and
 * "-" for stdin. Contract, for untrusted input:
 *
 * - never throws for anything in the input, and never recurses on input-controlled depth;
 * - reads at most the limits of `ReadLimits` (file size, total size, documents, nesting depth,
 *   alias expansion); what is over a limit is an `input-*` error finding naming the file;
 * - a file that cannot be read, decoded (UTF-8, or UTF-16/32 by BOM or zero bytes; invalid data is
 *   an error) or parsed is an error finding for that file or document, with line and column when
 *   known; every other document and file is still read;
 * - inside directories only regular files are read; symbolic links are followed only to targets
 *   inside the directories given, FIFOs, devices and sockets are skipped, each with a note;
 * - duplicate mapping keys, collection keys, circular or unknown aliases make the document an
 *   error (kubectl refuses them too); merge keys (`<<`) are expanded as kubectl expands them;
 * - values are plain data: mappings are objects without a prototype, so an input key never
 *   reaches `Object.prototype`.
 */
export function readInputs(inputs: readonly string[], options: ReadOptions | (() => string | Uint8Array) = {}): InputRead {
  const { stdin, limits } = typeof options === 'function' ? { stdin: options, limits: undefined } : options;
  const reading = startReading(limits);
  for (const found of inputFiles(inputs)) {
    if (found.kind !== 'file') {
      readContent(found, reading);
    } else if (found.file === '-') {
      if (stdin) {
        const content = stdin();
        if (typeof content === 'string') {
          if (Buffer.byteLength(content) > reading.limits.maxFileBytes) readContent({ kind: 'error', file: 'stdin', message: `is larger than ${reading.limits.maxFileBytes} bytes (the limit per input file)` }, reading);
          else readContent({ kind: 'read', file: 'stdin', bytes: new Uint8Array(0) }, reading, content);
        } else {
          readContent(content.length > reading.limits.maxFileBytes
            ? { kind: 'error', file: 'stdin', message: `is larger than ${reading.limits.maxFileBytes} bytes (the limit per input file)` }
            : { kind: 'read', file: 'stdin', bytes: content }, reading);
        }
      } else {
        readContent(readStdin(reading.limits.maxFileBytes), reading);
      }
    } else {
      readContent(readFile(found.real ?? found.file, reading.limits.maxFileBytes, !found.explicit, found.file), reading);
    }
  }
  return reading.result;
}
