import { CheckFinding, Manifest, textOf } from './finding';
import { NodePath } from './location';
import { parseObjects, ParsedObjects } from './objects';
import { Audience, Param, PROVIDER_NAME } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import { checkClassContents, classWritesObjects } from '../rules/class';
import { Violation, ClassContext, Finding, ObjectEntry, SecretObjectEntry } from '../rules/model';
import * as rules from '../rules/values';

/**
 * A SecretProviderClass with `provider: azure`, read into the model the rules take: parameters
 * exactly as the provider reads them (case-sensitive keys, trimmed values, strconv.ParseBool
 * flags), the `objects` string parsed as the provider parses it, and `secretObjects`.
 * See https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/types/parameters.go
 */

export const SPC_GROUP = 'secrets-store.csi.x-k8s.io';
const PARAMETERS: NodePath = ['spec', 'parameters'];
const param = (key: string): NodePath => [...PARAMETERS, key];

/** One class, as the cross-object rules need it. */
export interface ClassModel {
  readonly manifest: Manifest;
  /** How the provider signs in; undefined when the parameters are contradictory. */
  readonly mode?: IdentityMode;
  readonly clientId?: string;
  /** The service-account token audience the provider will look for. */
  readonly audience?: string;
  readonly objects: ObjectEntry[];
  readonly secretObjects: SecretObjectEntry[];
  /** `cloudEnvFileName` with `cloudName: AzureStackCloud`. */
  readonly cloudEnvFileName?: string;
}

/** The versions the CRD serves (v1alpha1 deprecated): deploy/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml of driver v1.6.0. */
const SERVED_VERSIONS = ['v1', 'v1alpha1'];
/** API groups that mean this CRD by mistake (the driver's name, `secrets-store.csi.k8s.io`, is the usual one). */
const NEAR_MISS_GROUP = /secrets-store/i;

/**
 * Whether a document is a SecretProviderClass (any version, and groups that mean it by mistake:
 * `readClass` reports those).
 */
export function isSecretProviderClass(manifest: Manifest): boolean {
  if (manifest.kind !== 'SecretProviderClass' || !manifest.apiVersion.includes('/')) return false;
  const group = manifest.apiVersion.slice(0, manifest.apiVersion.lastIndexOf('/'));
  return group === SPC_GROUP || NEAR_MISS_GROUP.test(group);
}

/**
 * A provider name that means Azure by mistake: the driver looks the socket up by the exact name,
 * `<provider>.sock` (driver v1.6.0
 * https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/4960f9637c51ad9cb9ef264481bc6d9a98bf1f1c/pkg/secrets-store/provider_client.go#L131-L149),
 * and the Azure provider listens on azure.sock.
 */
const NEAR_MISS_PROVIDER = /azure|akv|key-?vault/i;

const FLAGS = [Param.USE_POD_IDENTITY, Param.USE_VM_MANAGED_IDENTITY, Param.USE_AZURE_TOKEN_PROXY] as const;
const LEGACY_TENANT = 'tenantId';
const KNOWN: readonly string[] = [...Object.values(Param), LEGACY_TENANT];
/** Keys the provider read in v0.0.x and ignores now. */
const RETIRED = ['resourceGroup', 'subscriptionId'];
/**
 * Cloud names as go-autorest's EnvironmentFromName reads them: case-insensitive (it upper-cases
 * the name), with the aliases AzureCloud and AzureUSGovernment, and AzureStackCloud from a file
 * (go-autorest autorest/v0.11.30, the provider v1.8.2's:
 * https://github.com/Azure/go-autorest/blob/33e12ab7683c1c236a863ccfbfdd78c626f7fe28/autorest/azure/environments.go#L33-L40
 * and #L293-L311).
 */
