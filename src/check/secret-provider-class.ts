import { CheckFinding, Manifest, textOf } from './finding';
import { parseObjects, ParsedObjects } from './objects';
import { Param } from '../facts/constants';
import { checkClassContents, classWritesObjects } from '../rules/class';
import { checkClassHeader, checkClassParameters, ClassParameters, isSecretProviderClass as isClassKind } from '../rules/class-parameters';
import { ClassContext, Finding, ManifestFinding, NodePath, ObjectEntry, SecretObjectEntry, Violation } from '../rules/model';
import { secretObjectsList } from '../rules/sync';
import * as rules from '../rules/values';

/**
 * A SecretProviderClass read into the model the rules take: its parameters (the rules of
 * class-parameters.ts judge them), the `objects` string parsed as the provider parses it, and
 * `secretObjects`. Findings are located here: on the node a rule names, or on the line of the
 * `objects` string.
 */

const OBJECTS_PATH: NodePath = ['spec', 'parameters', Param.OBJECTS];

/** One class, as the cross-object rules need it. */
export interface ClassModel extends Omit<ClassParameters, 'objectsText'> {
  readonly manifest: Manifest;
  readonly objects: ObjectEntry[];
  readonly secretObjects: SecretObjectEntry[];
}

/** Whether a document is a SecretProviderClass (any version, and groups that mean it by mistake). */
export function isSecretProviderClass(manifest: Manifest): boolean {
  return isClassKind(manifest.kind, manifest.apiVersion);
}

/** Reads one class; undefined for classes of other providers (not ours to judge). */
export function readClass(manifest: Manifest, findings: CheckFinding[], context: () => ClassContext): ClassModel | undefined {
  const spec = manifest.body.spec ?? {};
  const located = (f: ManifestFinding) => findings.push(manifest.findingOf(f));
  const header = checkClassHeader(manifest.apiVersion, spec.provider);
  if (!header.azure) return undefined;
  header.findings.forEach(located);
  const { parameters, findings: parameterFindings } = checkClassParameters(spec.parameters, textOf);
  parameterFindings.forEach(located);
  if (!parameters) return undefined;

  // Objects and synced secrets.
  let parsed: ParsedObjects = { entries: [], problems: [], spots: new Map() };
  const objects = () => parsed.entries.filter((e): e is ObjectEntry => e !== undefined);
  const text = parameters.objectsText;
  if (text !== undefined) {
    parsed = parseObjects(text);
    for (const problem of parsed.problems) {
      findings.push(objectsFinding(manifest, problem.severity, 'spc-objects', problem.field, problem.value, problem, parsed, problem.spot));
    }
    const empty = parsed.problems.length === 0 ? classWritesObjects(objects().length, 'manifest', Param.OBJECTS) : undefined;
    if (empty) findings.push(manifest.finding('error', 'spc-parameters', OBJECTS_PATH, text, empty));
  }
  const secretObjects = readSecretObjects(manifest, findings);
  const { objectsText: _, ...meaning } = parameters;
  const model: ClassModel = { manifest, ...meaning, objects: objects(), secretObjects };

  const { contents, placeholders } = contentFindings(parsed, secretObjects, context());
  for (const f of placeholders) findings.push(objectsFinding(manifest, 'error', 'placeholder', f.field.slice(Param.OBJECTS.length), f.value, f, parsed));
  for (const f of contents) findings.push(contentFinding(manifest, f, parsed));
  return model;
}

interface ContentFindings {
  /** Object, file and sync rules (a placeholder's field is left to `placeholders`). */
  readonly contents: Finding[];
  /** Leftover placeholders, the better message in place of the rule they break (e.g. an object name). */
  readonly placeholders: Finding[];
}

/**
 * Without `secretObjects`, the verdict on a class's objects depends only on its parsed objects
 * string and the cluster's `ClassContext`: fleets repeat one string in many classes, and it is
 * judged once per context (keyed by the whole context, so a field added to it keeps this right).
 */
