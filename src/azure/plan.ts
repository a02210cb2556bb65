import { GrantScope } from './grant-scope';
import * as names from './names';
import { AzureAccessCluster, AzureAccessIdentity, AzureAccessVault, VaultPermissionModel } from './resources';
import { BuiltInRole, KeyVaultObjectScope, ROLE_FOR_OBJECT_TYPE, serviceAccountSubject } from '../facts/azure';
import { IdentityMode } from '../facts/identity-mode';
import {
  clusterNotListed, IdentityUse, identityNotListed, issuerMissing, parseArmId, vaultNotListed,
} from '../rules/azure-access';
import { Finding } from '../rules/model';

/**
 * The Azure side of an app, derived from plain facts about it: which identity reads which objects
 * of which vault, which identities are bound to which clusters, which ServiceAccounts federate with
 * which identity. No cdk8s here: `AzureAccess` gathers the facts and turns the plan into objects.
 */

/** A SecretProviderClass, as the plan needs it. */
export interface ClassFact {
  readonly path: string;
  /** Context value of its cluster ('' = the one unnamed cluster). */
  readonly cluster: string;
  readonly keyVaultName: string;
  readonly identityMode: IdentityMode;
  readonly clientId?: string;
  readonly objects: readonly { readonly objectName: string; readonly objectType: string }[];
}

/** An `AksIdentityBinding`. */
export interface BindingFact {
  readonly path: string;
  readonly cluster: string;
  readonly clientId: string;
}

