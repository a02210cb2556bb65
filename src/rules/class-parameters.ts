import { manifestFinding, ManifestFinding, NodePath, Violation } from './model';
import * as rules from './values';
import { Audience, Param, PROVIDER_NAME } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';

/**
 * The rules of a SecretProviderClass manifest's own fields — API version, provider, and every
 * parameter as the Azure provider reads it (case-sensitive keys, trimmed values, strconv.ParseBool
 * flags, one identity mode) — and what the class means for the rest of the cluster (its identity
 * mode, client ID, token audience, environment file). The `objects` and `secretObjects` rules are
 * in objects.ts and sync.ts.
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/types/parameters.go
 */

export const SPC_GROUP = 'secrets-store.csi.x-k8s.io';
/** The versions the CRD serves (v1alpha1 deprecated): deploy/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml of driver v1.6.0. */
const SERVED_VERSIONS = ['v1', 'v1alpha1'];
/** API groups that mean this CRD by mistake (the driver's name, `secrets-store.csi.k8s.io`, is the usual one). */
const NEAR_MISS_GROUP = /secrets-store/i;
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
const PARAMETERS: NodePath = ['spec', 'parameters'];
const param = (key: string): NodePath => [...PARAMETERS, key];

/** Whether a manifest is a SecretProviderClass (any version, and groups that mean it by mistake: `checkClassHeader` reports those). */
export function isSecretProviderClass(kind: string, apiVersion: string): boolean {
  if (kind !== 'SecretProviderClass' || !apiVersion.includes('/')) return false;
  const group = apiVersion.slice(0, apiVersion.lastIndexOf('/'));
  return group === SPC_GROUP || NEAR_MISS_GROUP.test(group);
}

/** Whether the class is the Azure provider's (else not ours to judge), and the findings of apiVersion and provider. */
export function checkClassHeader(apiVersion: string, provider: unknown): { azure: boolean; findings: ManifestFinding[] } {
  const findings: ManifestFinding[] = [];
  if (provider !== PROVIDER_NAME) {
    if (typeof provider !== 'string' || !NEAR_MISS_PROVIDER.test(provider)) return { azure: false, findings }; // another provider's class
    findings.push(manifestFinding('error', 'spc-provider', ['spec', 'provider'], provider, {
      rule: `the driver looks for the provider's socket by this exact name ("${provider}.sock"), and the Azure provider listens on "${PROVIDER_NAME}.sock", so every mount fails with "provider not found: provider \\"${provider}\\""`,
      fix: `write provider: ${PROVIDER_NAME} (lowercase); the rest of the class was checked as the Azure provider's`,
    }));
  }
  const group = apiVersion.slice(0, apiVersion.lastIndexOf('/'));
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  const at = (severity: 'error' | 'warning', violation: Violation) => findings.push(manifestFinding(severity, 'spc-api-version', ['apiVersion'], apiVersion, violation));
  if (group !== SPC_GROUP) {
    at('error', {
      rule: `the SecretProviderClass API group is ${SPC_GROUP}${group === 'secrets-store.csi.k8s.io' ? ' (secrets-store.csi.k8s.io is the CSI driver\'s name)' : ''}, so the API server rejects the object (no matches for kind "SecretProviderClass") and the driver never sees it`,
      fix: `use apiVersion ${SPC_GROUP}/v1; the rest of the class was checked as if it did`,
    });
  } else if (!SERVED_VERSIONS.includes(version)) {
    at('error', {
      rule: `the SecretProviderClass CRD serves only ${SERVED_VERSIONS.map(v => `${SPC_GROUP}/${v}`).join(' and ')}, so the API server rejects the object`,
      fix: `use apiVersion ${SPC_GROUP}/v1; the rest of the class was checked as if it did`,
    });
  } else if (version !== 'v1') {
    at('warning', {
      rule: `${apiVersion} is deprecated (the API server warns and stores ${SPC_GROUP}/v1)`,
      fix: `use apiVersion ${SPC_GROUP}/v1 (same spec)`,
    });
  }
  return { azure: true, findings };
}

/** What a class's parameters mean for the rest of the cluster. */
export interface ClassParameters {
  /** How the provider signs in; undefined when the parameters are contradictory. */
  readonly mode?: IdentityMode;
  readonly clientId?: string;
  /** The service-account token audience the provider will look for. */
  readonly audience?: string;
  /** `cloudEnvFileName` with `cloudName: AzureStackCloud`. */
  readonly cloudEnvFileName?: string;
  /** The `objects` text, when it is a non-empty string (parsed by the reader). */
  readonly objectsText?: string;
}

/**
 * The parameters' rules, in the provider's order. `textOf` turns a non-string value into text for
 * messages (the checker's, which never throws on input-made objects).
 * @returns undefined for `parameters` when the class has none (nothing else can be judged)
 */
