import { Alias, Composer, CST, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, Parser, Scalar } from 'yaml';

/**
 * YAML for untrusted input, on top of the `yaml` package: the text is split into documents by its
 * CST parser (iterative), each document's nesting is measured without recursion before the
 * package's recursive composer sees it, and the composed tree is turned into plain values by an
 * iterative walk that counts what aliases add, reports circular and unknown aliases, expands
 * merge keys (`<<`, as kubectl does), rejects duplicate and collection keys (as kubectl does) and
 * builds mappings without a prototype, so that no key (`__proto__`, `constructor`) means anything
 * but itself. The package's own `toJS` is never called: it recurses, expands aliases without a
 * bound when asked to and prints warnings to stderr.
 */

/** A problem at a character range of the text. */
export interface YamlProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** One document of a stream: composed, or the reason it was not. */
export interface StreamDocument {
  /** 0-based position of the document in the stream (empty documents count); -1 for a problem of the whole text. */
  readonly index: number;
  readonly doc?: Document.Parsed;
  readonly problem?: YamlProblem;
}

export interface ParsedStream {
  readonly lines: LineCounter;
  readonly documents: StreamDocument[];
  /** The stream had more documents than `maxDocuments`; those after it were not read. */
  readonly truncated: boolean;
}

const COMPOSE_OPTIONS = { uniqueKeys: false, prettyErrors: false, logLevel: 'silent', strict: true } as const;

/** Nesting depth of a CST token (collections inside collections), up to `limit + 1`; iterative. */
export function cstDepth(root: CST.Token, limit: number): number {
  const stack: Array<[CST.Token, number]> = [[root, 0]];
  let max = 0;
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    switch (token.type) {
      case 'document':
        if (token.value) stack.push([token.value, depth]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        for (const item of token.items) {
          if (item.key) stack.push([item.key, depth + 1]);
          if (item.value) stack.push([item.value, depth + 1]);
        }
        break;
      default:
        break;
    }
  }
  return max;
}

/**
 * How many block levels the indentation of `text` opens at most, counted on lines without parsing
 * (each deeper indentation or compact `- `/`? ` indicator opens one; `---` starts over), up to
 * `limit + 1`. The `yaml` package's CST parser recurses once per open block level when a document
 * ends, so a text over the limit is refused before it reaches the parser. True block nesting is at
 * most twice this count (a sequence may sit at its parent key's indentation).
 * Returns the 0-based offset of the first line over the limit, or -1.
 */
export function blockNestingOver(text: string, limit: number): number {
  const open: number[] = [];
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let column = start;
    while (column < end && text[column] === ' ') column++;
    const first = text[column];
    if (column < end && first !== '#' && first !== '\r') {
      if (column === start && (text.startsWith('---', start) || text.startsWith('...', start))) {
        open.length = 0;
      } else {
        while (open.length && open[open.length - 1] > column - start) open.pop();
        let at = column;
        for (;;) {
          if (!open.length || open[open.length - 1] < at - start) open.push(at - start);
          const c = text[at];
          if ((c === '-' || c === '?' || c === ':') && (text[at + 1] === ' ' || at + 1 === end)) at += 2;
          else break;
          while (at < end && text[at] === ' ') at++;
        }
        if (open.length > limit) return start;
      }
    }
    start = end + 1;
  }
  return -1;
}

/** Splits a text into documents and composes each one that is not nested deeper than `maxDepth`. */
export function parseStream(text: string, maxDepth: number, maxDocuments: number): ParsedStream {
  const lines = new LineCounter();
  const over = blockNestingOver(text, maxDepth + 100);
  if (over !== -1) {
    // Count the lines for the position: the parser does not see this text.
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1 && i < over; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    const message = `is indented in more than ${maxDepth + 100} levels at this line (the limit of block nesting), so none of it was parsed`;
    return { lines, documents: [{ index: -1, problem: { message, start: over, end: over + 1 } }], truncated: false };
  }
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer(COMPOSE_OPTIONS);
  const documents: StreamDocument[] = [];
  /** Indexes of the composed documents, in the order the composer yields them. */
  const pending: number[] = [];
  let count = 0;
  let truncated = false;
  /** After a document too deep to compose: its trailing tokens (doc-end, errors) are dropped with it. */
  let skipping = false;
  const take = (doc: Document.Parsed) => {
    documents.push({ index: pending.shift() ?? count, doc });
  };
  for (const token of parser.parse(text)) {
    if (token.type === 'document') {
      if (count >= maxDocuments) {
        truncated = true;
        break;
      }
      const index = count++;
      skipping = cstDepth(token, maxDepth) > maxDepth;
      if (skipping) {
        documents.push({ index, problem: { message: `is nested deeper than ${maxDepth} levels (the limit of collections in collections)`, start: token.offset, end: token.offset + 1 } });
        continue;
      }
      pending.push(index);
    } else if (skipping) {
      continue;
    }
    for (const doc of composer.next(token)) take(doc);
  }
  for (const doc of composer.end()) take(doc);
  const streamErrors = composer.streamInfo().errors;
  if (streamErrors.length) {
    const error = streamErrors[0];
    documents.push({ index: count, problem: { message: firstLine(error.message), start: error.pos[0], end: error.pos[1] } });
  }
  documents.sort((a, b) => a.index - b.index);
  return { lines, documents, truncated };
}

