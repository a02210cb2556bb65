import { error, Finding } from './model';
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
