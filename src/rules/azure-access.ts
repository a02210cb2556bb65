import { error, errorAt, Finding, Violation } from './model';
import * as values from './values';
import { ArmResourceType } from '../facts/azure';
import { CLUSTER_CONTEXT_KEY } from '../facts/constants';

/**
 * Rules of what `AzureAccess` is given and of what it must find in the app: ARM IDs, principal
 * IDs, OIDC issuers, cluster naming, and every vault, identity and cluster the classes, bindings
 * and workload-identity subjects use being listed. Pure functions over plain values.
 */

/** The parts of an ARM resource ID `/subscriptions/<sub>/resourceGroups/<group>/providers/<namespace>/<type>/<name>`. */
export interface ArmId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** `<namespace>/<type>` as written, e.g. `Microsoft.KeyVault/vaults`. */
  readonly type: string;
  readonly name: string;
}

// ARM matches the fixed segments case-insensitively; names may hold any character but "/".
const ARM_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)$/i;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A top-level resource's ARM ID split into its parts; undefined when it has another shape. */
export function parseArmId(value: string): ArmId | undefined {
  const match = ARM_ID.exec(value);
  if (!match) return undefined;
  return { subscriptionId: match[1], resourceGroup: match[2], type: match[3], name: match[4] };
}

/** An ARM ID of a top-level resource of `type` (e.g. `Microsoft.KeyVault/vaults`). */
export function armResourceId(value: string, type: string, field: string): Finding | undefined {
  return errorAt(field, value, armResourceIdViolation(value, type));
}

function armResourceIdViolation(value: string, type: string): Violation | undefined {
  const example = `/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/${type}/<name>`;
  const fix = `use the resource's ID (\`az resource show --resource-type ${type} -g <group> -n <name> --query id -o tsv\`), shaped ${example}`;
  // `<sub>`, `$RG`, `${NAME}` in any segment: a template copied without its values.
  const notAValue = [value, ...value.split('/')].map(part => values.placeholder(part, '')).find(v => v);
  if (notAValue) return { ...notAValue, fix };
  const id = parseArmId(value);
  if (!id) return { rule: `must be an ARM resource ID shaped ${example}`, fix };
  if (!GUID.test(id.subscriptionId)) {
    return { rule: `the subscription "${id.subscriptionId}" must be a GUID`, fix };
  }
  if (id.type.toLowerCase() !== type.toLowerCase()) {
    return { rule: `must be the ID of a ${type} resource, not of a ${id.type}`, fix };
  }
  return undefined;
}

/** The object (principal) ID of a managed identity, which role assignments name. */
export function principalId(value: string, field: string): Finding | undefined {
  const fix = 'copy the principal ID from `az identity show --ids <resource ID> --query principalId -o tsv` (not the client ID)';
  const notAValue = values.placeholder(value, field);
  if (notAValue) return { ...notAValue, fix };
  if (GUID.test(value)) return undefined;
  return error(field, value, 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)', fix);
}

/** The OIDC issuer URL of a cluster, which federated credentials name as `issuer`. */
export function oidcIssuerUrl(value: string, field: string): Finding | undefined {
  const fix = 'use the cluster\'s issuer exactly as `az aks show -g <group> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv` prints it';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.search || url.hash || url.username || url.password) {
    return error(field, value, 'must be an https:// URL without query, fragment or credentials (Entra ID compares it with the token\'s `iss` claim)', fix);
  }
  return undefined;
}

/** An identity as `AzureAccess` takes it. */
export interface AccessIdentityInput {
  readonly clientId: string;
  readonly principalId: string;
  readonly resourceId: string;
}

/** A vault as `AzureAccess` takes it. */
export interface AccessVaultInput {
  readonly resourceId: string;
}

/** A cluster as `AzureAccess` takes it. */
export interface AccessClusterInput {
  readonly name?: string;
  readonly resourceId: string;
  readonly oidcIssuerUrl?: string;
}

