import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { sarifErrors } from './sarif-schema';
import { check } from '../../src/check/checker';
import { decode } from '../../src/check/decode';
import { escapeText, sarifUri } from '../../src/check/escape';
import { messageOf } from '../../src/check/finding';
import { DEFAULT_LIMITS } from '../../src/check/limits';
import { isInputError, parseYaml, readInputs } from '../../src/check/source';

/**
 * `validate` on hostile input (issue 16): each attack that crashed, hung or misled it is a finding
 * or an input error now, bounded by the documented limits (limits.ts, README "Limits") and not by
 * timing. fast-check properties cover the reader and the output escaping.
 */

const spc = (name: string, parameters = '', ns = 'demo', apiVersion = 'secrets-store.csi.x-k8s.io/v1') => `apiVersion: ${apiVersion}
kind: SecretProviderClass
metadata: { name: ${name}, namespace: ${ns} }
spec:
  provider: azure
  parameters:
    keyvaultName: kvname
    tenantID: 11111111-1111-1111-1111-111111111111
${parameters}    objects: |
      array:
        - |
          objectName: a
          objectType: secret
`;

/** A class with an error, after the hostile document: it must still be checked. */
const LATER = `---\n${spc('later').replace('kvname', 'k--v')}`;
const laterChecked = (findings: ReturnType<typeof check>['findings']) =>
  expect(findings.some(f => f.object === 'demo/later' && f.field === 'spec.parameters.keyvaultName')).toBe(true);

/** Anchors a0 … a<levels> where each level lists the previous one `width` times: width^levels nodes expanded. */
function bomb(levels: number, width = 10): string {
  const lines = [`  a0: &a0 [${Array(width).fill('lol').join(', ')}]`];
  for (let i = 1; i <= levels; i++) lines.push(`  a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`);
  return lines.join('\n');
}

/** Every value node of a plain value, counted without recursion. */
function nodes(value: unknown): number {
  let count = 0;
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    count++;
    if (Array.isArray(v)) stack.push(...v);
    else if (typeof v === 'object' && v !== null) stack.push(...Object.values(v));
  }
  return count;
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kv-hostile-'));
}

describe('aliases: bounded expansion, circular and unknown aliases', () => {
  test('an 8-level bomb referenced from 30 parameters is an input error at the alias; the next document is still checked', () => {
    const params = Array.from({ length: 30 }, (_, i) => `    p${i}: *a8\n`).join('');
    const text = `${spc('bomb', params).replace('spec:\n', `x-anchors:\n${bomb(8)}\nspec:\n`)}${LATER}`;
    const read = parseYaml(text, 'bomb.yaml');
    const errors = read.findings.filter(isInputError);
    expect(errors).toEqual([expect.objectContaining({
      ruleId: 'input-yaml',
      file: 'bomb.yaml',
      document: 0,
      rule: `document 0: its aliases expand to more than ${DEFAULT_LIMITS.maxAliasNodesPerDocument} nodes (the limit per document)`,
    })]);
    expect(errors[0].region?.startLine).toBe(9); // *a3 in a4's list: a4 is the first anchor that expands past 100,000 nodes
    laterChecked(check(read).findings);
  });

  test.each([
    ['one parameter', (b: string) => spc('one', '    p: *a8\n').replace('spec:\n', `x:\n${b}\nspec:\n`)],
    ['secretObjects', (b: string) => `${spc('sync').replace('spec:\n', `x:\n${b}\nspec:\n`)}  secretObjects: *a8\n`],
  ])('a bomb in %s is an input error, not "Invalid string length"', (_where, make) => {
    const findings = check(parseYaml(make(bomb(8)) + LATER, 'x.yaml')).findings;
    expect(findings.filter(isInputError).map(f => f.rule)).toEqual([expect.stringMatching(/aliases expand to more than/)]);
    laterChecked(findings);
  });

  test('what aliases add to all documents together is bounded too', () => {
    const doc = (i: number) => `x: ${i}\na: &a [${Array(30).fill('v').join(', ')}]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n`;
    const read = parseYaml([0, 1, 2, 3].map(doc).join('---\n'), 'x.yaml', { limits: { maxAliasNodesPerDocument: 400, maxAliasNodesTotal: 1000 } });
    expect(read.documents.map(d => d.index)).toEqual([0, 1, 2]);
    expect(read.findings.map(f => [f.document, f.rule])).toEqual([[3, 'document 3: its aliases would expand beyond the limit for all documents together']]);
  });

  test.each([
    ['parameters', `${spc('c', '    p: &r [*r]\n')}`],
    ['secretObjects', `${spc('c')}  secretObjects: &r [*r]\n`],
    ['a mapping', 'a: &m { b: *m }\n'],
  ])('a circular alias in %s is an input error, not "Converting circular structure to JSON"', (_where, text) => {
    const findings = check(parseYaml(text + LATER, 'x.yaml')).findings;
    expect(findings.filter(isInputError).map(f => f.rule)).toEqual([expect.stringMatching(/the alias \*[rm] is inside the node it names \(a circular alias\)/)]);
    laterChecked(findings);
  });

  test('an alias with no anchor before it is an input error', () => {
    expect(parseYaml('a: *nope\nb: &nope 1\n', 'x.yaml').findings.map(f => f.rule)).toEqual(['document 0: the alias *nope names no anchor defined before it']);
  });

  test('aliases expanded deeper than the depth limit are an input error', () => {
    const read = parseYaml('a: &a [[[1]]]\nb: &b [[*a]]\nc: [[*b]]\n', 'x.yaml', { limits: { maxDepth: 5 } });
    expect(read.findings.map(f => f.rule)).toEqual(['document 0: is nested deeper than 5 levels once its aliases are expanded']);
  });
});