const CLOUDS = ['AzurePublicCloud', 'AzureCloud', 'AzureUSGovernmentCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'AzureGermanCloud', 'AzureStackCloud'];
const STACK = 'AzureStackCloud';
const SENSITIVE = /secret|password|passwd|token|credential|certificate|private/i;
const REDACTED = '(redacted)';
/** Parameters whose value rules report placeholders themselves. */
const SELF_CHECKED: readonly string[] = [
  Param.OBJECTS, Param.KEYVAULT_NAME, Param.CLIENT_ID, Param.USER_ASSIGNED_IDENTITY_ID, Param.TENANT_ID, LEGACY_TENANT,
];

/** Go's strconv.ParseBool; undefined when it fails. */
function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Reads one class; undefined for classes of other providers (not ours to judge). */
export function readClass(manifest: Manifest, findings: CheckFinding[], context: () => ClassContext): ClassModel | undefined {
  const spec = manifest.body.spec ?? {};
  if (spec.provider !== PROVIDER_NAME) {
    if (typeof spec.provider !== 'string' || !NEAR_MISS_PROVIDER.test(spec.provider)) return undefined; // another provider's class
    findings.push(manifest.finding('error', 'spc-provider', ['spec', 'provider'], spec.provider, {
      rule: `the driver looks for the provider's socket by this exact name ("${spec.provider}.sock"), and the Azure provider listens on "${PROVIDER_NAME}.sock", so every mount fails with "provider not found: provider \\"${spec.provider}\\""`,
      fix: `write provider: ${PROVIDER_NAME} (lowercase); the rest of the class was checked as the Azure provider's`,
    }));
  }
  const error = (nodePath: NodePath, value: unknown, violation: Violation) => findings.push(manifest.finding('error', 'spc-parameters', nodePath, value, violation));
  const warn = (nodePath: NodePath, value: unknown, violation: Violation) => findings.push(manifest.finding('warning', 'spc-parameters', nodePath, value, violation));

  const group = manifest.apiVersion.slice(0, manifest.apiVersion.lastIndexOf('/'));
  const version = manifest.apiVersion.slice(manifest.apiVersion.lastIndexOf('/') + 1);
  if (group !== SPC_GROUP) {
    findings.push(manifest.finding('error', 'spc-api-version', ['apiVersion'], manifest.apiVersion, {
      rule: `the SecretProviderClass API group is ${SPC_GROUP}${group === 'secrets-store.csi.k8s.io' ? ' (secrets-store.csi.k8s.io is the CSI driver\'s name)' : ''}, so the API server rejects the object (no matches for kind "SecretProviderClass") and the driver never sees it`,
      fix: `use apiVersion ${SPC_GROUP}/v1; the rest of the class was checked as if it did`,
    }));
  } else if (!SERVED_VERSIONS.includes(version)) {
    findings.push(manifest.finding('error', 'spc-api-version', ['apiVersion'], manifest.apiVersion, {
      rule: `the SecretProviderClass CRD serves only ${SERVED_VERSIONS.map(v => `${SPC_GROUP}/${v}`).join(' and ')}, so the API server rejects the object`,
      fix: `use apiVersion ${SPC_GROUP}/v1; the rest of the class was checked as if it did`,
    }));
  } else if (version !== 'v1') {
    findings.push(manifest.finding('warning', 'spc-api-version', ['apiVersion'], manifest.apiVersion, {
      rule: `${manifest.apiVersion} is deprecated (the API server warns and stores ${SPC_GROUP}/v1)`,
      fix: `use apiVersion ${SPC_GROUP}/v1 (same spec)`,
    }));
  }

  const raw = spec.parameters;
  if (raw === undefined || raw === null || typeof raw !== 'object' || Object.keys(raw).length === 0) {
    error(PARAMETERS, raw ?? null, { rule: 'a class needs parameters (the driver fails with "parameters not set")', fix: 'set keyvaultName, tenantID, objects and the identity parameters' });
    return undefined;
  }

  // Values: strings only (the CRD's schema), trimmed as the provider does.
  const parameters: Record<string, string> = Object.create(null); // keys from the input
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      const shown = !KNOWN.includes(key) && SENSITIVE.test(key) ? REDACTED : value;
      error(param(key), shown, { rule: 'parameter values must be strings (the CRD rejects other types)', fix: typeof shown === 'object' && shown !== null ? 'write the value as one string' : `quote it: ${key}: "${textOf(shown)}"` });
      continue;
    }
    parameters[key] = value.trim();
    // The ID rules name placeholders themselves; objects are checked field by field.
    if (!SELF_CHECKED.includes(key)) {
      const placeholder = rules.placeholder(value, key, 'manifest');
      if (placeholder) findings.push(manifest.finding('error', 'placeholder', param(key), value, placeholder));
    }
  }
  for (const key of Object.keys(raw)) {
    if (KNOWN.includes(key)) continue;
    // Never echo what may be a credential (e.g. a clientSecret put in the class by mistake).
    const shown = SENSITIVE.test(key) ? REDACTED : raw[key];
    const meant = KNOWN.find(k => k.toLowerCase() === key.toLowerCase());
    if (meant) {
      warn(param(key), shown, { rule: `the provider reads parameter names case-sensitively and ignores "${key}"`, fix: meant === LEGACY_TENANT ? `rename it to ${Param.TENANT_ID}` : `rename it to ${meant}` });
    } else if (RETIRED.includes(key)) {
      warn(param(key), shown, { rule: 'the provider ignores this parameter (only provider v0.0.x read it)', fix: 'remove it' });
    } else if (key.startsWith('csi.storage.k8s.io/')) {
      warn(param(key), shown, { rule: 'kubelet sets this attribute at mount and overwrites the class\'s value', fix: 'remove it' });
    } else {
      warn(param(key), shown, { rule: 'the Azure provider does not read this parameter', fix: `remove it, or use one of ${KNOWN.filter(k => k !== LEGACY_TENANT).join(', ')}` });
    }
  }

  // Identity flags, then mode exclusivity (the provider's order).
  const flags: Record<string, boolean> = {};
  for (const key of FLAGS) {
    const value = parameters[key];
    if (value === undefined || value === '') continue;
    const parsed = parseBool(value);
    if (parsed === undefined) {
      error(param(key), raw[key], { rule: `the provider parses it with strconv.ParseBool and fails with "failed to parse ${key} flag, error: strconv.ParseBool: parsing \\"${value}\\": invalid syntax"`, fix: 'use "true" or "false"' });
    } else {
      flags[key] = parsed;
    }
  }
  const on = FLAGS.filter(k => flags[k]);
  let mode: IdentityMode | undefined;
  if (on.length > 1) {
    error(param(on[1]), raw[on[1]], {
      rule: `only one identity mode can be enabled at a time, and ${on.join(' and ')} are both true (the provider fails with "only one identity mode can be enabled at a time")`,
      fix: `keep one of ${on.join(', ')} and set the others to "false" or remove them`,
    });
  } else if (flags[Param.USE_POD_IDENTITY]) {
    mode = IdentityMode.POD_IDENTITY;
  } else if (flags[Param.USE_VM_MANAGED_IDENTITY]) {
    mode = IdentityMode.VM_MANAGED_IDENTITY;
  } else if (flags[Param.USE_AZURE_TOKEN_PROXY]) {
    mode = IdentityMode.IDENTITY_BINDING;
  }

  const clientId = parameters[Param.CLIENT_ID] || undefined;
  if (clientId !== undefined) {
    const violation = rules.clientId(clientId, Param.CLIENT_ID, 'manifest');
    if (violation) findings.push(manifest.finding('error', rules.isPlaceholder(clientId) ? 'placeholder' : 'spc-parameters', param(Param.CLIENT_ID), raw[Param.CLIENT_ID], violation));
  }
  if (mode === IdentityMode.IDENTITY_BINDING && clientId === undefined) {
    error(param(Param.CLIENT_ID), parameters[Param.CLIENT_ID] ?? null, { rule: 'identity binding signs in as a managed identity, and the provider fails with "clientID is required for identity binding"', fix: 'set clientID to the client ID of the managed identity bound to the cluster' });
  }
  if (clientId !== undefined && (mode === IdentityMode.POD_IDENTITY || mode === IdentityMode.VM_MANAGED_IDENTITY)) {
    warn(param(Param.CLIENT_ID), raw[Param.CLIENT_ID], {
      rule: `with ${mode === IdentityMode.POD_IDENTITY ? Param.USE_POD_IDENTITY : Param.USE_VM_MANAGED_IDENTITY} the provider still reads clientID and then requires a workload identity token (audience ${Audience.WORKLOAD_IDENTITY})`,
      fix: mode === IdentityMode.VM_MANAGED_IDENTITY ? `remove clientID; a user-assigned identity goes in ${Param.USER_ASSIGNED_IDENTITY_ID}` : 'remove clientID',
    });
  }
  if (mode === undefined && on.length <= 1) mode = clientId !== undefined ? IdentityMode.WORKLOAD_IDENTITY : IdentityMode.SERVICE_PRINCIPAL;

  const userAssigned = parameters[Param.USER_ASSIGNED_IDENTITY_ID];
  if (userAssigned) {
    if (mode !== IdentityMode.VM_MANAGED_IDENTITY) {
      warn(param(Param.USER_ASSIGNED_IDENTITY_ID), userAssigned, { rule: `the provider reads it only with ${Param.USE_VM_MANAGED_IDENTITY}: "true"`, fix: `remove it, or set ${Param.USE_VM_MANAGED_IDENTITY}: "true"` });
    } else {
      const violation = rules.clientId(userAssigned, Param.USER_ASSIGNED_IDENTITY_ID, 'manifest');
      if (violation) findings.push(manifest.finding('error', rules.isPlaceholder(userAssigned) ? 'placeholder' : 'spc-parameters', param(Param.USER_ASSIGNED_IDENTITY_ID), raw[Param.USER_ASSIGNED_IDENTITY_ID], violation));
    }
  }

  // Vault and tenant.
  const vault = parameters[Param.KEYVAULT_NAME];
  if (!vault) {
    error(param(Param.KEYVAULT_NAME), raw[Param.KEYVAULT_NAME] ?? null, { rule: 'the vault name is required (the provider fails with "keyvaultName is not provided")', fix: 'set keyvaultName to the name in https://<name>.vault.azure.net' });
  } else {
    const violation = rules.keyVaultName(vault, Param.KEYVAULT_NAME, 'manifest');
    if (violation) findings.push(manifest.finding('error', rules.isPlaceholder(vault) ? 'placeholder' : 'spc-parameters', param(Param.KEYVAULT_NAME), raw[Param.KEYVAULT_NAME], violation));
  }

  const cloudName = parameters[Param.CLOUD_NAME];
  const cloud = cloudName ? CLOUDS.find(c => c.toUpperCase() === cloudName.toUpperCase()) : undefined;
  if (cloudName && !cloud && !rules.isPlaceholder(cloudName)) {
    error(param(Param.CLOUD_NAME), raw[Param.CLOUD_NAME], {
      rule: `must be one of ${CLOUDS.join(', ')}, in any case (the provider fails with "cloudName ${cloudName} is not valid, error: autorest/azure: There is no cloud environment matching the name ${JSON.stringify(cloudName.toUpperCase())}")`,
      fix: 'use the cloud of the vault, or remove cloudName for the public cloud',
    });
  }
  const stack = cloud === STACK;
  const envFile = parameters[Param.CLOUD_ENV_FILE_NAME] || undefined;
  if (envFile !== undefined && !stack) {
    warn(param(Param.CLOUD_ENV_FILE_NAME), envFile, { rule: `the provider reads the environment file only with cloudName ${STACK}`, fix: `remove it, or set cloudName: ${STACK}` });
  } else if (envFile !== undefined && !rules.isPlaceholder(envFile)) {
    const violation = rules.mountPath(envFile, Param.CLOUD_ENV_FILE_NAME);
    if (violation) error(param(Param.CLOUD_ENV_FILE_NAME), envFile, violation);
  } else if (stack && envFile === undefined) {
    warn(param(Param.CLOUD_NAME), cloudName, { rule: `${STACK} takes its endpoints from a JSON file, and no ${Param.CLOUD_ENV_FILE_NAME} names it (works only if the provider pods set AZURE_ENVIRONMENT_FILEPATH)`, fix: `set ${Param.CLOUD_ENV_FILE_NAME} to the file's path in the provider container` });
  }

  const tenant = parameters[Param.TENANT_ID];
  const legacy = parameters[LEGACY_TENANT];
  if (!tenant && !legacy) {
    error(param(Param.TENANT_ID), null, { rule: 'the tenant is required (the provider fails with "tenantId is not provided")', fix: 'set tenantID to the directory (tenant) ID from `az account show --query tenantId`' });
  } else if (!tenant) {
    warn(param(LEGACY_TENANT), raw[LEGACY_TENANT], { rule: `${LEGACY_TENANT} is the deprecated spelling (the provider still reads it when ${Param.TENANT_ID} is empty)`, fix: `rename it to ${Param.TENANT_ID}` });
  } else if (legacy) {
    warn(param(LEGACY_TENANT), raw[LEGACY_TENANT], { rule: `the provider ignores ${LEGACY_TENANT} when ${Param.TENANT_ID} is set`, fix: `remove ${LEGACY_TENANT}` });
  }
  const tenantKey = tenant ? Param.TENANT_ID : LEGACY_TENANT;
  const tenantValue = tenant || legacy;
  if (tenantValue) {
    const violation = rules.tenantId(tenantValue, stack, tenantKey, 'manifest');
    if (violation) findings.push(manifest.finding('error', rules.isPlaceholder(tenantValue) ? 'placeholder' : 'spc-parameters', param(tenantKey), raw[tenantKey], violation));
  }

  // Objects and synced secrets.
  const objectsText = raw[Param.OBJECTS];
  let parsed: ParsedObjects = { entries: [], problems: [], spots: new Map() };
  const objects = () => parsed.entries.filter((e): e is ObjectEntry => e !== undefined);
  if (typeof objectsText !== 'string' || objectsText.trim() === '') {
    error(param(Param.OBJECTS), objectsText ?? null, { rule: 'the class names no objects (the provider fails with "objects is not set")', fix: 'set objects to `array:` followed by one `- |` block per object' });
  } else {
    parsed = parseObjects(objectsText);
    for (const problem of parsed.problems) {
      findings.push(objectsFinding(manifest, problem.severity, 'spc-objects', problem.field, problem.value, problem, parsed, problem.spot));
    }
    const empty = parsed.problems.length === 0 ? classWritesObjects(objects().length, 'manifest', Param.OBJECTS) : undefined;
    if (empty) error(param(Param.OBJECTS), objectsText, empty);
  }
  const secretObjects = readSecretObjects(manifest, findings);

  const model: ClassModel = {
    manifest,
    mode,
    clientId,
    // Any mode other than identity binding with a clientID parses the workload identity token (the provider's buildAuthConfig).
    audience: mode === IdentityMode.IDENTITY_BINDING ? Audience.IDENTITY_BINDING
      : clientId !== undefined && mode !== undefined ? Audience.WORKLOAD_IDENTITY : undefined,
    objects: objects(),
    secretObjects,
    cloudEnvFileName: stack ? envFile : undefined,
  };
  const contents = checkClassContents(parsed.entries, secretObjects, context());
  // A placeholder is the better message, in place of the rule it breaks (e.g. an object name).
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
  for (const f of reported.values()) findings.push(objectsFinding(manifest, 'error', 'placeholder', f.field.slice(Param.OBJECTS.length), f.value, f, parsed));
  for (const f of contents) {
    if (!reported.has(f.field)) findings.push(contentFinding(manifest, f, parsed));
  }
  return model;
}

/** `secretObjects` as the model (shape problems are the rules' findings). */
function readSecretObjects(manifest: Manifest, findings: CheckFinding[]): SecretObjectEntry[] {
  const raw = manifest.body.spec?.secretObjects;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    findings.push(manifest.finding('error', 'spc-secret-objects', ['spec', 'secretObjects'], raw, { rule: 'must be a list', fix: 'write one `- secretName: …` entry per Secret' }));
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
  const nodePath = param(Param.OBJECTS);
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
