/**
 * The provider's own view of a SecretProviderClass, as plain values: keys spelled exactly as the
 * Azure provider and the driver read them, so a construct and a parsed YAML manifest give the
 * same model and the same rules (src/rules/*) judge both.
 */

/** A broken rule and how to fix it: what every rule returns, alone or at a field (`Finding`). */
export interface Violation {
  readonly rule: string;
  readonly fix: string;
}

/** The message of a broken rule at a field, the same through every door: `field "value" is invalid: rule. Fix: fix.` */
export function describeViolation(field: string, value: unknown, violation: Violation): string {
  return `${field} ${JSON.stringify(value)} is invalid: ${violation.rule}. Fix: ${violation.fix}.`;
}

/** The message of a finding (see `describeViolation`). */
export function describeFinding(finding: Finding): string {
  return describeViolation(finding.field, finding.value, finding);
}

/** One entry of `spec.parameters.objects` (the provider's KeyVaultObject YAML keys). */
export interface ObjectEntry {
  readonly objectName: string;
  /** Empty or absent: the file is named after `objectName` (the provider's GetFileName). */
  readonly objectAlias?: string;
  /** 'secret' | 'key' | 'cert' as written (validated by the rules). */
  readonly objectType: string;
  readonly objectVersion?: string;
  /** As parsed; a quoted value in YAML is the checker's finding. */
  readonly objectVersionHistory?: number;
  readonly objectFormat?: string;
  readonly objectEncoding?: string;
  readonly filePermission?: string;
}

/** An entry's optional fields under the construct's names (a `KeyVaultObject` is one). */
export interface ObjectEntryOptions {
  readonly alias?: string;
  readonly version?: string;
  readonly versionHistory?: number;
  readonly format?: string;
  readonly encoding?: string;
  readonly filePermission?: string;
}

/**
 * An entry with every field in one order, absent ones undefined: constructs and the checker's
 * reader create entries only here, so the rules see one object shape (DESIGN.md, "Per-workload code").
 */
export function objectEntry(objectName: string, objectType: string, options: ObjectEntryOptions): ObjectEntry {
  return {
    objectName,
    objectAlias: options.alias,
    objectType,
    objectVersion: options.version,
    objectVersionHistory: options.versionHistory,
    objectFormat: options.format,
    objectEncoding: options.encoding,
    filePermission: options.filePermission,
  };
}

/** One `data` entry of a `spec.secretObjects` entry. */
export interface SecretObjectData {
  readonly objectName: string;
  readonly key: string;
}

/** One `spec.secretObjects` entry. */
export interface SecretObjectEntry {
  readonly secretName: string;
  readonly type: string;
  readonly data: SecretObjectData[];
  readonly labels?: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
}

/**
 * A broken rule at a field; `field` is relative, e.g. `objects[1].objectAlias` or
 * `secretObjects[0].data[1].key`. Constructs reject warnings too (they never write a value that
 * only works by accident); the checker reports them as warnings.
 */
export interface Finding {
  /** The rule family (validate's SARIF `ruleId`), where both doors name it: `provider-version`. */
  readonly ruleId?: string;
  readonly field: string;
  readonly value: unknown;
  /** Same wording in construct errors and checker findings (`describeViolation`). */
  readonly rule: string;
  readonly fix: string;
  readonly severity: 'error' | 'warning';
}

/** A path into a manifest: mapping keys and sequence indexes, from the document root. */
export type NodePath = readonly (string | number)[];

/**
 * A finding of a rule over a whole manifest: `path` says where in the manifest it is (the
 * checker turns it into a line and column), `field` is the same path as text.
 */
export interface ManifestFinding extends Finding {
  readonly ruleId: string;
  readonly path: NodePath;
}

/** A manifest finding at `path` (`field` is derived from it). */
export function manifestFinding(severity: 'error' | 'warning', ruleId: string, path: NodePath, value: unknown, violation: Violation): ManifestFinding {
  return { severity, ruleId, path, field: fieldOf(path), value, rule: violation.rule, fix: violation.fix };
}

/** A path as a field name: `spec.parameters.objects[1]`; keys that are not identifiers are quoted. */
export function fieldOf(nodePath: NodePath): string {
  let field = '';
  for (const key of nodePath) {
    if (typeof key === 'number') field += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) field += field ? `.${key}` : key;
    else field += `[${JSON.stringify(key)}]`;
  }
  return field;
}

/** Facts about the rest of the cluster that change what the class writes. */
export interface ClassContext {
  /** An AzureKeyVaultProvider in the cluster runs with `--write-cert-and-key-in-separate-files`. */
  readonly writeCertAndKeyInSeparateFiles?: boolean;
}

/** A finding of severity error. */
export function error(field: string, value: unknown, rule: string, fix: string): Finding {
  return { field, value, rule, fix, severity: 'error' };
}

/** A finding of severity warning. */
export function warning(field: string, value: unknown, rule: string, fix: string): Finding {
  return { field, value, rule, fix, severity: 'warning' };
}

/** A violation (rule and fix) at a field as an error finding; nothing stays nothing. */
export function errorAt(field: string, value: unknown, violation: Violation | undefined): Finding | undefined {
  return violation ? error(field, value, violation.rule, violation.fix) : undefined;
}

/** The findings that are there: `present(a, b)` is `[a, b]` without the undefined ones. */
export function present(...findings: (Finding | undefined)[]): Finding[] {
  // A loop, not filter(): see DESIGN.md, "Per-workload code".
  const found: Finding[] = [];
  for (const finding of findings) if (finding !== undefined) found.push(finding);
  return found;
}
