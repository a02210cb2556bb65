/**
 * Shared test helpers: synthesize, validate every object with maintained schemas, and read the
 * provider's `objects` string back with a real YAML parser.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { FETCH_ERROR } from './upstream.setup';
import { ASO_KINDS, asoSchema } from '../projenrc/aso-crds';
import {
  firstMissing, howToProvide, missingMessage, notInReferenceDir, REFERENCE_FILES, referenceDir, referenceFile, UPSTREAM_REFERENCE_DIR,
} from '../projenrc/upstream';
import { secretProviderClassCrd, secretProviderClassPodStatusCrd } from '../src/install/crds';

/** Where the pinned upstream files are, or why they are not (looked up once, when a parity test asks). */
let reference: { dir: string } | { missing: string } | undefined;

function upstreamReference(): { dir: string } | { missing: string } {
  if (!reference) {
    const dir = referenceDir();
    // Throws on a file with other bytes than pinned: that is an error, not a reason to skip.
    const missing = firstMissing(REFERENCE_FILES, dir);
    if (!missing) {
      reference = { dir };
    } else if (process.env[UPSTREAM_REFERENCE_DIR]) {
      reference = { missing: notInReferenceDir(missing, dir) };
    } else {
      const why = process.env[FETCH_ERROR] ?? `${missingMessage(missing, dir)} (the cache)`;
      reference = { missing: `${UPSTREAM_REFERENCE_DIR} is not set and ${why}. ${howToProvide()}` };
    }
  }
  return reference;
}

/**
 * Parity tests need the pinned upstream files (projenrc/upstream.ts); without them they are
 * skipped, saying why, so that a missing input never passes silently.
 */
export function describeIfReference(name: string, fn: () => void): void {
  const found = upstreamReference();
  if ('dir' in found) {
    describe(name, fn);
  } else {
    // eslint-disable-next-line no-console
    console.log(`skipping "${name}": ${found.missing}`);
    describe.skip(name, fn);
  }
}

/** Every document of a pinned upstream YAML file, by its path in the reference directory. */
export function upstreamDocuments(file: string): any[] {
  const found = upstreamReference();
  if (!('dir' in found)) throw new Error(`no upstream reference: ${found.missing}`);
  return readYamlDocuments(path.join(found.dir, referenceFile(file).file));
}

/** Every document of a YAML file. */
export function readYamlDocuments(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8')).map(d => d.toJS()).filter(d => d);
}

/** Synthesizes a chart and validates every object (kubernetes-models, CRD schema). */
export function synth(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  validateManifests(manifests);
  return manifests;
}

/** Objects of one kind (optionally one name) in synthesized output. */
export function ofKind(manifests: any[], kind: string, name?: string): any[] {
  return manifests.filter(m => m.kind === kind && (name === undefined || m.metadata?.name === name));
}

