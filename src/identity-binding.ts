import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppRegistry } from './app-registry';
import { clusterScoped } from './cluster-scoped';
import { CLIENT_ID_ANNOTATION, IDENTITY_BINDING_API_GROUP, IDENTITY_BINDING_VERB } from './constants';
import { IdentityBindingIdentity, IIdentityBindingGrantor, KeyVaultIdentity } from './identity';
import * as rules from './validation';

/** Properties of an `AksIdentityBinding`. */
export interface AksIdentityBindingProps {
  /** Client ID of the user-assigned managed identity bound with `az aks identity-binding create`. */
  readonly clientId: string;

  /**
   * Name of the ClusterRole and ClusterRoleBinding.
   *
   * @default "use-mi-<clientId>" (as in the AKS documentation)
   */
  readonly name?: string;
}

/**
 * The Kubernetes side of an AKS identity binding for one managed identity: a ClusterRole that
 * allows `use-managed-identity` on the identity's client ID, and one ClusterRoleBinding whose
 * subjects are the ServiceAccounts granted with `grant()` or by mounting a class that uses
 * `identity`. The Azure side (`az aks identity-binding create`) puts one federated credential on
 * the identity for every cluster and workload.
 */
export class AksIdentityBinding extends Construct implements IIdentityBindingGrantor {
  /** Client ID of the managed identity. */
  public readonly clientId: string;
  /** The identity-binding identity for classes; mounting such a class grants the pod's ServiceAccount here. */
  public readonly identity: KeyVaultIdentity;
  /** The ClusterRole (`cid.wi.aks.azure.com`, resource = client ID, verb `use-managed-identity`). */
  public readonly clusterRole: ApiObject;
  /** The ClusterRoleBinding of the granted ServiceAccounts. */
  public readonly clusterRoleBinding: ApiObject;

  /** namespace/name → subject, in grant order: each ServiceAccount once, in O(1). */
  private readonly subjects = new Map<string, { kind: string; name: string; namespace: string }>();

  constructor(scope: Construct, id: string, props: AksIdentityBindingProps) {
    super(scope, id);
    rules.check(this, 'clientId', props.clientId, rules.clientId(props.clientId));
    const name = props.name ?? `use-mi-${props.clientId.toLowerCase()}`;
    rules.check(this, 'name', name, rules.dns1123Subdomain(name));
    this.clientId = props.clientId;

    this.clusterRole = new kplus.k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: clusterScoped({ name }),
      rules: [{ apiGroups: [IDENTITY_BINDING_API_GROUP], resources: [props.clientId], verbs: [IDENTITY_BINDING_VERB] }],
    });
    this.clusterRoleBinding = new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: clusterScoped({ name }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: Lazy.any({ produce: () => this.subjects.size ? [...this.subjects.values()] : undefined }),
    });
    this.identity = new IdentityBindingIdentity(props.clientId, false, this);
    this.register();
  }

  /** Lets the ServiceAccounts use the managed identity (each appears once in the binding). */
  public grant(...serviceAccounts: kplus.IServiceAccount[]): void {
    for (const serviceAccount of serviceAccounts) {
      const subject = serviceAccount.toSubjectConfiguration();
      rules.check(this, 'grant', subject.name, subject.namespace ? undefined : {
        rule: 'a ServiceAccount subject needs a namespace, and this ServiceAccount has none',
        fix: 'set the namespace of the ServiceAccount\'s chart or metadata',
      });
      this._grantSubject(subject.namespace!, subject.name);
    }
  }

  /**
   * Creates a ServiceAccount annotated with the identity's client ID and already granted.
   */
  public addServiceAccount(scope: Construct, id: string, props: kplus.ServiceAccountProps = {}): kplus.ServiceAccount {
    const serviceAccount = new kplus.ServiceAccount(scope, id, props);
    serviceAccount.metadata.addAnnotation(CLIENT_ID_ANNOTATION, this.clientId);
    this.grant(serviceAccount);
    return serviceAccount;
  }

  /** @internal */
  public _grantSubject(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    if (!this.subjects.has(key)) this.subjects.set(key, { kind: 'ServiceAccount', name, namespace });
  }

  /** One binding construct per identity and cluster: two would write the same ClusterRole name. */
  private register(): void {
    const cluster = AppRegistry.clusterOf(this);
    const bindings = AppRegistry.of(this).identityBindings;
    const key = `${cluster}\u0000${this.clientId}`;
    const existing = bindings.get(key);
    rules.check(this, 'clientId', this.clientId, existing ? {
      rule: `${existing.node.path} already binds this identity${cluster ? ` in cluster "${cluster}"` : ''}`,
      fix: 'reuse that AksIdentityBinding (grant() more ServiceAccounts), or name the charts\' clusters with the context key "cdk8s-azure-keyvault-csi/cluster"',
    } : undefined);
    bindings.set(key, this);
  }
}
