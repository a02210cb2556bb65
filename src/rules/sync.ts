import { ClassContext, error, Finding, ObjectEntry, present, SecretObjectEntry, warning } from './model';
import { describeFiles, fileOf, FilePart, partWritten } from './objects';
import * as rules from './values';

/**
 * Rules of `spec.secretObjects`: the Kubernetes Secrets the driver syncs from mounted files.
 * Driver facts, pinned: https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/v1.5.6/pkg/util/secretutil/secret.go
 */

/** Secret types the library knows (the driver's documented list minus legacy and token types). */
export const SECRET_TYPES = ['Opaque', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson', 'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth'];

export const TLS_TYPE = 'kubernetes.io/tls';

/** Keys each Secret type requires (any of each group) and allows (the API server enforces them when the driver syncs). */
const KEYS_BY_TYPE: Record<string, { required: string[][]; allowed?: string[] }> = {
  [TLS_TYPE]: { required: [['tls.crt'], ['tls.key']], allowed: ['tls.crt', 'tls.key'] },
  'kubernetes.io/dockerconfigjson': { required: [['.dockerconfigjson']] },
  'kubernetes.io/basic-auth': { required: [['username', 'password']] },
  'kubernetes.io/ssh-auth': { required: [['ssh-privatekey']] },
};

/** Kubernetes' limit on the total size of an object's annotations (keys and values). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Rules of one `secretObjects` entry on its own; `field` names it, e.g. "secretObjects[0]". */
export function checkSecretObject(entry: SecretObjectEntry, field: string): Finding[] {
  const findings: Finding[] = [];
  findings.push(...present(rules.dns1123Subdomain(entry.secretName, `${field}.secretName`)));
  if (entry.type === '') {
    findings.push(error(`${field}.type`, entry.type, 'must not be empty (the driver fails with "secret type is empty")', 'set the type, e.g. Opaque'));
  } else if (!SECRET_TYPES.includes(entry.type)) {
    // The driver casts any string to a Secret type: other built-in types (kubernetes.io/dockercfg …)
    // and custom ones are synced, but their keys are checked only by the API server, at sync time.
    findings.push(warning(`${field}.type`, entry.type,
      `must be one of ${SECRET_TYPES.join(', ')} for the keys to be checked before the driver syncs (the API server rejects a built-in type's Secret without its keys)`,
      'use the SyncedSecretType enum, or make sure the keys suit the type'));
  }
  if (entry.data.length === 0) {
    findings.push(error(`${field}.data`, entry.data, 'a synced Secret needs at least one key (the driver rejects empty data)', 'add { key, objectName } entries'));
  }
  const seen = new Set<string>();
  entry.data.forEach((d, i) => {
    const keyField = `${field}.data[${i}].key`;
    findings.push(...present(rules.secretKey(d.key, keyField) ?? (seen.has(d.key)
      ? error(keyField, d.key, 'each key of a Secret appears once', 'use a distinct key, or sync the file once')
      : undefined)));
    findings.push(...present(rules.filePath(d.objectName, `${field}.data[${i}].objectName`)));
    seen.add(d.key);
  });
  // The type comes from the input: an own-property lookup, so that "constructor" is just an unknown type.
  const keys = Object.prototype.hasOwnProperty.call(KEYS_BY_TYPE, entry.type) ? KEYS_BY_TYPE[entry.type] : undefined;
  if (keys) {
    entry.data.forEach((d, i) => {
      if (keys.allowed && !keys.allowed.includes(d.key)) {
        findings.push(error(`${field}.data[${i}].key`, d.key, `a ${entry.type} Secret takes only the keys ${keys.allowed.join(' and ')}`,
          `map the certificate's file to ${keys.allowed.join(' and ')}`));
      }
    });
    for (const anyOf of keys.required) {
      if (!anyOf.some(k => seen.has(k))) {
        findings.push(error(`${field}.data`, entry.data.map(d => d.key), `a ${entry.type} Secret needs the key ${anyOf.join(' or ')}`,
          `add { key: "${anyOf[0]}", objectName: <file> }`));
      }
    }
  }
  findings.push(...checkMetadata(entry, field));
  return findings;
}

/** Labels and annotations of the synced Secret, as the API server validates them. */
function checkMetadata(entry: SecretObjectEntry, field: string): Finding[] {
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(entry.labels ?? {})) {
    findings.push(...present(rules.labelKey(key, `${field}.labels`)));
    const valueField = `${field}.labels[${JSON.stringify(key)}]`;
    findings.push(...present(typeof value === 'string' ? rules.labelValue(value, valueField) : notAString(valueField, value)));
  }
  let size = 0;
  for (const [key, value] of Object.entries(entry.annotations ?? {})) {
    findings.push(...present(rules.annotationKey(key, `${field}.annotations`)));
    if (typeof value !== 'string') findings.push(notAString(`${field}.annotations[${JSON.stringify(key)}]`, value));
    size += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    findings.push(error(`${field}.annotations`, Object.keys(entry.annotations!),
      `annotations total ${size} bytes, and Kubernetes allows ${ANNOTATIONS_MAX_BYTES} (256 KiB) per object (the driver's create fails)`,
      'keep large data out of annotations'));
  }
  return findings;
}

