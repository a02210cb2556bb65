import { IConstruct } from 'constructs';
import { MountedWorkload, SynthesizedPod } from './workload';
import { check, describeFindings } from '../app/errors';
import { AppRegistry } from '../app/registry';
import { Audience, Param, POD_IDENTITY_LABEL } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import { federatedCredentialBudget } from '../rules/identity';
import * as rules from '../rules/values';

/** Options for `KeyVaultIdentity.identityBinding`. */
export interface IdentityBindingOptions {
  /** Client ID of the user-assigned managed identity bound to the cluster with `az aks identity-binding create`. */
  readonly clientId: string;

  /**
   * Whether the ClusterRole/ClusterRoleBinding that lets ServiceAccounts use the identity are
   * managed outside this app. When false, `mount()` grants the pod's ServiceAccount through the
   * app's `AksIdentityBinding` for this client ID (an error if there is none).
   *
   * @default false
   */
  readonly externallyManagedRbac?: boolean;
}

/** Options for `KeyVaultIdentity.workloadIdentity`. */
export interface WorkloadIdentityOptions {
  /** Client ID of the Entra application or user-assigned managed identity with a federated credential for the pod's ServiceAccount. */
  readonly clientId: string;
}

/** Options for `KeyVaultIdentity.vmManagedIdentity`. */
export interface VmManagedIdentityOptions {
  /**
   * Client ID of a user-assigned identity on the node pool (e.g. the AKS kubelet identity).
   *
   * @default - the node's system-assigned identity
   */
  readonly userAssignedClientId?: string;
}

/** Options for `KeyVaultIdentity.servicePrincipal`. */
export interface ServicePrincipalOptions {
  /**
   * Name of the Secret, in the pod's namespace, with the keys `clientid` and `clientsecret`.
   * Create it outside the manifests (the library never writes secret values), labelled
   * `secrets-store.csi.k8s.io/used: "true"` for drivers up to v1.5.
   */
  readonly secretName: string;
}

/** Options for `KeyVaultIdentity.podIdentity`. */
export interface PodIdentityOptions {
  /** The `AzureIdentityBinding` selector, set as the pod label `aadpodidbinding`. */
  readonly selector: string;
}

/**
 * @internal
 * Something that can let a ServiceAccount use a managed identity (an `AksIdentityBinding`).
 */
export interface IIdentityBindingGrantor extends IConstruct {
  /** @internal */
  _grantSubject(namespace: string, name: string): void;
}

/**
 * How the provider signs in to Azure. Each identity contributes the SecretProviderClass
 * parameters, what a mounting pod needs, and the service-account token audience the CSIDriver
 * must request.
 */
export abstract class KeyVaultIdentity {
  /**
   * AKS identity binding: `useAzureTokenProxy: "true"` and `clientID`. Needs provider v1.8.0+, the
   * CSIDriver audience `api://AKSIdentityBinding` and RBAC letting the pod's ServiceAccount use the
   * identity. Prefer `AksIdentityBinding.identity`, which also grants that RBAC on `mount()`.
   */
  public static identityBinding(options: IdentityBindingOptions): KeyVaultIdentity {
    return new IdentityBindingIdentity(options.clientId, options.externallyManagedRbac ?? false);
  }

  /** Microsoft Entra Workload ID: `clientID`; the CSIDriver must request `api://AzureADTokenExchange`. */
  public static workloadIdentity(options: WorkloadIdentityOptions): KeyVaultIdentity {
    return new WorkloadIdentity(options.clientId);
  }

  /** The node's managed identity: `useVMManagedIdentity: "true"`, user-assigned when a client ID is given. */
  public static vmManagedIdentity(options: VmManagedIdentityOptions = {}): KeyVaultIdentity {
    return new VmManagedIdentity(options.userAssignedClientId);
  }

  /** A service principal from a Kubernetes Secret, passed as the volume's `nodePublishSecretRef`. */
  public static servicePrincipal(options: ServicePrincipalOptions): KeyVaultIdentity {
    return new ServicePrincipalIdentity(options.secretName);
  }