export function checkClassParameters(
  raw: unknown, textOf: (value: unknown) => string,
): { parameters?: ClassParameters; findings: ManifestFinding[] } {
  const findings: ManifestFinding[] = [];
  const error = (path: NodePath, value: unknown, violation: Violation, ruleId = 'spc-parameters') => findings.push(manifestFinding('error', ruleId, path, value, violation));
  const warn = (path: NodePath, value: unknown, violation: Violation) => findings.push(manifestFinding('warning', 'spc-parameters', path, value, violation));
  /** A value rule's verdict; a placeholder is its own rule family. */
  const judge = (key: string, value: string, finding: Violation | undefined) => {
    if (finding) error(param(key), (raw as any)[key], finding, rules.isPlaceholder(value) ? 'placeholder' : 'spc-parameters');
  };

  if (raw === undefined || raw === null || typeof raw !== 'object' || Object.keys(raw).length === 0) {
    error(PARAMETERS, raw ?? null, { rule: 'a class needs parameters (the driver fails with "parameters not set")', fix: 'set keyvaultName, tenantID, objects and the identity parameters' });
    return { findings };
  }
  const input = raw as Record<string, unknown>;
  const parameters = stringParameters(input, textOf, error, findings);
  unknownParameters(input, warn);
  const { mode, clientId } = identity(input, parameters, error, warn, judge);

  // Vault and tenant.
  const vault = parameters[Param.KEYVAULT_NAME];
  if (!vault) {
    error(param(Param.KEYVAULT_NAME), input[Param.KEYVAULT_NAME] ?? null, { rule: 'the vault name is required (the provider fails with "keyvaultName is not provided")', fix: 'set keyvaultName to the name in https://<name>.vault.azure.net' });
  } else {
    judge(Param.KEYVAULT_NAME, vault, rules.keyVaultName(vault, Param.KEYVAULT_NAME, 'manifest'));
  }
  const { stack, envFile } = cloud(input, parameters, error, warn);
  tenant(input, parameters, stack, warn, judge, error);

  const objectsText = input[Param.OBJECTS];
  const hasObjects = typeof objectsText === 'string' && objectsText.trim() !== '';
  if (!hasObjects) {
    error(param(Param.OBJECTS), objectsText ?? null, { rule: 'the class names no objects (the provider fails with "objects is not set")', fix: 'set objects to `array:` followed by one `- |` block per object' });
  }
  return {
    findings,
    parameters: {
      mode,
      clientId,
      // Any mode other than identity binding with a clientID parses the workload identity token (the provider's buildAuthConfig).
      audience: mode === IdentityMode.IDENTITY_BINDING ? Audience.IDENTITY_BINDING
        : clientId !== undefined && mode !== undefined ? Audience.WORKLOAD_IDENTITY : undefined,
      cloudEnvFileName: stack ? envFile : undefined,
      objectsText: hasObjects ? objectsText : undefined,
    },
  };
}

type Report = (path: NodePath, value: unknown, violation: Violation) => void;

/** Values are strings only (the CRD's schema), trimmed as the provider does; placeholders are errors. */
function stringParameters(
  input: Record<string, unknown>, textOf: (value: unknown) => string, error: Report, findings: ManifestFinding[],
): Record<string, string> {
  const parameters: Record<string, string> = Object.create(null); // keys from the input
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== 'string') {
      const shown = !KNOWN.includes(key) && SENSITIVE.test(key) ? REDACTED : value;
      error(param(key), shown, { rule: 'parameter values must be strings (the CRD rejects other types)', fix: typeof shown === 'object' && shown !== null ? 'write the value as one string' : `quote it: ${key}: "${textOf(shown)}"` });
      continue;
    }
    parameters[key] = value.trim();
    // The ID rules name placeholders themselves; objects are checked field by field.
    if (!SELF_CHECKED.includes(key)) {
      const placeholder = rules.placeholder(value, key, 'manifest');
      if (placeholder) findings.push(manifestFinding('error', 'placeholder', param(key), value, placeholder));
    }
  }
  return parameters;
}