function notAString(field: string, value: unknown): Finding {
  return error(field, value, 'must be a string (the driver\'s Secret takes string values only)', 'quote the value, e.g. "true"');
}

/** Rules that tie `secretObjects` to the files the `objects` write: the synced file exists and fits the Secret key. */
export function checkSyncSources(
  secretObjects: readonly SecretObjectEntry[], objects: readonly ObjectEntry[], context: ClassContext = {},
): Finding[] {
  const findings: Finding[] = [];
  const writerOf = fileIndex(objects, context);
  secretObjects.forEach((secret, i) => secret.data.forEach((d, j) => {
    const field = `secretObjects[${i}].data[${j}].objectName`;
    const writer = writerOf(d.objectName);
    if (!writer) {
      findings.push(error(field, d.objectName,
        `the class writes no such file (files: ${describeFiles(objects, context)}); the driver fails the sync with "file matching objectName ... not found in the pod"`,
        'name an object\'s alias or name, with "/<index>" for objects with versionHistory'));
      return;
    }
    if (secret.type === TLS_TYPE && (d.key === 'tls.crt' || d.key === 'tls.key')) {
      const problem = tlsSourceProblem(d.key, writer.entry, writer.part);
      if (problem) findings.push(error(field, d.objectName, problem.rule, problem.fix));
    }
  }));
  return findings;
}

/**
 * Whether the driver's TLS sync can read `key` from the file: it collects the PEM CERTIFICATE
 * blocks for tls.crt and the (non-certificate) PEM block for tls.key, or else parses the file as
 * a binary PKCS#12 (pkcs12.ToPEM), failing with "failed to get cert data from file".
 */
function tlsSourceProblem(key: 'tls.crt' | 'tls.key', entry: ObjectEntry, part: FilePart): { rule: string; fix: string } | undefined {
  const source = `${entry.objectType} "${entry.objectName}"`;
  const readSecret = `sync from the certificate's secret: KeyVaultObject.secret("${entry.objectName}") (objectType secret), which holds the private key and the chain`;
  if (entry.objectType === 'key') {
    return {
      rule: `${key} cannot come from ${source}: a key object is the public key only (the driver fails the sync, or writes an unusable tls.key)`,
      fix: readSecret,
    };
  }
  if (entry.objectType === 'cert' && key === 'tls.key') {
    return { rule: `tls.key cannot come from ${source}: a cert object is the public certificate without its private key (the driver fails the sync with "failed to get cert data from file")`, fix: readSecret };
  }
  if (entry.objectType !== 'secret') return undefined; // a cert's tls.crt: its leaf certificate, without the chain
  const format = entry.objectFormat?.toLowerCase();
  const encoding = entry.objectEncoding?.toLowerCase();
  if (part !== 'object') {
    if (format === 'pfx') {
      return {
        rule: `the provider splits only PEM into .crt and .key files; with objectFormat pfx the file "${fileOf(entry)}.${part}" is empty`,
        fix: `sync ${key} from the object's own file "${fileOf(entry)}" with objectEncoding base64, or drop objectFormat pfx`,
      };
    }
    const wanted = key === 'tls.crt' ? 'crt' : 'key';
    if (part !== wanted) {
      return {
        rule: `the file "${fileOf(entry)}.${part}" holds only the ${part === 'crt' ? 'certificates' : 'private key'}, and ${key} needs the ${key === 'tls.crt' ? 'certificates' : 'private key'}`,
        fix: `use "${fileOf(entry)}.${wanted}" or the object's own file "${fileOf(entry)}"`,
      };
    }
    return undefined;
  }
  if (format === 'pfx' && encoding !== 'base64') {
    return {
      rule: 'with objectFormat pfx the provider writes the PFX as base64 text unless objectEncoding is base64, and the driver\'s TLS sync cannot read it (pkcs12.ToPEM fails: "failed to get cert data from file")',
      fix: 'set objectEncoding base64 (ObjectEncoding.BASE64) on the object for a binary PFX, or drop objectFormat pfx (PEM is the default)',
    };
  }
  return undefined;
}

