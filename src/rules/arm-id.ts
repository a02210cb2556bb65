import { errorAt, Finding, Violation } from './model';
import { isGuid, keyVaultName, objectName, placeholder } from './values';

/**
 * Azure Resource Manager resource IDs: one parser for every ID the Azure side reads (vaults and
 * their objects, clusters, managed identities, role definitions). ARM treats provider namespaces,
 * resource types and the fixed segments (`subscriptions`, `resourceGroups`, `providers`) as
 * case-insensitive; names keep their case.
 * Grammar: the `armId` pattern of ASO's resource references (v2/internal/genericarmclient), i.e.
 * `[/subscriptions/<s>[/resourceGroups/<g>]]/providers/<namespace>/<type>/<name>(/<type>/<name>)*`,
 * `/subscriptions/<s>` or `/subscriptions/<s>/resourceGroups/<g>`.
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */

export interface ArmId {
  /** Subscription ID; undefined for tenant-level IDs (role definitions) and IDs resolved by name in ASO. */
  readonly subscription?: string;
  readonly resourceGroup?: string;
  /** Provider namespace, e.g. `Microsoft.KeyVault`; undefined for a subscription or resource group. */
  readonly namespace?: string;
  /** Resource types below the namespace, e.g. `['vaults', 'secrets']`. */
  readonly types: readonly string[];
  /** One name per type, e.g. `['kv', 'db-password']`. */
  readonly names: readonly string[];
}

/** Resource types the Azure side names, spelled as Azure documents them (compare with `sameType`). */
export const ArmType = {
  SUBSCRIPTION: 'Microsoft.Resources/subscriptions',
  RESOURCE_GROUP: 'Microsoft.Resources/resourceGroups',
  VAULT: 'Microsoft.KeyVault/vaults',
  VAULT_SECRET: 'Microsoft.KeyVault/vaults/secrets',
  VAULT_KEY: 'Microsoft.KeyVault/vaults/keys',
  VAULT_CERTIFICATE: 'Microsoft.KeyVault/vaults/certificates',
  MANAGED_CLUSTER: 'Microsoft.ContainerService/managedClusters',
  USER_ASSIGNED_IDENTITY: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  ROLE_DEFINITION: 'Microsoft.Authorization/roleDefinitions',
} as const;

/** A vault and the objects in it (a grant scoped per object, `grantScope: 'object'`). */
export const VAULT_SCOPES: readonly string[] = [ArmType.VAULT, ArmType.VAULT_SECRET, ArmType.VAULT_KEY, ArmType.VAULT_CERTIFICATE];

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Parses an ARM ID; undefined when it does not have ARM's shape. */
export function parseArmId(value: string): ArmId | undefined {
  if (!value.startsWith('/')) return undefined;
  const segments = value.slice(1).split('/');
  if (segments.some(s => s === '')) return undefined; // `//`, a trailing `/`, or "/" alone
  let i = 0;
  let subscription: string | undefined;
  let resourceGroup: string | undefined;
  if (same(segments[i], 'subscriptions')) {
    subscription = segments[i + 1];
    if (subscription === undefined) return undefined;
    i += 2;
    if (i < segments.length && same(segments[i], 'resourceGroups')) {
      resourceGroup = segments[i + 1];
      if (resourceGroup === undefined) return undefined;
      i += 2;
    }
    if (i === segments.length) return { subscription, resourceGroup, types: [], names: [] };
  }
  if (!same(segments[i], 'providers')) return undefined;
  const namespace = segments[i + 1];
  const rest = segments.slice(i + 2);
  if (namespace === undefined || rest.length === 0 || rest.length % 2 !== 0) return undefined;
  return {
    subscription,
    resourceGroup,
    namespace,
    types: rest.filter((_, j) => j % 2 === 0),
    names: rest.filter((_, j) => j % 2 === 1),
  };
}

/** The resource type, e.g. `Microsoft.KeyVault/vaults/secrets`; `Microsoft.Resources/…` for a subscription or resource group. */
export function typeOf(id: ArmId): string {
  if (id.namespace === undefined) return id.resourceGroup === undefined ? ArmType.SUBSCRIPTION : ArmType.RESOURCE_GROUP;
  return [id.namespace, ...id.types].join('/');
}

/** Whether two resource types are the same, as ARM compares them (case-insensitively). */
export function sameType(a: string, b: string): boolean {
  return same(a, b);
}

/** The ID as a string, with ARM's usual spelling of the fixed segments. */
export function formatArmId(id: ArmId): string {
  let text = id.subscription === undefined ? '' : `/subscriptions/${id.subscription}`;
  if (id.resourceGroup !== undefined) text += `/resourceGroups/${id.resourceGroup}`;
  if (id.namespace !== undefined) text += `/providers/${id.namespace}${id.types.map((t, i) => `/${t}/${id.names[i]}`).join('')}`;
  return text;
}

/** The last name of the ID (the resource's own name). */
export function nameOf(id: ArmId): string | undefined {
  return id.namespace === undefined ? id.resourceGroup ?? id.subscription : id.names[id.names.length - 1];
}