/** The single object of a kind (and name); fails the test when there is not exactly one. */
export function only(manifests: any[], kind: string, name?: string): any {
  const found = ofKind(manifests, kind, name);
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** The `objects` parameter of a SecretProviderClass, parsed the way the provider does: outer YAML, then each entry. */
export function parseObjects(spc: any): Record<string, unknown>[] {
  const outer = YAML.parse(spc.spec.parameters.objects);
  expect(Object.keys(outer)).toEqual(['array']);
  expect(Array.isArray(outer.array)).toBe(true);
  return outer.array.map((entry: unknown) => {
    expect(typeof entry).toBe('string'); // a list of strings, not of mappings
    return YAML.parse(entry as string);
  });
}

/** The pod spec inside any workload kind. */
export function podSpecOf(workload: any): any {
  switch (workload.kind) {
    case 'Pod': return workload.spec;
    case 'CronJob': return workload.spec.jobTemplate.spec.template.spec;
    default: return workload.spec.template.spec;
  }
}

/**
 * Validates built-in kinds with kubernetes-models, SecretProviderClasses with the CRD's own schema
 * and Azure Service Operator kinds with their pinned schemas (projenrc/aso-crds.ts).
 */
export function validateManifests(manifests: any[]): void {
  for (const manifest of manifests) {
    if (manifest.apiVersion.startsWith('secrets-store.csi.x-k8s.io/')) {
      validateCustomResource(manifest);
    } else if (manifest.apiVersion.includes('.azure.com/')) {
      validateAsoResource(manifest);
    } else {
      validateBuiltIn(manifest);
    }
  }
}

function validateBuiltIn(manifest: any): void {
  const module = `kubernetes-models/${manifest.apiVersion}/${manifest.kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(module)[manifest.kind];
  try {
    new Model(manifest).validate();
  } catch (e) {
    throw new Error(`${manifest.kind} ${manifest.metadata?.name} fails ${module}: ${(e as Error).message}`);
  }
}

const crdValidators = new Map<string, (doc: unknown) => boolean>();

/**
 * Validates a custom resource against the CRD the library installs (SecretsStoreCsiDriver), whose
 * equality with the pinned upstream CRD the driver's parity tests prove.
 */
function validateCustomResource(manifest: any): void {
  const [group, version] = manifest.apiVersion.split('/');
  const key = `${group}/${version}/${manifest.kind}`;
  let validate = crdValidators.get(key);
  if (!validate) {
    const crd = [secretProviderClassCrd(), secretProviderClassPodStatusCrd()]
      .find(c => c.spec.group === group && c.spec.names.kind === manifest.kind);
    if (!crd) throw new Error(`no CRD for ${group} ${manifest.kind}`);
    const schema = crd.spec.versions.find((v: any) => v.name === version)?.schema.openAPIV3Schema;
    if (!schema) throw new Error(`CRD ${crd.metadata.name} has no version ${version}`);
    const ajv = new Ajv({ strict: false, allErrors: true });
    validate = ajv.compile(closeSchema(schema));
    crdValidators.set(key, validate);
  }
  if (!validate(manifest)) {
    throw new Error(`${manifest.kind} ${manifest.metadata?.name} fails its CRD schema: ${JSON.stringify((validate as any).errors)}`);
  }
}

/** ASO kinds whose schema check was skipped for want of the pinned files (said once each). */
const skippedSchemas = new Set<string>();

/**
 * Validates an ASO object against its kind's schema: the catalog's JSON schema, or the IdentityBinding
 * CRD written from ASO's Go types. Needs the pinned files: without them (no UPSTREAM_REFERENCE_DIR and
 * no network) the schema check is skipped, saying why, as the parity tests are (`describeIfReference`);
 * a kind without a pinned schema fails.
 */
export function validateAsoResource(manifest: any): void {
  const [group, version] = manifest.apiVersion.split('/');
  const key = `${group}/${version}/${manifest.kind}`;
  let validate = crdValidators.get(key);
  if (!validate) {
    const kind = ASO_KINDS.find(k => k.group === group && k.version === version && k.kind === manifest.kind);
    if (!kind) throw new Error(`no pinned schema for ${key} (projenrc/aso-crds.ts)`);
    const found = upstreamReference();
    if (!('dir' in found)) {
      if (!skippedSchemas.has(key)) {
        skippedSchemas.add(key);
        // eslint-disable-next-line no-console
        console.log(`skipping the schema check of ${key}: ${found.missing}`);
      }
      return;
    }
    validate = asoAjv().compile(closeSchema(asoSchema(kind, found.dir)));
    crdValidators.set(key, validate);
  }
  if (!validate(manifest)) {
    throw new Error(`${manifest.kind} ${manifest.metadata?.name} fails its schema: ${JSON.stringify((validate as any).errors)}`);
  }
}

/**
 * ajv for ASO schemas: their ARM ID patterns start with Go's `(?i)` flag, which JavaScript spells
 * as the `i` flag. Formats (date-time, int64) appear only in `status`, which is never written.
 */
function asoAjv(): Ajv {
  const regExp = (pattern: string, flags: string) => pattern.startsWith('(?i)')
    ? new RegExp(pattern.slice(4), `${flags}i`)
    : new RegExp(pattern, flags);
  regExp.code = 'new RegExp';
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp } });
}

/** The API server prunes unknown fields; fail on them instead, so a typo is caught here. */
function closeSchema(schema: any): any {
  if (schema?.type === 'object' && schema.properties && !schema['x-kubernetes-preserve-unknown-fields']) {
    const properties: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties)) properties[name] = closeSchema(property);
    if (schema.properties.metadata) properties.metadata = { type: 'object' };
    return { ...schema, properties, additionalProperties: false };
  }
  if (schema?.type === 'array' && schema.items) return { ...schema, items: closeSchema(schema.items) };
  return schema;
}

/** The message `fn` throws; fails the test when it does not throw. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

/** What a validation message must say: path, field, value, rule and fix (src/rules/values.ts). */
export interface ExpectedProblem {
  /** Path of the construct the problem is reported on. */
  readonly path: string;
  /**
   * `Kind namespace/name` of the rendered object, for findings of the rendered check (the
   * construct's manifest through validate's rules): those name the manifest field.
   */
  readonly object?: string;
  /** The field, e.g. "keyVaultName" or "objects[0].alias". */
  readonly field: string;
  /** The bad value, rendered as JSON in the message. */
  readonly value: unknown;
  /** The rule that is broken (matched before "Fix:"). */
  readonly rule: RegExp;
  /** How to fix it (matched after "Fix:"). */
  readonly fix: RegExp;
}

/**
 * Asserts that `message` (an eager error or cdk8s's "Validation failed" list) has a line naming
 * the construct path, the field with the bad value, the rule and a fix.
 */
export function expectProblem(message: string, expected: ExpectedProblem): void {
  const subject = `[${expected.path}] ${expected.object ? `[${expected.object}] ` : ''}${expected.field} ${JSON.stringify(expected.value)}`;
  const line = message.split('\n').map(l => l.trim()).find(l => l.startsWith(subject));
  if (line === undefined) throw new Error(`no problem line starting with ${subject} in:\n${message}`);
  const [rule, fix, ...rest] = line.slice(subject.length).split(' Fix: ');
  expect(rest).toEqual([]);
  expect(rule).toMatch(expected.rule);
  expect(fix ?? '').toMatch(expected.fix);
}