/** A lookup from a written path to the first entry writing it (which part), in O(1) per path. */
function fileIndex(objects: readonly ObjectEntry[], context: ClassContext): (path: string) => { entry: ObjectEntry; part: FilePart } | undefined {
  const byFile = new Map<string, ObjectEntry[]>();
  for (const entry of objects) {
    const file = fileOf(entry);
    const list = byFile.get(file);
    if (list) list.push(entry);
    else byFile.set(file, [entry]);
  }
  return (path: string) => {
    const stripped = path.replace(/\.(crt|key)$/, '');
    for (const candidate of new Set([path, stripped])) {
      for (const base of new Set([candidate, candidate.replace(/\/[0-9]+$/, '')])) {
        for (const entry of byFile.get(base) ?? []) {
          const part = partWritten(entry, path, context);
          if (part) return { entry, part };
        }
      }
    }
    return undefined;
  };
}

/** Every `secretObjects` rule: each entry, duplicate Secret names, and the synced files. */
export function checkSecretObjects(
  secretObjects: readonly SecretObjectEntry[], objects: readonly ObjectEntry[], context: ClassContext = {},
): Finding[] {
  const findings: Finding[] = [];
  const names = new Set<string>();
  secretObjects.forEach((entry, i) => {
    findings.push(...checkSecretName(entry.secretName, names, `secretObjects[${i}]`));
    names.add(entry.secretName);
    findings.push(...checkSecretObject(entry, `secretObjects[${i}]`));
  });
  findings.push(...checkSyncSources(secretObjects, objects, context));
  return findings;
}

/** A Secret name the class already syncs (`names` so far). */
export function checkSecretName(secretName: string, names: ReadonlySet<string>, field: string): Finding[] {
  if (!names.has(secretName)) return [];
  return [error(`${field}.secretName`, secretName,
    'the class already syncs a Secret with this name (the driver would overwrite one with the other)',
    'merge the data into one syncSecret() call or use another name')];
}

/** `envValue(key)` reads a key the synced Secret has. */
export function syncedKeyExists(key: string, keys: readonly string[], secretName: string, field: string): Finding | undefined {
  if (keys.includes(key)) return undefined;
  return error(field, key, `the synced Secret "${secretName}" has no such key (keys: ${keys.join(', ')})`, 'use one of its keys, or add the key to the `data` of syncSecret()');
}

const where = (namespace: string | undefined) => namespace === undefined ? 'no namespace' : `namespace "${namespace}"`;

/** A synced Secret that something reads exists only while a pod mounts its class. */
export function syncedSecretMounted(
  mounted: boolean, className: string, classNamespace: string | undefined, secretName: string, field: string,
): Finding | undefined {
  if (mounted) return undefined;
  return error(field, secretName,
    `the Secret is used (envValue() or secret), but no workload mounts the class "${className}", and the driver creates a synced Secret only while a pod mounts the class`,
    `mount the class into the workload that reads the Secret (\`mount(workload)\`), in ${classNamespace === undefined ? 'the class\'s namespace' : where(classNamespace)}`);
}

/** The driver writes a synced Secret in the class's namespace (that of the pods mounting it), so readers must be there. */
export function syncedSecretReaderNamespace(
  readerPath: string, readerNamespace: string | undefined, classNamespace: string | undefined, secretName: string, field: string,
): Finding | undefined {
  if (readerNamespace === classNamespace) return undefined;
  return error(field, secretName,
    `${readerPath} (${where(readerNamespace)}) reads it through envValue(), but the driver creates it only in ${where(classNamespace)}, where the class is mounted`,
    `sync it from a class in the workload's namespace and mount that class into the workload, or move the workload to ${where(classNamespace)}`);
}

/** `secretObjects` is a list of Secrets. */
export function secretObjectsList(value: unknown, field: string): Finding | undefined {
  if (Array.isArray(value)) return undefined;
  return error(field, value, 'must be a list', 'write one `- secretName: …` entry per Secret');
}