describe('nesting, document count and size limits', () => {
  test.each([
    ['flow sequences', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['flow mappings', '{a: '.repeat(20_000) + '1' + '}'.repeat(20_000)],
  ])('%s nested 20,000+ deep: an input error for the document, no stack overflow (measured before the recursive composer)', (_kind, text) => {
    const read = parseYaml(`${text}\n${LATER}`, 'deep.yaml');
    expect(read.findings).toEqual([expect.objectContaining({ ruleId: 'input-yaml', document: 0, rule: `document 0: is nested deeper than ${DEFAULT_LIMITS.maxDepth} levels (the limit of collections in collections)` })]);
    laterChecked(check(read).findings);
  });

  test.each([
    ['block sequences', '- '.repeat(20_000) + 'x', 1],
    ['block mappings', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1', 301],
  ])('%s nested 3,000+ deep: an input error for the file at the first line too deep (measured before the recursive CST parser)', (_kind, text, line) => {
    const read = parseYaml(`${text}\n${LATER}`, 'deep.yaml');
    expect(read.documents).toEqual([]);
    expect(read.findings).toEqual([expect.objectContaining({
      ruleId: 'input-yaml',
      file: 'deep.yaml',
      region: expect.objectContaining({ startLine: line }),
      rule: `the text: is indented in more than ${DEFAULT_LIMITS.maxDepth + 100} levels at this line (the limit of block nesting), so none of it was parsed`,
    })]);
  });

  test('130,000 tiny documents are read (no "Maximum call stack size exceeded")', () => {
    const read = parseYaml('a: 1\n---\n'.repeat(130_000), 'many.yaml');
    expect(read.documents.length).toBe(130_000);
    expect(check(read).findings.map(f => f.ruleId)).toEqual(['input-skipped']);
  });

  test('documents over the limit are an input error; the ones before it are read', () => {
    const read = parseYaml('a: 1\n---\n'.repeat(10), 'x.yaml', { limits: { maxDocuments: 4 } });
    expect(read.documents.length).toBe(4);
    expect(read.findings).toEqual([expect.objectContaining({ ruleId: 'input-limit', file: 'x.yaml', rule: expect.stringMatching(/more than 4 YAML documents/) })]);
  });

  test('a file over the size limit, and /dev/zero named on the command line, are input errors after reading limit + 1 bytes', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'big.yaml'), 'a: 1\n'.repeat(100));
    const read = readInputs([path.join(dir, 'big.yaml'), '/dev/zero'], { limits: { maxFileBytes: 64 } });
    expect(read.findings.map(f => [f.ruleId, f.file, f.rule])).toEqual([
      ['input-file', path.join(dir, 'big.yaml'), expect.stringMatching(/^is larger than 64 bytes/)],
      ['input-file', '/dev/zero', expect.stringMatching(/^is larger than 64 bytes/)],
    ]);
  });

  test('inputs over the total size limit are not read, with an input error', () => {
    const dir = tmp();
    for (const name of ['a.yaml', 'b.yaml', 'c.yaml']) fs.writeFileSync(path.join(dir, name), Array.from({ length: 10 }, (_, i) => `k${i}: 1\n`).join(''));
    const read = readInputs([dir], { limits: { maxTotalBytes: 120 } });
    expect(read.documents.map(d => path.basename(d.file))).toEqual(['a.yaml', 'b.yaml']);
    expect(read.findings.map(f => [f.ruleId, path.basename(f.file!)])).toEqual([['input-limit', 'c.yaml']]);
  });
});