/** Rules of the props alone: IDs, duplicates, cluster names. Fields are the props' paths. */
export function checkAccessProps(props: {
  readonly namespace: string;
  readonly identities: readonly AccessIdentityInput[];
  readonly vaults: readonly AccessVaultInput[];
  readonly clusters: readonly AccessClusterInput[];
}): Finding[] {
  const findings: Finding[] = [];
  const at = (finding: Finding | undefined) => {
    if (finding) findings.push(finding);
  };
  at(values.dns1123Label(props.namespace, 'namespace'));

  const duplicate = (field: string, value: string, seen: Map<string, number>, what: string, key = value.toLowerCase()) => {
    const first = seen.get(key);
    if (first !== undefined) {
      findings.push(error(field, value, `${what} is already in entry ${first} (compared case-insensitively)`, 'list it once'));
    } else {
      seen.set(key, seen.size);
    }
  };

  const clientIds = new Map<string, number>();
  const principalIds = new Map<string, number>();
  const identityIds = new Map<string, number>();
  props.identities.forEach((identity, i) => {
    at(values.clientId(identity.clientId, `identities[${i}].clientId`));
    at(principalId(identity.principalId, `identities[${i}].principalId`));
    at(armResourceId(identity.resourceId, ArmResourceType.USER_ASSIGNED_IDENTITY, `identities[${i}].resourceId`));
    duplicate(`identities[${i}].clientId`, identity.clientId, clientIds, 'the client ID');
    duplicate(`identities[${i}].principalId`, identity.principalId, principalIds, 'the principal ID');
    duplicate(`identities[${i}].resourceId`, identity.resourceId, identityIds, 'the identity');
  });

  const vaultNames = new Map<string, number>();
  props.vaults.forEach((vault, i) => {
    const field = `vaults[${i}].resourceId`;
    const badId = armResourceId(vault.resourceId, ArmResourceType.KEY_VAULT, field);
    at(badId);
    if (badId) return;
    const name = parseArmId(vault.resourceId)!.name;
    at(errorAt(field, vault.resourceId, values.keyVaultName(name, field)));
    // Classes name their vault by name alone, so two vaults of one name could not be told apart.
    duplicate(field, vault.resourceId, vaultNames, `the vault name "${name}"`, name.toLowerCase());
  });

  const clusterNames = new Map<string, number>();
  const clusterIds = new Map<string, number>();
  props.clusters.forEach((cluster, i) => {
    at(armResourceId(cluster.resourceId, ArmResourceType.MANAGED_CLUSTER, `clusters[${i}].resourceId`));
    duplicate(`clusters[${i}].resourceId`, cluster.resourceId, clusterIds, 'the cluster');
    if (cluster.oidcIssuerUrl !== undefined) at(oidcIssuerUrl(cluster.oidcIssuerUrl, `clusters[${i}].oidcIssuerUrl`));
    if (cluster.name === undefined) {
      if (props.clusters.length > 1) {
        findings.push(error(`clusters[${i}].name`, cluster.name,
          `with ${props.clusters.length} clusters, each needs the name its charts give with the context key "${CLUSTER_CONTEXT_KEY}"`,
          `set \`name\` to that context value, e.g. chart.node.setContext("${CLUSTER_CONTEXT_KEY}", "aks-eastus") and name: "aks-eastus"`));
      }
    } else {
      if (cluster.name === '') {
        at(error(`clusters[${i}].name`, cluster.name, 'must not be empty', 'omit `name` for the app\'s one unnamed cluster, or use the value of the context key'));
      }
      // Context values are matched exactly, as the rest of the library does.
      const first = clusterNames.get(cluster.name);
      if (first !== undefined) {
        findings.push(error(`clusters[${i}].name`, cluster.name, `cluster entry ${first} already has this name`, 'give each cluster its own name'));
      } else {
        clusterNames.set(cluster.name, i);
      }
    }
  });
  return findings;
}

/** How a class, binding or workload uses an identity, for messages. */
export type IdentityUse = 'identity binding' | 'workload identity' | 'user-assigned VM managed identity';

/** A class reads a vault that `vaults` does not list. */
export function vaultNotListed(user: string, vaultName: string, listed: readonly string[]): Finding {
  return error('vaults', vaultName,
    `${user} reads Key Vault "${vaultName}", and no entry of vaults is that vault (${listed.length ? `listed: ${listed.join(', ')}` : 'none listed'}), so its access cannot be granted`,
    `add { resourceId: "/subscriptions/<subscription>/resourceGroups/<group>/providers/${ArmResourceType.KEY_VAULT}/${vaultName}" } to vaults (\`az keyvault show -n ${vaultName} --query id -o tsv\`)`);
}

/** A class or binding uses an identity that `identities` does not list. */
export function identityNotListed(user: string, clientId: string, use: IdentityUse): Finding {
  return error('identities', clientId,
    `${user} uses the managed identity with this client ID (${use}), and no entry of identities has it, so its principal and resource ID are unknown`,
    `add { clientId: "${clientId}", principalId, resourceId } to identities, from \`az identity list --query "[?clientId=='${clientId}'].{principalId: principalId, resourceId: id}"\` (AzureAccess grants only user-assigned managed identities)`);
}

/** Something deploys to a cluster that `clusters` does not list. */
export function clusterNotListed(user: string, cluster: string, why: string, listed: readonly (string | undefined)[]): Finding {
  const names = listed.map(name => name === undefined ? '(unnamed)' : `"${name}"`).join(', ');
  const where = cluster === ''
    ? `deploys to the app's one unnamed cluster (no "${CLUSTER_CONTEXT_KEY}" context), and no entry of clusters is unnamed`
    : `deploys to cluster "${cluster}" (context "${CLUSTER_CONTEXT_KEY}"), and no entry of clusters has that name`;
  return error('clusters', cluster, `${user} ${where} (${listed.length ? `listed: ${names}` : 'none listed'}); ${why}`,
    cluster === ''
      ? 'add { resourceId } for the cluster to clusters, without a name (or name every chart\'s cluster with the context key)'
      : `add { name: "${cluster}", resourceId } for the cluster to clusters`);
}

/** Workload identity on a cluster whose OIDC issuer is not given. */
export function issuerMissing(index: number, user: string, subject: string): Finding {
  return error(`clusters[${index}].oidcIssuerUrl`, undefined,
    `${user} mounts with workload identity on this cluster (${subject}), and its federated credential needs the cluster's OIDC issuer`,
    'set `oidcIssuerUrl` to `az aks show -g <group> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv` (the cluster needs --enable-oidc-issuer)');
}

/** A second `AzureAccess` in one app: both would derive the same objects. */
export function secondAzureAccess(firstPath: string | undefined, path: string, field: string): Finding | undefined {
  if (firstPath === undefined) return undefined;
  return error(field, path,
    `${firstPath} already writes the Azure side of this app (AzureAccess derives from every class in the app, so two would write the same objects)`,
    'keep one AzureAccess per app');
}
