import { Alias, isAlias, isMap, isScalar, isSeq, LineCounter, Node, Scalar } from 'yaml';
import { shownValue } from './finding';
import { DEFAULT_LIMITS } from './limits';
import { parseOne, resolveAliases } from './yaml';
import { ObjectEntry, objectEntry } from '../rules/model';

/**
 * The `objects` parameter read the way the provider reads it (gopkg.in/yaml.v3, non-strict): a
 * YAML mapping whose `array` is a list of strings, each string one object's YAML document.
 * String fields keep the scalar's text (`filePermission: 0755` stays "0755") and are trimmed;
 * `objectVersionHistory` is an int32 and must not be quoted.
 * See https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/types/types.go
 */

/** Where something is inside the `objects` string: 0-based line and column, and length. */
export interface TextSpot {
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/** A problem reading the objects string, at a field relative to `objects` (e.g. `[1].objectVersionHistory`). */
export interface ObjectsProblem {
  readonly field: string;
  readonly value: unknown;
  readonly severity: 'error' | 'warning';
  readonly rule: string;
  readonly fix: string;
  readonly spot?: TextSpot;
}

export interface ParsedObjects {
  /** One per `array` item, in order; undefined for an item that could not be read (a problem says why). */
  readonly entries: (ObjectEntry | undefined)[];
  readonly problems: ObjectsProblem[];
  /** Where `[i]` and `[i].<key>` are in the string. */
  readonly spots: ReadonlyMap<string, TextSpot>;
}

const STRING_FIELDS = ['objectName', 'objectAlias', 'objectType', 'objectVersion', 'objectFormat', 'objectEncoding', 'filePermission'] as const;
const HISTORY = 'objectVersionHistory';
const FIELDS: readonly string[] = [...STRING_FIELDS, HISTORY];
const NULL = /^(~|null|Null|NULL|)$/;
const INT32_MAX = 2147483647;

const CANONICAL = 'write it as `array:` followed by `- |` blocks, one object per block (see https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/website/content/en/getting-started/usage/_index.md)';

/** Parsed per distinct string: charts repeat the same objects in many classes. */
const CACHE = new Map<string, ParsedObjects>();

/** Reads the objects string; never throws. */
export function parseObjects(text: string): ParsedObjects {
  let parsed = CACHE.get(text);
  if (!parsed) {
    parsed = parse(text);
    if (CACHE.size > 10_000) CACHE.clear();
    CACHE.set(text, parsed);
  }
  return parsed;
}

/** A YAML node of the objects string as a finding shows it: bounded, aliases not expanded. */
function shown(node: unknown): unknown {
  if (isAlias(node)) return `*${node.source}`;
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) {
    const range = node.range;
    return range ? shownValue(TEXT.current.slice(range[0], Math.min(range[1], range[0] + 4096)).trim()) : null;
  }
  return null;
}

/** The text being parsed, for `shown` (parsing is synchronous). */
const TEXT = { current: '' };