/** A key that is equal for two IDs ARM treats as the same resource (names compared case-insensitively too: ARM resource names are). */
export function armIdKey(id: ArmId): string {
  return formatArmId(id).toLowerCase();
}

/** The vault of a vault or vault-object ID: its name and ID. */
export function vaultOf(id: ArmId): { name: string; id: ArmId } | undefined {
  if (id.namespace === undefined || !same(id.namespace, 'Microsoft.KeyVault') || !same(id.types[0] ?? '', 'vaults')) return undefined;
  return { name: id.names[0], id: { ...id, types: id.types.slice(0, 1), names: id.names.slice(0, 1) } };
}

/** Resource group names: 1-90 letters, digits, `_ - . ( )`, not ending with a period. */
const RESOURCE_GROUP = /^[-\p{L}\p{N}_.()]{1,90}$/u;

/**
 * An ARM ID of one of the `expected` types, as the rules judge it: the shape, a placeholder left
 * in it, the subscription a GUID, the resource group's and vault's names, and the type.
 * @param what what the ID names, for the message, e.g. "the owner (the vault the role is assigned on)"
 */
export function armIdOfType(value: unknown, expected: readonly string[], what: string, field: string): Finding | undefined {
  return errorAt(field, value, armIdViolation(value, expected, what));
}

function armIdViolation(value: unknown, expected: readonly string[], what: string): Violation | undefined {
  const example = exampleOf(expected[0]);
  if (typeof value !== 'string' || value === '') {
    return { rule: `${what} must be an ARM resource ID`, fix: `set it to the resource ID, e.g. ${example}` };
  }
  const notAValue = placeholder(value, '');
  if (notAValue) return { ...notAValue, fix: `${notAValue.fix}: the resource ID from \`az … show --query id\`, e.g. ${example}` };
  const id = parseArmId(value);
  if (!id) {
    return {
      rule: `${what} must be an ARM resource ID (/subscriptions/<subscription>/resourceGroups/<group>/providers/<namespace>/<type>/<name>); ASO rejects other shapes`,
      fix: `use the resource ID from \`az … show --query id\`, e.g. ${example}`,
    };
  }
  const type = typeOf(id);
  if (!expected.some(t => sameType(t, type))) {
    return {
      rule: `${what} must be a ${expected.join(' or ')}, not a ${type}`,
      fix: `use the ID of the ${describeType(expected[0])}, e.g. ${example}`,
    };
  }
  if (id.subscription !== undefined && !isGuid(id.subscription)) {
    return { rule: `the subscription "${id.subscription}" must be a GUID`, fix: 'copy the subscription ID from `az account show --query id`' };
  }
  const tenantLevel = expected.every(t => sameType(t, ArmType.ROLE_DEFINITION));
  if (!tenantLevel && id.namespace !== undefined && (id.subscription === undefined || id.resourceGroup === undefined)) {
    return { rule: `${what} must name its subscription and resource group`, fix: `use the full resource ID, e.g. ${example}` };
  }
  if (id.resourceGroup !== undefined && (!RESOURCE_GROUP.test(id.resourceGroup) || id.resourceGroup.endsWith('.'))) {
    return {
      rule: `the resource group "${id.resourceGroup}" is not a valid name (1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period)`,
      fix: 'copy the resource group from `az group list --query [].name`',
    };
  }
  const vault = vaultOf(id);
  if (vault) {
    const bad = keyVaultName(vault.name, '');
    if (bad) return { rule: `the vault name "${vault.name}" is invalid: ${bad.rule}`, fix: bad.fix };
    const object = id.names[1];
    const badObject = object === undefined ? undefined : objectName(object, '');
    if (badObject) return { rule: `the object name "${object}" is invalid: ${badObject.rule}`, fix: badObject.fix };
  }
  return undefined;
}

/** A resource type in words: "vault", "AKS cluster". */
function describeType(type: string): string {
  const words: Record<string, string> = {
    [ArmType.VAULT]: 'vault',
    [ArmType.MANAGED_CLUSTER]: 'AKS cluster',
    [ArmType.USER_ASSIGNED_IDENTITY]: 'user-assigned managed identity',
    [ArmType.ROLE_DEFINITION]: 'role definition',
    [ArmType.VAULT_SECRET]: 'vault or object',
    [ArmType.RESOURCE_GROUP]: 'resource group',
  };
  return words[type] ?? type;
}

function exampleOf(type: string): string {
  const base = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-group';
  switch (type) {
    case ArmType.VAULT: return `${base}/providers/Microsoft.KeyVault/vaults/my-vault`;
    case ArmType.MANAGED_CLUSTER: return `${base}/providers/Microsoft.ContainerService/managedClusters/my-cluster`;
    case ArmType.USER_ASSIGNED_IDENTITY: return `${base}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/my-identity`;
    case ArmType.ROLE_DEFINITION: return '/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6';
    case ArmType.VAULT_SECRET: case ArmType.VAULT_KEY: case ArmType.VAULT_CERTIFICATE:
      return `${base}/providers/Microsoft.KeyVault/vaults/my-vault/${type.split('/').pop()}/my-object`;
    default: return `${base}/providers/${type}/my-name`;
  }
}