/** One document parsed, or why it could not be; with the line counter of the text either way. */
export type OneDocument = { doc: Document.Parsed; lines: LineCounter } | { problem: YamlProblem; lines: LineCounter };

/** Parses a text that is one YAML document (e.g. a string parameter holding YAML); never throws. */
export function parseOne(text: string, maxDepth: number): OneDocument {
  // Like yaml.Unmarshal: the first document only.
  const { lines, documents } = parseStream(text, maxDepth, 1);
  const first = documents[0];
  if (!first) return { doc: new Document(null, COMPOSE_OPTIONS) as unknown as Document.Parsed, lines };
  if (first.problem) return { problem: first.problem, lines };
  const error = first.doc!.errors[0];
  if (error) return { problem: { message: firstLine(error.message), start: error.pos[0], end: error.pos[1] }, lines };
  return { doc: first.doc!, lines };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** How many nodes aliases may still add: per document, and for the whole run (shared, decremented). */
export interface AliasBudget {
  readonly perDocument: number;
  remainingTotal: number;
}

/** A plain value, or why the document cannot be read as one. */
export type Converted = { readonly value: unknown } | { readonly problem: YamlProblem };

type AstNode = Node | Alias;

/**
 * Every alias of a document mapped to the node it names: the last node with that anchor before
 * it in document order (YAML 1.2, 3.2.2.2). One iterative pre-order walk.
 */
export function resolveAliases(root: unknown): Map<Alias, AstNode | undefined> {
  const anchors = new Map<string, AstNode>();
  const resolved = new Map<Alias, AstNode | undefined>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (isAlias(node)) {
      resolved.set(node, anchors.get(node.source));
      continue;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
    }
    if (isMap(node) || isSeq(node)) {
      const items = node.items as unknown[];
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i];
        if (isPair(item)) {
          stack.push(item.value);
          stack.push(item.key);
        } else {
          stack.push(item);
        }
      }
    }
  }
  return resolved;
}

interface Task {
  readonly node: unknown;
  readonly put: (value: unknown) => void;
  readonly depth: number;
  /** The alias in the text whose expansion this is (what is made counts against the alias budget). */
  readonly via?: Alias;
}

/**
 * The document as plain values: mappings are objects without a prototype, sequences arrays,
 * scalars as the core schema resolves them. Iterative; each node costs O(1) plus its key.
 */