describe('keys from the input are only keys', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('kind: %s is an unknown kind, not "specPath is not iterable"', kind => {
    const findings = check(parseYaml(`apiVersion: v1\nkind: ${kind}\nmetadata: { name: x }\nspec: {}\n${LATER}`, 'x.yaml')).findings;
    expect(findings.find(f => f.ruleId === 'input-unchecked')?.rule).toContain(kind);
    laterChecked(findings);
  });

  test('__proto__ and constructor keys neither pollute prototypes nor confuse the rules', () => {
    const text = `${spc('p', '    __proto__: "v1"\n    constructor: "v2"\n')}  secretObjects:\n    - secretName: s\n      type: constructor\n      data: [{ objectName: a, key: k }]\n`
      + 'metadata2:\n  __proto__: { polluted: true }\n';
    const read = parseYaml(text, 'x.yaml');
    const findings = check(read).findings;
    expect(({} as any).polluted).toBeUndefined();
    expect(findings.filter(f => f.object === 'demo/p').map(f => [f.severity, f.field])).toEqual([
      ['warning', 'spec.parameters.__proto__'],
      ['warning', 'spec.parameters.constructor'],
      ['warning', 'spec.secretObjects[0].type'],
    ]);
    expect(Object.getPrototypeOf((read.documents[0].value as any).metadata2)).toBeNull();
  });
});

describe('YAML as kubectl reads it', () => {
  test('duplicate keys are an input error naming both lines (kubectl: mapping key "…" already defined)', () => {
    const read = parseYaml(`${spc('d').replace('  name: d', '  name: d')}`.replace('    tenantID', '    keyvaultName: other\n    tenantID') + LATER, 'x.yaml');
    expect(read.findings.map(f => [f.ruleId, f.region?.startLine, f.rule])).toEqual([
      ['input-yaml', 8, 'document 0: mapping key "keyvaultName" already defined at line 7 (kubectl rejects duplicate keys)'],
    ]);
    laterChecked(check(read).findings);
  });

  test('merge keys are expanded: explicit keys win, then earlier sources', () => {
    const text = 'base: &base { a: 1, b: 1 }\nmore: &more { b: 2, c: 2 }\nx:\n  <<: [*base, *more]\n  a: 0\ny: { <<: *more }\n';
    const value = parseYaml(text, 'x.yaml').documents[0].value as any;
    expect({ ...value.x }).toEqual({ a: 0, b: 1, c: 2 });
    expect({ ...value.y }).toEqual({ b: 2, c: 2 });
  });

  test('a merged class is checked with its merged parameters', () => {
    const text = `x: &params { keyvaultName: "k--v", tenantID: 11111111-1111-1111-1111-111111111111 }\n${spc('m').replace('    keyvaultName: kvname\n    tenantID: 11111111-1111-1111-1111-111111111111\n', '    <<: *params\n')}`;
    const findings = check(parseYaml(text, 'x.yaml')).findings;
    expect(findings.map(f => [f.ruleId, f.field])).toEqual([['spc-parameters', 'spec.parameters.keyvaultName']]);
  });

  test('a merge key with a scalar is an input error', () => {
    expect(parseYaml('a: { <<: 1 }\n', 'x.yaml').findings.map(f => f.rule)).toEqual([expect.stringMatching(/a merge key \(<<\) takes a mapping/)]);
  });

  test('an unrendered Go template is an input error that says so, and no Node.js warning reaches stderr', () => {
    const warn = jest.spyOn(process, 'emitWarning');
    const consoleWarn = jest.spyOn(console, 'warn');
    try {
      const read = parseYaml(`apiVersion: v1\nkind: ConfigMap\n{{ if .Values.enabled }}\nmetadata: { name: x }\n{{ end }}\n${LATER}`, 't.yaml');
      expect(read.findings.map(f => [f.rule, f.fix])).toEqual([[expect.stringMatching(/^YAML syntax error: .*unrendered Go template/), expect.stringMatching(/^render the template first/)]]);
      // As a flow mapping key, the template is a collection key: refused with the same hint.
      expect(parseYaml('{{ .Values.name }}: x\n', 't.yaml').findings.map(f => f.rule)).toEqual([expect.stringMatching(/a mapping key must be a single value, not a mapping .*unrendered Go template/)]);
      expect(warn).not.toHaveBeenCalled();
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      consoleWarn.mockRestore();
    }
  });
});

