import { error, Finding } from './model';
import { dns1123Subdomain } from './values';
import { FEDERATED_CREDENTIAL_LIMIT } from '../facts/constants';

/**
 * Identity rules over a whole app or manifest set. The single-value rules (client ID, tenant,
 * placeholders) are in src/rules/values.ts.
 */

/**
 * Entra ID allows 20 federated identity credentials per identity: one per cluster, namespace and
 * ServiceAccount with workload identity, and one more for all of AKS identity binding
 * (`az aks identity-binding create` adds it), which leaves 19 for workload identity.
 * https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations
 */
export function federatedCredentialBudget(clientId: string, subjects: number, identityBindingOnSameIdentity: boolean): Finding | undefined {
  const budget = FEDERATED_CREDENTIAL_LIMIT - (identityBindingOnSameIdentity ? 1 : 0);
  if (subjects <= budget) return undefined;
  const why = identityBindingOnSameIdentity
    ? `Entra ID allows ${FEDERATED_CREDENTIAL_LIMIT} per identity, and identity binding on this identity (az aks identity-binding create) already uses one, leaving ${budget}`
    : `Entra ID allows ${FEDERATED_CREDENTIAL_LIMIT} per identity`;
  return error('clientID', clientId,
    `workload identity needs one federated identity credential per cluster, namespace and ServiceAccount that mounts it: ${subjects} here, and ${why} (FederatedCredentials.of(app) lists them)`,
    'use AKS identity binding (new AksIdentityBinding(chart, id, { clientId }) and its `identity`): one credential serves every workload and cluster');
}

/**
 * Identity binding grants the pod's ServiceAccount through an `AksIdentityBinding` for the client
 * ID in the same cluster; without one (and without externally managed RBAC) the proxy refuses the token.
 */
export function identityBindingGrantor(found: boolean, clientId: string, cluster: string, field: string): Finding | undefined {
  if (found) return undefined;
  return error(field, clientId,
    `no AksIdentityBinding for this client ID${cluster ? ` in cluster "${cluster}"` : ''} grants the pod's ServiceAccount the use of the managed identity`,
    'create `new AksIdentityBinding(chart, id, { clientId })` and use its `identity`, or set `externallyManagedRbac: true` if the ClusterRole and binding are managed elsewhere');
}

/** A mounting pod that signs in as itself needs a named ServiceAccount: granting "default" would grant every pod without one. */
export function subjectServiceAccount(serviceAccount: string | undefined, why: string, field: string): Finding | undefined {
  if (serviceAccount) return undefined;
  return error(field, serviceAccount,
    `the pod names no ServiceAccount, and ${why} (granting the namespace's "default" ServiceAccount would let every pod without one use the identity)`,
    'give the workload a ServiceAccount (e.g. `serviceAccount: binding.addServiceAccount(chart, id)`), or set `externallyManagedRbac: true` if the RBAC is managed elsewhere');
}

/** A ServiceAccount subject (RBAC, federated credential) is `<namespace>:<name>`: the pod needs a namespace. */
export function subjectNamespace(namespace: string | undefined, why: string, field: string): Finding | undefined {
  if (namespace) return undefined;
  return error(field, namespace, `the pod has no namespace, and ${why} (a ServiceAccount subject needs one)`, 'set the chart\'s or the workload\'s namespace');
}

/** Longest `AksIdentityBinding` name prefix that leaves room for "-" and a 63-character namespace within 253. */
export const BINDING_NAME_PREFIX_MAX = 253 - 1 - 63;

/** The prefix of the per-namespace ClusterRole/ClusterRoleBinding names. */
export function bindingNamePrefix(name: string, field: string): Finding | undefined {
  if (name.length <= BINDING_NAME_PREFIX_MAX) return undefined;
  return error(field, name,
    `the ClusterRole and ClusterRoleBinding are named "<name>-<namespace>", at most 253 characters, and a namespace may have 63: name has at most ${BINDING_NAME_PREFIX_MAX} (this one has ${name.length})`,
    'use a shorter name, e.g. "use-mi-kv-reader"');
}

/** One `AksIdentityBinding` per identity and cluster: two would write the same ClusterRole names. */
export function uniqueBinding(existingPath: string | undefined, clientId: string, cluster: string, field: string): Finding | undefined {
  if (existingPath === undefined) return undefined;
  return error(field, clientId, `${existingPath} already binds this identity${cluster ? ` in cluster "${cluster}"` : ''}`,
    'reuse that AksIdentityBinding (grant() more ServiceAccounts), or name the charts\' clusters with the context key "cdk8s-azure-keyvault-csi/cluster"');
}

/** A ServiceAccount granted by `AksIdentityBinding.grant()` must have a namespace. */
export function grantedNamespace(namespace: string | undefined, name: string, field: string): Finding | undefined {
  if (namespace) return undefined;
  return error(field, name, 'a ServiceAccount subject needs a namespace, and this ServiceAccount has none', 'set the namespace of the ServiceAccount\'s chart or metadata');
}

/** A namespace's ClusterRole/ClusterRoleBinding name `<prefix>-<namespace>` is a Kubernetes name. */
export function bindingPairName(name: string, namespace: string, field: string): Finding | undefined {
  const broken = dns1123Subdomain(name, field);
  return broken && error(field, name,
    `the ClusterRole and ClusterRoleBinding for namespace "${namespace}" are named "<name>-<namespace>", which must be a DNS-1123 subdomain of at most 253 characters`,
    'use a shorter `name`, or a namespace that is a DNS-1123 label');
}