function parse(text: string): ParsedObjects {
  const entries: (ObjectEntry | undefined)[] = [];
  const problems: ObjectsProblem[] = [];
  const spots = new Map<string, TextSpot>();
  const parsed = parseOne(text, DEFAULT_LIMITS.maxDepth);
  const lines = parsed.lines;
  const spotOf = (node: Node | null | undefined): TextSpot | undefined => {
    if (!node?.range) return undefined;
    const at = lines.linePos(node.range[0]);
    return { line: at.line - 1, column: at.col - 1, length: Math.max(1, node.range[1] - node.range[0]) };
  };

  if ('problem' in parsed) {
    const at = lines.linePos(parsed.problem.start);
    problems.push({
      field: '',
      value: shownValue(text),
      severity: 'error',
      rule: `is not valid YAML (${parsed.problem.message}); the provider fails with "failed to yaml unmarshal objects"`,
      fix: CANONICAL,
      spot: { line: at.line - 1, column: at.col - 1, length: 1 },
    });
    return { entries, problems, spots };
  }
  TEXT.current = text;
  const aliases = resolveAliases(parsed.doc.contents);
  // yaml.v3 reads an alias as the node it names: `- *shared` is that string.
  const deref = (node: unknown): unknown => isAlias(node) ? aliases.get(node as Alias) ?? null : node;
  const root = deref(parsed.doc.contents);
  const array = isMap(root) ? root.items.find(p => isScalar(p.key) && p.key.value === 'array') : undefined;
  if (!isMap(root) || !array) {
    problems.push({
      field: '',
      value: shownValue(text),
      severity: 'error',
      rule: isSeq(root)
        ? 'is a bare list; the provider reads a mapping with the key `array` and fails with "cannot unmarshal !!seq"'
        : 'has no `array` key, so the provider writes no object',
      fix: CANONICAL,
      spot: spotOf(root as Node),
    });
    return { entries, problems, spots };
  }
  const items = deref(array.value);
  if (!isSeq(items)) {
    if (isScalar(items) && NULL.test(String(items.value)) && items.type === Scalar.PLAIN) return { entries, problems, spots };
    problems.push({ field: '.array', value: shown(items), severity: 'error', rule: 'must be a list of strings (the provider fails with "cannot unmarshal")', fix: CANONICAL, spot: spotOf(array.value as Node) });
    return { entries, problems, spots };
  }

  items.items.forEach((original, i) => {
    const field = `[${i}]`;
    const spot = spotOf(original as Node);
    if (spot) spots.set(field, spot);
    const item = deref(original);
    if (!isScalar(item)) {
      entries.push(undefined);
      problems.push({
        field,
        value: shown(item),
        severity: 'error',
        rule: `is a ${isMap(item) ? 'mapping' : 'list'}, and each entry of \`array\` must be a string holding one object's YAML (the provider fails with "cannot unmarshal !!${isMap(item) ? 'map' : 'seq'} into string")`,
        fix: 'turn the entry into a literal block: `- |` followed by the object\'s keys, indented',
        spot,
      });
      return;
    }
    // Content of a block scalar starts on the line after its header.
    // Lines of a literal block are the string's lines one to one (indented); anything else maps to the entry.
    const literal = spot && item === original && item.type === Scalar.BLOCK_LITERAL;
    const base = literal ? { line: spot.line + 1, column: indentOf(text, lines, spot.line + 1) } : undefined;
    entries.push(parseEntry(String(item.value), field, base, problems, spots, i));
  });
  return { entries, problems, spots };
}

/** Leading spaces of a 0-based line of `text`: O(1) through the line starts (a rescan per entry would be quadratic). */
function indentOf(text: string, lines: LineCounter, line: number): number {
  const start = lines.lineStarts[line];
  if (start === undefined) return 0;
  let end = start;
  while (end < text.length && end - start < 256 && text[end] === ' ') end++;
  return end - start;
}

function parseEntry(
  text: string, field: string, base: { line: number; column: number } | undefined,
  problems: ObjectsProblem[], spots: Map<string, TextSpot>, index: number,
): ObjectEntry | undefined {
  const parsed = parseOne(text, DEFAULT_LIMITS.maxDepth);
  const lines = parsed.lines;
  const spotOf = (node: Node | null | undefined): TextSpot | undefined => {
    if (!node?.range || !base) return spots.get(field);
    const at = lines.linePos(node.range[0]);
    return { line: base.line + at.line - 1, column: base.column + at.col - 1, length: Math.max(1, node.range[1] - node.range[0]) };
  };
  if ('problem' in parsed) {
    problems.push({
      field,
      value: shownValue(text),
      severity: 'error',
      rule: `is not valid YAML (${parsed.problem.message}); the provider fails with "unmarshal failed for keyVaultObjects at index ${index}"`,
      fix: 'write one `key: value` per line (objectName, objectType, …)',
      spot: spots.get(field),
    });
    return undefined;
  }
  const previous = TEXT.current;
  TEXT.current = text;
  try {
    return readEntry(parsed.doc.contents, resolveAliases(parsed.doc.contents), text, field, spotOf, problems, spots, index);
  } finally {
    TEXT.current = previous;
  }
}

