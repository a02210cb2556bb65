import { IConstruct } from 'constructs';
import { CLUSTER_CONTEXT_KEY } from './constants';

/**
 * @internal
 * What the app-wide checks and derived settings need to know about a SecretProviderClass.
 */
export interface RegisteredClass {
  readonly node: IConstruct['node'];
  /** Service-account token audience the class's identity needs, if any. */
  readonly tokenAudience?: string;
  /** Whether the class syncs at least one Kubernetes Secret. */
  readonly syncsSecrets: boolean;
  /** Whether the class uses identity binding (provider v1.8.0+). */
  readonly usesIdentityBinding: boolean;
  /** In-provider path of the custom cloud environment file, if any. */
  readonly cloudEnvironmentFile?: string;
}

/** @internal A federated identity credential subject a workload identity needs. */
export interface FederatedSubject {
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * @internal
 * Per-app bookkeeping, filled as constructs are created and mounted, so that app-wide derived
 * settings and checks read a list instead of scanning the construct tree (fleet-scale apps have
 * tens of thousands of constructs).
 */
export class AppRegistry {
  public static of(scope: IConstruct): AppRegistry {
    const root = scope.node.root;
    let registry = REGISTRIES.get(root);
    if (!registry) {
      registry = new AppRegistry();
      REGISTRIES.set(root, registry);
    }
    return registry;
  }

  /** The cluster a construct deploys to: the context key, or one unnamed cluster per app. */
  public static clusterOf(scope: IConstruct): string {
    const cluster = scope.node.tryGetContext(CLUSTER_CONTEXT_KEY);
    return cluster === undefined ? '' : String(cluster);
  }

  /** Every `KeyVaultSecretProviderClass` in the app, in creation order. */
  public readonly classes: RegisteredClass[] = [];

  /** Federated subjects per workload-identity client ID, keyed by cluster/namespace/ServiceAccount. */
  public readonly federatedSubjects = new Map<string, Map<string, FederatedSubject>>();

  /** Identity binding constructs per `cluster` + client ID (one ClusterRole name per cluster). */
  public readonly identityBindings = new Map<string, IConstruct>();

  private constructor() {}

  /** Records a federated subject; returns whether the client ID was seen for the first time. */
  public addFederatedSubject(clientId: string, subject: FederatedSubject): boolean {
    let subjects = this.federatedSubjects.get(clientId);
    const first = subjects === undefined;
    if (!subjects) {
      subjects = new Map();
      this.federatedSubjects.set(clientId, subjects);
    }
    subjects.set(`${subject.cluster}\u0000${subject.namespace}\u0000${subject.serviceAccount}`, subject);
    return first;
  }
}

const REGISTRIES = new WeakMap<IConstruct, AppRegistry>();