describe('encodings', () => {
  const bad = spc('enc').replace('kvname', 'k--v');
  const expected = check(parseYaml(bad, 'x.yaml')).findings.map(f => [f.ruleId, f.field, f.region?.startLine]);
  const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
  const utf32 = (text: string, le: boolean) => {
    const points = [...text].map(c => c.codePointAt(0)!);
    const buffer = Buffer.alloc(points.length * 4);
    points.forEach((p, i) => le ? buffer.writeUInt32LE(p, i * 4) : buffer.writeUInt32BE(p, i * 4));
    return buffer;
  };
  test.each([
    ['UTF-8 with BOM', Buffer.from(`\ufeff${bad}`, 'utf-8')],
    ['UTF-16LE with BOM', Buffer.from(`\ufeff${bad}`, 'utf16le')],
    ['UTF-16LE without BOM', Buffer.from(bad, 'utf16le')],
    ['UTF-16BE with BOM', utf16be(`\ufeff${bad}`)],
    ['UTF-16BE without BOM', utf16be(bad)],
    ['UTF-32LE with BOM', utf32(`\ufeff${bad}`, true)],
    ['UTF-32BE without BOM', utf32(bad, false)],
  ])('%s is decoded: the bad class is found (it passed as "0 errors" before)', (_encoding, bytes) => {
    const findings = check(readInputs(['-'], { stdin: () => bytes })).findings;
    expect(findings.map(f => [f.ruleId, f.field, f.region?.startLine])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  test('invalid UTF-8 is an input error with line and column, not silently replaced', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: x'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\n')]);
    const read = readInputs(['-'], { stdin: () => bytes });
    expect(read.documents).toEqual([]);
    expect(read.findings.map(f => [f.ruleId, f.rule])).toEqual([['input-encoding', 'invalid UTF-8 at line 2, column 5, byte 9 (kubectl refuses it too): save the file as UTF-8']]);
  });

  test.each([
    ['an odd UTF-16 length', Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x62])],
    ['an unpaired UTF-16 surrogate', Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x61, 0x00])],
    ['a UTF-32 value above U+10FFFF', Buffer.from([0x00, 0x00, 0xfe, 0xff, 0x00, 0x11, 0x00, 0x00])],
  ])('%s is an input error', (_case, bytes) => {
    expect('error' in decode(bytes)).toBe(true);
  });
});