function readEntry(
  contents: unknown, aliases: Map<Alias, unknown>, text: string, field: string, spotOf: (node: Node | null | undefined) => TextSpot | undefined,
  problems: ObjectsProblem[], spots: Map<string, TextSpot>, index: number,
): ObjectEntry | undefined {
  const deref = (node: unknown): unknown => isAlias(node) ? aliases.get(node as Alias) ?? null : node;
  const root = deref(contents);
  if (!isMap(root)) {
    problems.push({ field, value: shownValue(text), severity: 'error', rule: `must be a YAML mapping of the object's fields (the provider fails with "unmarshal failed for keyVaultObjects at index ${index}")`, fix: 'write e.g. "objectName: secret1" and "objectType: secret" on separate lines', spot: spots.get(field) });
    return undefined;
  }
  const values: Record<string, string> = Object.create(null);
  const seen = new Map<string, Node>();
  let history: number | undefined;
  for (const pair of root.items) {
    const keyNode = deref(pair.key);
    const key = isScalar(keyNode) ? String(keyNode.value) : String(shown(keyNode));
    const keyField = `${field}.${key}`;
    const spot = spotOf((pair.value ?? pair.key) as Node);
    if (spot) spots.set(keyField, spot);
    // yaml.v3 (the provider's parser) refuses duplicate keys: "mapping key … already defined at line …".
    const earlier = seen.get(key);
    if (earlier) {
      problems.push({
        field: keyField,
        value: shown(deref(pair.value)),
        severity: 'error',
        rule: `repeats the key ${key}, and the provider fails with "unmarshal failed for keyVaultObjects at index ${index}, error: yaml: unmarshal errors: mapping key ${JSON.stringify(key)} already defined"`,
        fix: 'remove one of the two',
        spot: spotOf(pair.key as Node),
      });
      continue;
    }
    seen.set(key, pair.key as Node);
    if (!FIELDS.includes(key)) {
      const meant = FIELDS.find(f => f.toLowerCase() === key.toLowerCase());
      problems.push({
        field: keyField,
        value: shown(deref(pair.value)),
        severity: 'warning',
        rule: 'the provider ignores this key (object keys are case-sensitive)',
        fix: meant ? `rename it to ${meant}` : `remove it; the keys are ${FIELDS.join(', ')}`,
        spot,
      });
      continue;
    }
    const value = deref(pair.value);
    if (value !== null && !isScalar(value)) {
      problems.push({ field: keyField, value: shown(value), severity: 'error', rule: `must be a single value (the provider fails with "unmarshal failed for keyVaultObjects at index ${index}")`, fix: 'write the value on the same line as the key', spot });
      continue;
    }
    const scalar = value as Scalar | null;
    const raw = scalar === null ? '' : String(scalar.value);
    const plain = scalar === null || scalar.type === Scalar.PLAIN;
    if (key === HISTORY) {
      const valid = plain && /^[-+]?[0-9]+$/.test(raw.trim()) && Math.abs(Number(raw)) <= INT32_MAX;
      if (!valid) {
        if (plain && NULL.test(raw)) continue;
        problems.push({
          field: keyField,
          value: raw,
          severity: 'error',
          rule: `must be an unquoted integer (an int32; the provider fails with "unmarshal failed for keyVaultObjects at index ${index}")`,
          fix: `write ${HISTORY}: ${/^\s*[0-9]+\s*$/.test(raw) ? raw.trim() : 5} without quotes`,
          spot,
        });
        continue;
      }
      history = Number(raw);
      continue;
    }
    values[key] = (plain && NULL.test(raw) ? '' : raw).trim();
  }
  return objectEntry(values.objectName ?? '', values.objectType ?? '', {
    alias: values.objectAlias,
    version: values.objectVersion,
    versionHistory: history,
    format: values.objectFormat,
    encoding: values.objectEncoding,
    filePermission: values.filePermission,
  });
}