export function toValue(doc: Document.Parsed, text: string, lines: LineCounter, maxDepth: number, budget: AliasBudget): Converted {
  const aliases = resolveAliases(doc.contents);
  const open = new Set<unknown>();
  let aliasNodes = 0;
  let result: unknown = null;
  type Work = Task | { readonly exit: unknown; readonly finish?: () => void };
  const stack: Work[] = [{ node: doc.contents, put: v => { result = v; }, depth: 0 }];
  const at = (node: unknown, message: string): { problem: YamlProblem } => {
    const range = (node as Node | undefined)?.range;
    return { problem: { message, start: range?.[0] ?? 0, end: range?.[1] ?? (range?.[0] ?? 0) + 1 } };
  };

  while (stack.length) {
    const work = stack.pop()!;
    if ('exit' in work) {
      work.finish?.();
      open.delete(work.exit);
      continue;
    }
    let { node, via } = work;
    const { put, depth } = work;
    // Problems are located on the alias written in the text, not on a node deep inside what it expands to.
    if (depth > maxDepth) return at(via ?? node, `is nested deeper than ${maxDepth} levels once its aliases are expanded`);
    if (isAlias(node)) {
      const target = aliases.get(node);
      if (target === undefined) return at(via ?? node, `the alias *${node.source} names no anchor defined before it`);
      if (open.has(target)) return at(via ?? node, `the alias *${node.source} is inside the node it names (a circular alias)`);
      via ??= node;
      node = target;
    }
    if (via) {
      aliasNodes++;
      if (aliasNodes > budget.perDocument) return at(via, `its aliases expand to more than ${budget.perDocument} nodes (the limit per document)`);
      if (budget.remainingTotal <= 0) return at(via, 'its aliases would expand beyond the limit for all documents together');
      budget.remainingTotal--;
    }
    if (node === null || node === undefined) {
      put(null);
    } else if (isScalar(node)) {
      put(node.value);
    } else if (isSeq(node)) {
      const array: unknown[] = new Array(node.items.length);
      put(array);
      open.add(node);
      stack.push({ exit: node });
      for (let i = node.items.length - 1; i >= 0; i--) {
        const index = i;
        stack.push({ node: node.items[i], put: v => { array[index] = v; }, depth: depth + 1, via });
      }
    } else if (isMap(node)) {
      const object: Record<string, unknown> = Object.create(null);
      put(object);
      const first = new Map<string, Node>();
      const merges: unknown[] = [];
      const sources: Record<string, unknown>[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as AstNode | null;
        if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.value === '<<') {
          merges.push(pair.value);
          continue;
        }
        const key = keyOf(keyNode, aliases);
        if (typeof key !== 'string') return at(keyNode ?? node, key.problem(text, keyNode));
        const earlier = first.get(key);
        if (earlier) {
          const line = lines.linePos(earlier.range?.[0] ?? 0).line;
          return at(keyNode, `mapping key ${JSON.stringify(key)} already defined at line ${line} (kubectl rejects duplicate keys)`);
        }
        first.set(key, (keyNode ?? node) as Node);
      }
      // Merge sources: an alias or a mapping, or a list of them; explicit keys win, then earlier sources.
      const mergeNodes: unknown[] = [];
      for (const merge of merges) {
        const target = isAlias(merge) ? aliases.get(merge) : merge;
        if (isSeq(target) && !isAlias(merge)) mergeNodes.push(...target.items);
        else mergeNodes.push(merge);
      }
      for (const merge of mergeNodes) {
        const target = isAlias(merge) ? aliases.get(merge) : merge;
        if (!isMap(target)) return at(merge ?? node, 'a merge key (<<) takes a mapping, an alias of one, or a list of them');
      }
      open.add(node);
      stack.push({
        exit: node,
        finish: () => {
          for (const source of sources) {
            for (const key of Object.keys(source)) if (!first.has(key) && !(key in object)) object[key] = source[key];
          }
        },
      });
      mergeNodes.forEach((merge, i) => {
        stack.push({ node: merge, put: v => { sources[i] = v as Record<string, unknown>; }, depth: depth + 1, via });
      });
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        const keyNode = pair.key as AstNode | null;
        if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.value === '<<') continue;
        const key = keyOf(keyNode, aliases) as string;
        stack.push({ node: pair.value, put: v => { object[key] = v; }, depth: depth + 1, via });
      }
    } else {
      return at(node, 'is not a YAML node this reader understands');
    }
  }
  return { value: result };
}

/** A mapping key as a string (as kubectl converts scalar keys), or why it cannot be one. */
function keyOf(node: AstNode | null, aliases: Map<Alias, AstNode | undefined>): string | { problem: (text: string, node: AstNode | null) => string } {
  const target = isAlias(node) ? aliases.get(node) : node;
  if (target === null) return 'null';
  if (isScalar(target)) {
    const value = target.value;
    return typeof value === 'string' ? value : String(value);
  }
  return {
    problem: (text, keyNode) => {
      // `{{ .Values.x }}` parses as a mapping whose key is a mapping: an unrendered template on the key's line.
      const at = keyNode?.range?.[0] ?? 0;
      const end = text.indexOf('\n', at);
      const line = text.slice(text.lastIndexOf('\n', at) + 1, end === -1 ? undefined : Math.min(end, at + 4096));
      const template = line.includes('{{') ? ': it looks like an unrendered Go template ({{ … }}); render it first (helm template)' : '';
      return `a mapping key must be a single value, not a ${isSeq(target) ? 'list' : 'mapping'} (kubectl: "invalid map key")${template}`;
    },
  };
}