describe('files: only regular files inside the directories given', () => {
  test('a FIFO, a symlink to /dev/zero and a symlink out of the tree are skipped with notes; nothing hangs or leaks', () => {
    const outside = tmp();
    fs.writeFileSync(path.join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: leaked-value-0xc0ffee }\n');
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'app.yaml'), spc('app'));
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status).toBe(0);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'outside.yaml'));
    fs.symlinkSync(path.join(dir, 'app.yaml'), path.join(dir, 'same.yaml'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    const read = readInputs([dir]);
    expect(read.documents.map(d => path.basename(d.file))).toEqual(['app.yaml']);
    expect(read.findings.map(f => [f.severity, f.ruleId, path.basename(f.file!), f.rule])).toEqual([
      ['note', 'input-skipped', 'outside.yaml', expect.stringMatching(/symbolic link to outside the directories given/)],
      ['note', 'input-skipped', 'pipe.yaml', 'is a FIFO (named pipe), so it was not read'],
      ['note', 'input-skipped', 'same.yaml', expect.stringMatching(/is a symbolic link to .*app\.yaml, which is read once/)],
      ['note', 'input-skipped', 'zero.yaml', expect.stringMatching(/symbolic link to outside the directories given/)],
    ]);
    expect(JSON.stringify(check(read))).not.toContain('0xc0ffee');
  });

  test('a symlink named on the command line is followed (the user chose it)', () => {
    const outside = tmp();
    fs.writeFileSync(path.join(outside, 'x.yaml'), spc('x'));
    const link = path.join(tmp(), 'link.yaml');
    fs.symlinkSync(path.join(outside, 'x.yaml'), link);
    expect(readInputs([link]).documents.map(d => d.file)).toEqual([link]);
  });

  test('a symlink to a directory inside the tree is read once, links between the directories given are followed', () => {
    const a = tmp();
    const b = tmp();
    fs.writeFileSync(path.join(b, 'b.yaml'), 'a: 1\n');
    fs.symlinkSync(b, path.join(a, 'to-b'));
    const read = readInputs([a, b]);
    expect(read.documents.map(d => path.relative(a, d.file))).toEqual([path.join('to-b', 'b.yaml')]);
  });
});