/** Keys the provider does not read: misspelt, retired, kubelet's, unknown. Never echoes what may be a credential. */
function unknownParameters(input: Record<string, unknown>, warn: Report): void {
  for (const key of Object.keys(input)) {
    if (KNOWN.includes(key)) continue;
    const shown = SENSITIVE.test(key) ? REDACTED : input[key];
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
}

/** Go's strconv.ParseBool; undefined when it fails. */
function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Identity flags, then mode exclusivity (the provider's order), the client ID and the user-assigned VM identity. */
function identity(
  input: Record<string, unknown>, parameters: Record<string, string>, error: Report, warn: Report,
  judge: (key: string, value: string, finding: Violation | undefined) => void,
): { mode?: IdentityMode; clientId?: string } {
  const flags: Record<string, boolean> = {};
  for (const key of FLAGS) {
    const value = parameters[key];
    if (value === undefined || value === '') continue;
    const parsed = parseBool(value);
    if (parsed === undefined) {
      error(param(key), input[key], { rule: `the provider parses it with strconv.ParseBool and fails with "failed to parse ${key} flag, error: strconv.ParseBool: parsing \\"${value}\\": invalid syntax"`, fix: 'use "true" or "false"' });
    } else {
      flags[key] = parsed;
    }
  }
  const on = FLAGS.filter(k => flags[k]);
  let mode: IdentityMode | undefined;
  if (on.length > 1) {
    error(param(on[1]), input[on[1]], {
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
  if (clientId !== undefined) judge(Param.CLIENT_ID, clientId, rules.clientId(clientId, Param.CLIENT_ID, 'manifest'));
  if (mode === IdentityMode.IDENTITY_BINDING && clientId === undefined) {
    error(param(Param.CLIENT_ID), parameters[Param.CLIENT_ID] ?? null, { rule: 'identity binding signs in as a managed identity, and the provider fails with "clientID is required for identity binding"', fix: 'set clientID to the client ID of the managed identity bound to the cluster' });
  }
  if (clientId !== undefined && (mode === IdentityMode.POD_IDENTITY || mode === IdentityMode.VM_MANAGED_IDENTITY)) {
    warn(param(Param.CLIENT_ID), input[Param.CLIENT_ID], {
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
      judge(Param.USER_ASSIGNED_IDENTITY_ID, userAssigned, rules.clientId(userAssigned, Param.USER_ASSIGNED_IDENTITY_ID, 'manifest'));
    }
  }
  return { mode, clientId };
}

/** The cloud name as go-autorest reads it, and Azure Stack's environment file. */
function cloud(
  input: Record<string, unknown>, parameters: Record<string, string>, error: Report, warn: Report,
): { stack: boolean; envFile?: string } {
  const cloudName = parameters[Param.CLOUD_NAME];
  const known = cloudName ? CLOUDS.find(c => c.toUpperCase() === cloudName.toUpperCase()) : undefined;
  if (cloudName && !known && !rules.isPlaceholder(cloudName)) {
    error(param(Param.CLOUD_NAME), input[Param.CLOUD_NAME], {
      rule: `must be one of ${CLOUDS.join(', ')}, in any case (the provider fails with "cloudName ${cloudName} is not valid, error: autorest/azure: There is no cloud environment matching the name ${JSON.stringify(cloudName.toUpperCase())}")`,
      fix: 'use the cloud of the vault, or remove cloudName for the public cloud',
    });
  }
  const stack = known === STACK;
  const envFile = parameters[Param.CLOUD_ENV_FILE_NAME] || undefined;
  if (envFile !== undefined && !stack) {
    warn(param(Param.CLOUD_ENV_FILE_NAME), envFile, { rule: `the provider reads the environment file only with cloudName ${STACK}`, fix: `remove it, or set cloudName: ${STACK}` });
  } else if (envFile !== undefined && !rules.isPlaceholder(envFile)) {
    const bad = rules.mountPath(envFile, Param.CLOUD_ENV_FILE_NAME);
    if (bad) error(param(Param.CLOUD_ENV_FILE_NAME), envFile, bad);
  } else if (stack && envFile === undefined) {
    warn(param(Param.CLOUD_NAME), cloudName, { rule: `${STACK} takes its endpoints from a JSON file, and no ${Param.CLOUD_ENV_FILE_NAME} names it (works only if the provider pods set AZURE_ENVIRONMENT_FILEPATH)`, fix: `set ${Param.CLOUD_ENV_FILE_NAME} to the file's path in the provider container` });
  }
  return { stack, envFile };
}

/** `tenantID`, and its deprecated spelling `tenantId`. */
function tenant(
  input: Record<string, unknown>, parameters: Record<string, string>, stack: boolean, warn: Report,
  judge: (key: string, value: string, finding: Violation | undefined) => void, error: Report,
): void {
  const current = parameters[Param.TENANT_ID];
  const legacy = parameters[LEGACY_TENANT];
  if (!current && !legacy) {
    error(param(Param.TENANT_ID), null, { rule: 'the tenant is required (the provider fails with "tenantId is not provided")', fix: 'set tenantID to the directory (tenant) ID from `az account show --query tenantId`' });
  } else if (!current) {
    warn(param(LEGACY_TENANT), input[LEGACY_TENANT], { rule: `${LEGACY_TENANT} is the deprecated spelling (the provider still reads it when ${Param.TENANT_ID} is empty)`, fix: `rename it to ${Param.TENANT_ID}` });
  } else if (legacy) {
    warn(param(LEGACY_TENANT), input[LEGACY_TENANT], { rule: `the provider ignores ${LEGACY_TENANT} when ${Param.TENANT_ID} is set`, fix: `remove ${LEGACY_TENANT}` });
  }
  const key = current ? Param.TENANT_ID : LEGACY_TENANT;
  const value = current || legacy;
  if (value) judge(key, value, rules.tenantId(value, stack, key, 'manifest'));
}