/** A ServiceAccount that mounts a class with workload identity. */
export interface SubjectFact {
  readonly clientId: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** What the plan is derived from. */
export interface AccessFacts {
  readonly identities: readonly AzureAccessIdentity[];
  readonly vaults: readonly AzureAccessVault[];
  readonly clusters: readonly AzureAccessCluster[];
  readonly grantScope: GrantScope;
  readonly classes: readonly ClassFact[];
  readonly bindings: readonly BindingFact[];
  readonly subjects: readonly SubjectFact[];
}

export interface RoleAssignmentPlan {
  readonly name: string;
  readonly azureName: string;
  /** ARM ID of the vault (or of one object in it). */
  readonly scope: string;
  readonly principalId: string;
  readonly role: BuiltInRole;
  readonly clientId: string;
}

export interface IdentityBindingPlan {
  /** Kubernetes name and `azureName`. */
  readonly name: string;
  readonly clusterId: string;
  readonly identityId: string;
  readonly clientId: string;
}

export interface FederatedCredentialPlan {
  readonly name: string;
  readonly azureName: string;
  readonly identityId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly clientId: string;
}

export interface AccessPolicyPlan {
  readonly name: string;
  readonly vaultId: string;
  readonly principalId: string;
  /** Provider `objectType` whose category is granted (`secret`, `key`, `cert`). */
  readonly objectType: string;
  readonly clientId: string;
}

/** Every object to write, each list sorted by name, and what is missing to write them. */
export interface AzureAccessPlan {
  readonly roleAssignments: RoleAssignmentPlan[];
  readonly identityBindings: IdentityBindingPlan[];
  readonly federatedCredentials: FederatedCredentialPlan[];
  readonly accessPolicies: AccessPolicyPlan[];
  readonly findings: Finding[];
}

/** Identity modes whose client ID names a user-assigned managed identity that `AzureAccess` grants. */
const USES: Partial<Record<IdentityMode, IdentityUse>> = {
  [IdentityMode.IDENTITY_BINDING]: 'identity binding',
  [IdentityMode.WORKLOAD_IDENTITY]: 'workload identity',
  [IdentityMode.VM_MANAGED_IDENTITY]: 'user-assigned VM managed identity',
};

interface Identity extends AzureAccessIdentity {
  readonly name: string;
}

interface Vault extends AzureAccessVault {
  readonly name: string;
}

export function planAzureAccess(facts: AccessFacts): AzureAccessPlan {
  const findings = new Map<string, Finding>(); // deduplicated: many classes may miss the same thing
  const report = (finding: Finding) => findings.set(`${finding.field}\u0000${finding.rule}`, finding);

  const identities = new Map(facts.identities.map(i => [i.clientId.toLowerCase(), { ...i, name: armName(i.resourceId) } as Identity]));
  const vaults = new Map(facts.vaults.map(v => [armName(v.resourceId).toLowerCase(), { ...v, name: armName(v.resourceId) } as Vault]));
  const clusterIndex = (cluster: string) => facts.clusters.findIndex(c => (c.name ?? '') === cluster);

  const roleAssignments = new Map<string, RoleAssignmentPlan>();
  const accessPolicies = new Map<string, AccessPolicyPlan>();
  const identityBindings = new Map<string, IdentityBindingPlan>();
  const federatedCredentials = new Map<string, FederatedCredentialPlan>();

  const grant = (identity: Identity, vault: Vault, objectType: string, objectName: string) => {
    const role = ROLE_FOR_OBJECT_TYPE[objectType];
    if (!role) return; // not a provider object type: the class's own validation reports it
    if (vault.permissionModel === VaultPermissionModel.ACCESS_POLICY) {
      // Access policies are per vault and category, whatever the grant scope.
      const name = names.accessPolicyName(vault.resourceId, identity.principalId, KeyVaultObjectScope[objectType], identity.name, vault.name);
      accessPolicies.set(name, { name, vaultId: vault.resourceId, principalId: identity.principalId, objectType, clientId: identity.clientId });
      return;
    }
    const perObject = facts.grantScope === GrantScope.OBJECT;
    const scope = perObject ? `${vault.resourceId}/${KeyVaultObjectScope[objectType]}/${objectName}` : vault.resourceId;
    const azureName = names.roleAssignmentAzureName(scope, identity.principalId, role);
    const scopeParts = perObject ? [vault.name, KeyVaultObjectScope[objectType], objectName] : [vault.name];
    const name = names.roleAssignmentName(identity.name, role, scopeParts, azureName);
    roleAssignments.set(name, { name, azureName, scope, principalId: identity.principalId, role, clientId: identity.clientId });
  };

  const bind = (user: string, identity: Identity, cluster: string) => {
    const index = clusterIndex(cluster);
    if (index < 0) {
      report(clusterNotListed(user, cluster, 'the identity binding of its identity names the cluster', facts.clusters.map(c => c.name)));
      return;
    }
    const clusterId = facts.clusters[index].resourceId;
    const name = names.identityBindingName(clusterId, identity.resourceId, identity.name);
    identityBindings.set(name, { name, clusterId, identityId: identity.resourceId, clientId: identity.clientId });
  };

  for (const cls of facts.classes) {
    const use = USES[cls.identityMode];
    if (!use || cls.clientId === undefined) continue; // no client ID: system-assigned, service principal, pod identity
    const identity = identities.get(cls.clientId.toLowerCase());
    if (!identity) report(identityNotListed(cls.path, cls.clientId, use));
    const vault = vaults.get(cls.keyVaultName.toLowerCase());
    if (!vault) report(vaultNotListed(cls.path, cls.keyVaultName, facts.vaults.map(v => armName(v.resourceId))));
    if (!identity) continue;
    if (vault) cls.objects.forEach(object => grant(identity, vault, object.objectType, object.objectName));
    if (cls.identityMode === IdentityMode.IDENTITY_BINDING) bind(cls.path, identity, cls.cluster);
  }

  for (const binding of facts.bindings) {
    const identity = identities.get(binding.clientId.toLowerCase());
    if (!identity) {
      report(identityNotListed(binding.path, binding.clientId, 'identity binding'));
      continue;
    }
    bind(binding.path, identity, binding.cluster);
  }

  for (const subject of facts.subjects) {
    const identity = identities.get(subject.clientId.toLowerCase());
    if (!identity) continue; // reported for the classes that use it
    // For messages only (a scan of the classes): the class that mounts with this identity there.
    const user = () => facts.classes
      .find(c => c.identityMode === IdentityMode.WORKLOAD_IDENTITY && c.clientId === subject.clientId && c.cluster === subject.cluster)?.path
      ?? `a workload with client ID ${subject.clientId}`;
    const sa = serviceAccountSubject(subject.namespace, subject.serviceAccount);
    const index = clusterIndex(subject.cluster);
    if (index < 0) {
      report(clusterNotListed(user(), subject.cluster, `the federated credential of ${sa} needs the cluster's OIDC issuer`, facts.clusters.map(c => c.name)));
      continue;
    }
    const cluster = facts.clusters[index];
    if (cluster.oidcIssuerUrl === undefined) {
      report(issuerMissing(index, user(), sa));
      continue;
    }
    const issuer = cluster.oidcIssuerUrl;
    const clusterName = armName(cluster.resourceId);
    const { namespace, serviceAccount } = subject;
    const azureName = names.federatedCredentialAzureName(identity.resourceId, issuer, sa, clusterName, namespace, serviceAccount);
    const name = names.federatedCredentialName(identity.resourceId, issuer, sa, identity.name, clusterName, namespace, serviceAccount);
    federatedCredentials.set(name, { name, azureName, identityId: identity.resourceId, issuer, subject: sa, clientId: identity.clientId });
  }

  return {
    roleAssignments: sorted(roleAssignments),
    identityBindings: sorted(identityBindings),
    federatedCredentials: sorted(federatedCredentials),
    accessPolicies: sorted(accessPolicies),
    findings: [...findings.values()],
  };
}

/** The resource name of a checked ARM ID (the props are checked before the plan is made). */
function armName(id: string): string {
  return parseArmId(id)?.name ?? id;
}

function sorted<T>(byName: Map<string, T>): T[] {
  return [...byName.keys()].sort().map(name => byName.get(name)!);
}
