import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IIdentityBindingGrantor, KeyVaultIdentity } from './identity';
import { clusterScoped } from '../app/cluster-scoped';
import { check } from '../app/errors';
import { AppRegistry } from '../app/registry';
import { CLIENT_ID_ANNOTATION, IDENTITY_BINDING_API_GROUP, IDENTITY_BINDING_VERB } from '../facts/constants';
import { bindingNamePrefix, bindingPairName, grantedNamespace, uniqueBinding } from '../rules/identity';
import * as types from '../rules/types';
import * as rules from '../rules/values';

/** Properties of an `AksIdentityBinding`. */
export interface AksIdentityBindingProps {
  /** Client ID of the user-assigned managed identity bound with `az aks identity-binding create`. */
  readonly clientId: string;

  /**
   * Prefix of the ClusterRole and ClusterRoleBinding names: each namespace with granted
   * ServiceAccounts gets its own pair, named `<name>-<namespace>` (at most 189 characters, so that
   * any namespace fits the 253 of a Kubernetes name).
   *
   * @default "use-mi-<clientId>" (lowercased), giving "use-mi-<clientId>-<namespace>" as in the provider's e2e tests
   */
  readonly name?: string;
}

/** A namespace's ClusterRole, ClusterRoleBinding and granted ServiceAccounts. */
interface NamespaceRbac {
  readonly clusterRole: ApiObject;
  readonly clusterRoleBinding: ApiObject;
  /** name → subject, in grant order: each ServiceAccount once, in O(1). */
  readonly subjects: Map<string, { kind: string; name: string; namespace: string }>;
}

/**
 * The Kubernetes side of an AKS identity binding for one managed identity: per namespace with
 * granted ServiceAccounts, a ClusterRole that allows `use-managed-identity` on the identity's
 * client ID and a ClusterRoleBinding of that namespace's ServiceAccounts (granted with `grant()`,
 * `addServiceAccount()` or by mounting a class that uses `identity`). Pairs are named
 * `<name>-<namespace>`, so apps that grant the same identity in different namespaces of one
 * cluster never overwrite each other's bindings. The Azure side (`az aks identity-binding create`)
 * puts one federated credential on the identity for every cluster and workload.
 */
export class AksIdentityBinding extends Construct implements IIdentityBindingGrantor {
  /** Client ID of the managed identity. */
  public readonly clientId: string;
  /** The identity-binding identity for classes; mounting such a class grants the pod's ServiceAccount here. */
  public readonly identity: KeyVaultIdentity;
  /** Prefix of the ClusterRole and ClusterRoleBinding names (`<name>-<namespace>`). */
  public readonly name: string;

  /** Per namespace, created when the namespace is first granted. */
  private readonly rbac = new Map<string, NamespaceRbac>();

  constructor(scope: Construct, id: string, props: AksIdentityBindingProps) {
    super(scope, id);
    props = props ?? {};
    check(this, [
      types.requiredString(props.clientId, 'clientId', '00000000-0000-0000-0000-000000000000') ?? rules.clientId(props.clientId, 'clientId'),
      types.optionalString(props.name, 'name', 'use-mi-kv-reader'),
    ]);
    const name = props.name ?? `use-mi-${props.clientId.toLowerCase()}`;
    check(this, rules.dns1123Subdomain(name, 'name') ?? bindingNamePrefix(name, 'name'));
    this.clientId = props.clientId;
    this.name = name;
    this.identity = KeyVaultIdentity._boundTo(props.clientId, this);
    this.register();
  }

  /** The namespaces with granted ServiceAccounts, sorted. */
  public get namespaces(): string[] {
    return [...this.rbac.keys()].sort();
  }

  /** The ClusterRoles (`cid.wi.aks.azure.com`, resource = client ID, verb `use-managed-identity`), one per namespace, sorted by namespace. */
  public get clusterRoles(): ApiObject[] {
    return this.namespaces.map(namespace => this.rbac.get(namespace)!.clusterRole);
  }

  /** The ClusterRoleBindings of the granted ServiceAccounts, one per namespace, sorted by namespace. */
  public get clusterRoleBindings(): ApiObject[] {
    return this.namespaces.map(namespace => this.rbac.get(namespace)!.clusterRoleBinding);
  }

  /** Lets the ServiceAccounts use the managed identity (each appears once, in its namespace's ClusterRoleBinding). */
  public grant(...serviceAccounts: kplus.IServiceAccount[]): void {
    for (const serviceAccount of serviceAccounts) {
      const subject = serviceAccount.toSubjectConfiguration();
      check(this, grantedNamespace(subject.namespace, subject.name, 'grant'));
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

  /** @internal Grants one ServiceAccount; may run at synth (deferred mounts), creating the namespace's pair then. */
  public _grantSubject(namespace: string, name: string): void {
    const rbac = this.rbac.get(namespace) ?? this.createRbac(namespace);
    if (rbac.subjects.has(name)) return;
    rbac.subjects.set(name, { kind: 'ServiceAccount', name, namespace });
    AppRegistry.of(this).changed(); // the rendered check reads the subjects
  }

  private createRbac(namespace: string): NamespaceRbac {
    const name = `${this.name}-${namespace}`;
    check(this, bindingPairName(name, namespace, 'name'));
    const subjects = new Map<string, { kind: string; name: string; namespace: string }>();
    const clusterRole = new kplus.k8s.KubeClusterRole(this, `ClusterRole-${namespace}`, {
      metadata: clusterScoped({ name }),
      rules: [{ apiGroups: [IDENTITY_BINDING_API_GROUP], resources: [this.clientId], verbs: [IDENTITY_BINDING_VERB] }],
    });
    const clusterRoleBinding = new kplus.k8s.KubeClusterRoleBinding(this, `ClusterRoleBinding-${namespace}`, {
      metadata: clusterScoped({ name }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: Lazy.any({ produce: () => [...subjects.values()] }),
    });
    const rbac = { clusterRole, clusterRoleBinding, subjects };
    this.rbac.set(namespace, rbac);
    return rbac;
  }

  /** One binding construct per identity and cluster: two would write the same ClusterRole name. */
  private register(): void {
    const cluster = AppRegistry.clusterOf(this);
    const bindings = AppRegistry.of(this).identityBindings;
    const key = `${cluster}\u0000${this.clientId}`;
    const existing = bindings.get(key);
    check(this, uniqueBinding(existing?.node.path, this.clientId, cluster, 'clientId'));
    bindings.set(key, this);
    const registry = AppRegistry.of(this);
    registry.checkRenderedObjects({ scope: this, cluster, objects: () => [...this.clusterRoles, ...this.clusterRoleBindings] });
    registry.addValidation(this, () => registry.findingsOf(this).map(f => f.message));
  }
}
