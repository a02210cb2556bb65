import { IConstruct } from 'constructs';
import { AppRegistry } from '../app/registry';
import { serviceAccountSubject } from '../facts/azure';
import { CLUSTER_CONTEXT_KEY, FEDERATED_CREDENTIAL_LIMIT } from '../facts/constants';

/**
 * The federated identity credentials one workload identity needs on one cluster.
 */
export interface FederatedCredential {
  /** Client ID of the Entra application or user-assigned managed identity. */
  readonly clientId: string;

  /**
   * The cluster, as named by the construct context key `cdk8s-azure-keyvault-csi/cluster`.
   *
   * @default - the app is one unnamed cluster
   */
  readonly cluster?: string;

  /**
   * One credential subject per ServiceAccount (`system:serviceaccount:<namespace>:<name>`), each
   * with the cluster's OIDC issuer and audience `api://AzureADTokenExchange`.
   */
  readonly subjects: string[];
}

/**
 * What Azure needs for the workload identities in an app: the federated credential subjects per
 * identity and cluster, derived from the pods that mount classes using them. Synth fails when an
 * identity needs more than Entra ID's 20 credentials; AKS identity binding avoids the limit.
 * An identity that is also used with AKS identity binding (an `AksIdentityBinding` for its client
 * ID anywhere in the app) has one credential fewer: `az aks identity-binding create` adds one
 * (named `aks-identity-binding`, not listed here), leaving 19 for workload identity.
 */
export class FederatedCredentials {
  /** Construct context key that names the cluster a chart (or any ancestor scope) deploys to. */
  public static readonly CLUSTER_CONTEXT_KEY = CLUSTER_CONTEXT_KEY;

  /** Federated identity credentials Entra ID allows per application or managed identity. */
  public static readonly LIMIT = FEDERATED_CREDENTIAL_LIMIT;

  /**
   * The credentials each workload identity in the app needs, per cluster, sorted by client ID,
   * cluster and subject. Call it once the workloads are complete (e.g. right before or after `app.synth()`).
   * Identity binding's single credential is created by `az aks identity-binding create` and is
   * not listed.
   */
  public static of(scope: IConstruct): FederatedCredential[] {
    const credentials: FederatedCredential[] = [];
    const registry = AppRegistry.of(scope);
    registry.settle(false); // subjects are recorded when mounts settle (the ServiceAccount may come after mount())
    for (const clientId of [...registry.federatedSubjects.keys()].sort()) {
      const byCluster = new Map<string, Set<string>>();
      for (const subject of registry.federatedSubjects.get(clientId)!.values()) {
        const subjects = byCluster.get(subject.cluster) ?? new Set<string>();
        subjects.add(serviceAccountSubject(subject.namespace, subject.serviceAccount));
        byCluster.set(subject.cluster, subjects);
      }
      for (const cluster of [...byCluster.keys()].sort()) {
        credentials.push({ clientId, cluster: cluster || undefined, subjects: [...byCluster.get(cluster)!].sort() });
      }
    }
    return credentials;
  }

  private constructor() {}
}