const CONTENTS = new WeakMap<ParsedObjects, Map<string, ContentFindings>>();

function contentFindings(parsed: ParsedObjects, secretObjects: SecretObjectEntry[], context: ClassContext): ContentFindings {
  if (secretObjects.length > 0) return judgeContents(parsed, secretObjects, context);
  const key = JSON.stringify(context);
  let byContext = CONTENTS.get(parsed);
  if (!byContext) CONTENTS.set(parsed, byContext = new Map());
  let judged = byContext.get(key);
  if (!judged) byContext.set(key, judged = judgeContents(parsed, secretObjects, context));
  return judged;
}

function judgeContents(parsed: ParsedObjects, secretObjects: SecretObjectEntry[], context: ClassContext): ContentFindings {
  const reported = new Map<string, Finding>();
  parsed.entries.forEach((entry, i) => {
    // Where a leftover placeholder breaks the mount: the name and version sent to Key Vault (a
    // file name like "<x>" works, and type, format and encoding have their own rules).
    for (const key of ['objectName', 'objectVersion'] as const) {
      const value = entry?.[key];
      const placeholder = typeof value === 'string' ? rules.placeholder(value, `${Param.OBJECTS}[${i}].${key}`, 'manifest') : undefined;
      if (placeholder) reported.set(placeholder.field, placeholder);
    }
  });
  const contents = checkClassContents(parsed.entries, secretObjects, context).filter(f => !reported.has(f.field));
  return { contents, placeholders: [...reported.values()] };
}

/** `secretObjects` as the model (shape problems are the rules' findings). */
function readSecretObjects(manifest: Manifest, findings: CheckFinding[]): SecretObjectEntry[] {
  const raw = manifest.body.spec?.secretObjects;
  if (raw === undefined || raw === null) return [];
  const notAList = secretObjectsList(raw, 'spec.secretObjects');
  if (notAList) {
    findings.push(manifest.finding('error', 'spc-secret-objects', ['spec', 'secretObjects'], raw, notAList));
    return [];
  }
  const text = (v: unknown) => textOf(v).trim();
  return raw.map((entry: any) => ({
    secretName: text(entry?.secretName),
    type: text(entry?.type),
    data: Array.isArray(entry?.data) ? entry.data.map((d: any) => ({ objectName: text(d?.objectName), key: text(d?.key) })) : [],
    ...(entry?.labels ? { labels: entry.labels } : {}),
    ...(entry?.annotations ? { annotations: entry.annotations } : {}),
  }));
}

/** A finding inside the objects string: field `spec.parameters.objects[1].objectAlias`, located on its line when the string is a literal block. */
function objectsFinding(manifest: Manifest, severity: 'error' | 'warning', ruleId: string, relative: string, value: unknown, violation: Violation, parsed: ParsedObjects, spot = parsed.spots.get(relative) ?? parsed.spots.get(relative.replace(/^(\[\d+\]).*$/, '$1'))): CheckFinding {
  const nodePath = OBJECTS_PATH;
  const region = spot ? manifest.regionInBlock(nodePath, spot.line, spot.column, spot.length) : undefined;
  const finding = manifest.finding(severity, ruleId, nodePath, value, violation, region);
  return { ...finding, field: `${finding.field}${relative}` };
}

/** A rule's finding (field relative to the class: `objects[1].objectAlias`, `secretObjects[0].data[1].key`). */
function contentFinding(manifest: Manifest, f: Finding, parsed: ParsedObjects): CheckFinding {
  if (f.field.startsWith(Param.OBJECTS)) {
    return objectsFinding(manifest, f.severity, 'spc-objects', f.field.slice(Param.OBJECTS.length), f.value, f, parsed);
  }
  const nodePath: (string | number)[] = ['spec'];
  for (const match of f.field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) nodePath.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  return manifest.finding(f.severity, f.field.startsWith('secretObjects') ? 'spc-secret-objects' : 'spc-objects', nodePath, f.value, f);
}