  /**
   * aad-pod-identity: `usePodIdentity: "true"` and the pod label `aadpodidbinding`.
   * Deprecated upstream in favour of workload identity and identity binding; Linux nodes only.
   */
  public static podIdentity(options: PodIdentityOptions): KeyVaultIdentity {
    return new PodIdentity(options.selector);
  }

  /** How the provider signs in. */
  public abstract readonly mode: IdentityMode;

  /**
   * Client ID written as the `clientID` parameter, or of the user-assigned VM identity.
   *
   * @default - none (system-assigned VM identity, service principal, pod identity)
   */
  public readonly clientId?: string;

  /**
   * Service-account token audience the CSIDriver must request for this identity.
   *
   * @default - none needed
   */
  public readonly tokenAudience?: string;

  protected constructor(clientId?: string, tokenAudience?: string) {
    this.clientId = clientId;
    this.tokenAudience = tokenAudience;
  }

  /** @internal Checks the identity's values; `scope` is the class using it. */
  public _validate(scope: IConstruct): void {
    if (this.clientId !== undefined) check(scope, 'identity.clientId', this.clientId, rules.clientId(this.clientId));
  }

  /** @internal SecretProviderClass parameters, exactly as the provider reads them. */
  public abstract _parameters(): Record<string, string>;

  /** @internal What a workload mounting a class with this identity needs (RBAC grant, label, records). */
  public _bind(_workload: MountedWorkload): void {}

  /** @internal Secret passed as the volume's `nodePublishSecretRef`, if any. */
  public get _nodePublishSecretName(): string | undefined {
    return undefined;
  }
}

/** @internal */
export class IdentityBindingIdentity extends KeyVaultIdentity {
  public readonly mode = IdentityMode.IDENTITY_BINDING;

  /**
   * @param grantor the binding that grants mounting ServiceAccounts; looked up in the app when omitted
   */
  constructor(clientId: string, private readonly externallyManagedRbac: boolean, private readonly grantor?: IIdentityBindingGrantor) {
    super(clientId, Audience.IDENTITY_BINDING);
  }

  public _parameters(): Record<string, string> {
    return { [Param.USE_AZURE_TOKEN_PROXY]: 'true', [Param.CLIENT_ID]: this.clientId! };
  }

  public _bind(workload: MountedWorkload): void {
    // Externally managed RBAC: nothing to grant, so the namespace's default ServiceAccount is fine.
    if (this.externallyManagedRbac) return;
    // At synth: the ServiceAccount and the AksIdentityBinding may both come after mount().
    workload.atSynth(pod => {
      const subject = requireSubject(workload, pod, 'identity binding grants the use of the managed identity to the pod\'s ServiceAccount');
      if (!subject) return;
      const cluster = AppRegistry.clusterOf(workload.scope);
      const grantor = this.grantor ?? AppRegistry.of(workload.scope).identityBindings.get(`${cluster}\u0000${this.clientId}`) as IIdentityBindingGrantor | undefined;
      if (!pod.check('identity', this.clientId, grantor ? undefined : {
        rule: `no AksIdentityBinding for this client ID${cluster ? ` in cluster "${cluster}"` : ''} grants the pod's ServiceAccount the use of the managed identity`,
        fix: 'create `new AksIdentityBinding(chart, id, { clientId })` and use its `identity`, or set `externallyManagedRbac: true` if the ClusterRole and binding are managed elsewhere',
      })) return;
      grantor!._grantSubject(subject.namespace, subject.serviceAccount);
    });
  }
}

class WorkloadIdentity extends KeyVaultIdentity {
  public readonly mode = IdentityMode.WORKLOAD_IDENTITY;

  constructor(clientId: string) {
    super(clientId, Audience.WORKLOAD_IDENTITY);
  }

  public _parameters(): Record<string, string> {
    return { [Param.CLIENT_ID]: this.clientId! };
  }