describe('output: nothing from the input reaches the terminal raw', () => {
  /** A name that would clear the screen, retitle the terminal and forge a workflow command and a summary line. */
  const hostileName = '"x\\e[2J\\e]0;pwned\\a\\n::error file=a.yaml::forged\\n0 errors, 0 warnings, 0 notes in 1 document\\u202e"';
  const run = (format: string, text: string) => {
    let stdout = '';
    let stderr = '';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { main } = require('../../src/check/cli');
    const code = main(['validate', '--format', format, '-'], { stdout: (t: string) => { stdout += t; }, stderr: (t: string) => { stderr += t; }, stdin: () => text });
    return { code, stdout, stderr };
  };

  test('text: control characters, newlines and bidi overrides are escaped; no line can be forged', () => {
    const text = spc('placeholder').replace('name: placeholder', `name: ${hostileName}`).replace('kvname', 'k--v');
    const { stdout, code } = run('text', text);
    const lines = stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(2); // one finding, one summary
    expect(stdout.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
    expect(lines[0]).toContain('\\u001b[2J\\u001b]0;pwned\\u0007\\n::error file=a.yaml::forged\\n0 errors');
    expect(lines.filter(l => /^\s*::/.test(l) || /^\d+ errors?,/.test(l))).toEqual([lines[1]]);
    expect(code).toBe(1);
  });

  test('a file name cannot start a line with a workflow command', () => {
    const dir = tmp();
    for (const name of ['::error file=x::pwned.yaml', '##[error]pwned.yaml']) fs.writeFileSync(path.join(dir, name), spc('x').replace('kvname', 'k--v'));
    let stdout = '';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../src/check/cli').main(['validate', path.relative(process.cwd(), dir)], { stdout: (t: string) => { stdout += t; }, stderr: () => undefined });
    for (const line of stdout.split('\n')) {
      expect(line).not.toMatch(/^\s*::/);
      expect(line).not.toContain('##[');
    }
    const { stdout: direct } = (() => {
      let out = '';
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../src/check/cli').main(['validate', '::error file=x::p.yaml'], { stdout: (t: string) => { out += t; }, stderr: () => undefined });
      return { stdout: out };
    })();
    expect(direct).toMatch(/^\.\/::error file=x::p\.yaml: error: cannot be read/m);
  });

  test('JSON and SARIF messages are escaped too, and the SARIF stays valid', () => {
    const text = spc('x').replace('name: x', `name: ${hostileName}`).replace('kvname', 'k--v');
    const json = JSON.parse(run('json', text).stdout);
    // `object` is data (JSON escapes it); messages are text for people, escaped like the text output.
    expect(json.findings[0].object).toContain('\u001b[2J');
    for (const f of json.findings) expect(f.message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    const sarif = JSON.parse(run('sarif', text).stdout);
    expect(sarifErrors(sarif)).toEqual([]);
    for (const r of sarif.runs[0].results) expect(r.message.text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(sarif.runs[0].results[0].message.text).toContain('\\u001b[2J');
  });
});

describe('properties', () => {
  const ALPHABET = ['a', 'kind', ':', ' ', '\n', '- ', '[', ']', '{', '}', ',', '&x', '*x', '&y', '*y', '<<: ', '"', "'", '#', '---\n', '|', '\t', '\u0000', '\u001b', '\ufeff', '?', '!', '%', '@', '`', 'SecretProviderClass', 'apiVersion: secrets-store.csi.x-k8s.io/v1\n'];
  const yamlish = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 80 }).map(parts => parts.join(''));
  const limits = { maxAliasNodesPerDocument: 50, maxAliasNodesTotal: 200, maxDepth: 8 };

  test('the reader and the checker never throw, on YAML-like text and on any string', () => {
    fc.assert(fc.property(fc.oneof(yamlish, fc.string({ unit: 'binary', maxLength: 200 })), text => {
      const read = parseYaml(text, 'x.yaml', { limits });
      check(read);
      for (const f of read.findings) expect(typeof messageOf(f)).toBe('string');
    }), { numRuns: 400 });
  });

  test('by construction, a document never holds more nodes than its own plus the alias limit, nor more than the run allows', () => {
    fc.assert(fc.property(yamlish, text => {
      const read = parseYaml(text, 'x.yaml', { limits });
      let aliased = 0;
      for (const doc of read.documents) {
        // Each node of the text makes at most one node; aliases add at most the limit per document.
        const own = (text.match(/[^\s]+/g) ?? []).length + 1;
        const n = nodes(doc.value);
        expect(n).toBeLessThanOrEqual(own + limits.maxAliasNodesPerDocument);
        aliased += Math.max(0, n - own);
      }
      expect(aliased).toBeLessThanOrEqual(limits.maxAliasNodesTotal);
    }), { numRuns: 400 });
  });

  test('the checker never throws on objects of its kinds whose fields hold anything', () => {
    const kinds = fc.constantFrom(
      ['secrets-store.csi.x-k8s.io/v1', 'SecretProviderClass'], ['storage.k8s.io/v1', 'CSIDriver'], ['apps/v1', 'DaemonSet'], ['apps/v1', 'Deployment'],
      ['v1', 'Pod'], ['batch/v1', 'CronJob'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'], ['v1', 'List'],
    );
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constant({ provider: 'azure', parameters: { objects: 'array:\n  - |\n    objectName: a\n' } }));
    const object = fc.record({
      kind: kinds, name: fc.oneof(fc.string(), fc.constant('x')), spec: anyValue, parameters: anyValue, template: anyValue, rules: anyValue, items: anyValue,
    }).map(o => ({
      apiVersion: o.kind[0],
      kind: o.kind[1],
      metadata: { name: o.name, namespace: 'demo' },
      spec: typeof o.spec === 'object' && o.spec !== null && !Array.isArray(o.spec) ? { ...o.spec, parameters: o.parameters, template: { spec: o.template } } : o.spec,
      rules: o.rules,
      subjects: o.rules,
      roleRef: o.rules,
      items: o.items,
    }));
    fc.assert(fc.property(fc.array(object, { maxLength: 4 }), objects => {
      const text = objects.map(o => JSON.stringify(o)).join('\n---\n');
      const result = check(parseYaml(text, 'x.yaml'));
      for (const f of result.findings) expect(typeof messageOf(f)).toBe('string');
    }), { numRuns: 300 });
  });

  test('any bytes decode or fail with an error, never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), bytes => {
      const decoded = decode(bytes);
      expect('text' in decoded || 'error' in decoded).toBe(true);
    }), { numRuns: 500 });
  });

  test('escaped text has no control, format or separator character and no v1 workflow command', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), text => {
      const escaped = escapeText(text);
      expect(escaped).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
      expect(escaped).not.toContain('##[');
    }), { numRuns: 500 });
  });

  test('any file name is a valid SARIF uri-reference', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter(s => s.length > 0 && !s.includes('\u0000')), name => {
      const log = {
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 't' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(name, '/work') } } }] }] }],
      };
      expect(sarifErrors(log)).toEqual([]);
    }), { numRuns: 300 });
  });
});