  /** Records the federated credential subject at synth; the first mount of a client ID checks its budget at synth. */
  public _bind(workload: MountedWorkload): void {
    const namespace = workload.namespace;
    check(workload.scope, 'metadata.namespace', namespace, namespace ? undefined : {
      rule: 'workload identity needs the pod\'s namespace: the federated credential subject is system:serviceaccount:<namespace>:<serviceaccount>',
      fix: 'set the chart\'s or the workload\'s namespace',
    });
    const registry = AppRegistry.of(workload.scope);
    const cluster = AppRegistry.clusterOf(workload.scope);
    // Registered now, not at synth: a validation added while cdk8s validates would run too late.
    if (!registry.federatedSubjects.has(this.clientId!)) {
      registry.federatedSubjects.set(this.clientId!, new Map());
      workload.classScope.node.addValidation({ validate: () => this.checkCredentialBudget(registry) });
    }
    workload.atSynth(pod => registry.addFederatedSubject(this.clientId!, {
      cluster, namespace: namespace!, serviceAccount: pod.serviceAccountName ?? 'default',
    }));
  }

  private checkCredentialBudget(registry: AppRegistry): string[] {
    registry.settle();
    const needed = registry.federatedSubjects.get(this.clientId!)!.size;
    // `az aks identity-binding create` puts one more credential on the identity, whatever the cluster.
    const bound = [...registry.identityBindings.keys()].some(key => key.toLowerCase().endsWith(`\u0000${this.clientId!.toLowerCase()}`));
    const problem = federatedCredentialBudget(this.clientId!, needed, bound);
    return problem ? describeFindings([problem], () => 'identity.clientId') : [];
  }
}

class VmManagedIdentity extends KeyVaultIdentity {
  public readonly mode = IdentityMode.VM_MANAGED_IDENTITY;

  public _parameters(): Record<string, string> {
    const parameters: Record<string, string> = { [Param.USE_VM_MANAGED_IDENTITY]: 'true' };
    // System-assigned: no userAssignedIdentityID at all (v1.8.1+ treats absent and "" alike).
    if (this.clientId !== undefined) parameters[Param.USER_ASSIGNED_IDENTITY_ID] = this.clientId;
    return parameters;
  }
}

class ServicePrincipalIdentity extends KeyVaultIdentity {
  public readonly mode = IdentityMode.SERVICE_PRINCIPAL;

  constructor(private readonly secretName: string) {
    super();
  }

  public _validate(scope: IConstruct): void {
    check(scope, 'identity.secretName', this.secretName, rules.dns1123Subdomain(this.secretName));
  }

  public _parameters(): Record<string, string> {
    return {}; // no mode flag and no clientID: the provider falls back to nodePublishSecretRef
  }

  public get _nodePublishSecretName(): string {
    return this.secretName;
  }
}

class PodIdentity extends KeyVaultIdentity {
  public readonly mode = IdentityMode.POD_IDENTITY;

  constructor(private readonly selector: string) {
    super();
  }

  public _validate(scope: IConstruct): void {
    check(scope, 'identity.selector', this.selector, rules.podIdentitySelector(this.selector));
  }

  public _parameters(): Record<string, string> {
    return { [Param.USE_POD_IDENTITY]: 'true' };
  }

  public _bind(workload: MountedWorkload): void {
    workload.atSynth(pod => pod.addLabel(POD_IDENTITY_LABEL, this.selector));
  }
}

/** The namespace and ServiceAccount of a mounting workload, or (reported at synth) why they are needed. */
function requireSubject(workload: MountedWorkload, pod: SynthesizedPod, why: string): { namespace: string; serviceAccount: string } | undefined {
  const serviceAccount = pod.serviceAccountName;
  const hasAccount = pod.check('serviceAccountName', serviceAccount, serviceAccount ? undefined : {
    rule: `the pod names no ServiceAccount, and ${why} (granting the namespace's "default" ServiceAccount would let every pod without one use the identity)`,
    fix: 'give the workload a ServiceAccount (e.g. `serviceAccount: binding.addServiceAccount(chart, id)`), or set `externallyManagedRbac: true` if the RBAC is managed elsewhere',
  });
  const hasNamespace = pod.check('metadata.namespace', workload.namespace, workload.namespace ? undefined : {
    rule: `the pod has no namespace, and ${why} (a ServiceAccount subject needs one)`,
    fix: 'set the chart\'s or the workload\'s namespace',
  });
  return hasAccount && hasNamespace ? { namespace: workload.namespace!, serviceAccount: serviceAccount! } : undefined;
}
