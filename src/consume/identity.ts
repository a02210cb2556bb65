import { IConstruct } from 'constructs';
import { MountedWorkload, SynthesizedPod } from './workload';
import { check, describeFindings } from '../app/errors';
import { AppRegistry } from '../app/registry';
import { Audience, Param, POD_IDENTITY_LABEL } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import {
  federatedCredentialBudget, identityBindingGrantor, subjectNamespace, subjectServiceAccount,
} from '../rules/identity';
import { Finding } from '../rules/model';
import * as types from '../rules/types';
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
 * How one identity mode signs in: the parameters it writes, its checks, and what a mounting
 * workload needs. `KeyVaultIdentity` delegates to one of these (the strategy), so that its own
 * API has no constructor users could call.
 */
interface SignIn {
  readonly mode: IdentityMode;
  readonly clientId?: string;
  readonly tokenAudience?: string;
  /** Secret passed as the volume's `nodePublishSecretRef`. */
  readonly nodePublishSecretName?: string;
  /** The option values, checked when a class uses the identity (`field` prefixes the option names). */
  findings(field: string): (Finding | undefined)[];
  parameters(): Record<string, string>;
  bind(workload: MountedWorkload): void;
}

/**
 * How the provider signs in to Azure. Each identity contributes the SecretProviderClass
 * parameters, what a mounting pod needs, and the service-account token audience the CSIDriver
 * must request.
 */
export class KeyVaultIdentity {
  /**
   * AKS identity binding: `useAzureTokenProxy: "true"` and `clientID`. Needs provider v1.8.1+, the
   * CSIDriver audience `api://AKSIdentityBinding` and RBAC letting the pod's ServiceAccount use the
   * identity. Prefer `AksIdentityBinding.identity`, which also grants that RBAC on `mount()`.
   */
  public static identityBinding(options: IdentityBindingOptions): KeyVaultIdentity {
    return new KeyVaultIdentity(identityBinding(options ?? {}));
  }

  /** Microsoft Entra Workload ID: `clientID`; the CSIDriver must request `api://AzureADTokenExchange`. */
  public static workloadIdentity(options: WorkloadIdentityOptions): KeyVaultIdentity {
    return new KeyVaultIdentity(workloadIdentity(options ?? {}));
  }

  /** The node's managed identity: `useVMManagedIdentity: "true"`, user-assigned when a client ID is given. */
  public static vmManagedIdentity(options: VmManagedIdentityOptions = {}): KeyVaultIdentity {
    return new KeyVaultIdentity(vmManagedIdentity(options ?? {}));
  }

  /** A service principal from a Kubernetes Secret, passed as the volume's `nodePublishSecretRef`. */
  public static servicePrincipal(options: ServicePrincipalOptions): KeyVaultIdentity {
    return new KeyVaultIdentity(servicePrincipal(options ?? {}));
  }

  /**
   * aad-pod-identity: `usePodIdentity: "true"` and the pod label `aadpodidbinding`.
   * Deprecated upstream in favour of workload identity and identity binding; Linux nodes only.
   */
  public static podIdentity(options: PodIdentityOptions): KeyVaultIdentity {
    return new KeyVaultIdentity(podIdentity(options ?? {}));
  }

  /** @internal The identity of an `AksIdentityBinding`: mounts grant through `grantor`. */
  public static _boundTo(clientId: string, grantor: IIdentityBindingGrantor): KeyVaultIdentity {
    return new KeyVaultIdentity(identityBinding({ clientId }, grantor));
  }

  /** How the provider signs in. */
  public readonly mode: IdentityMode;

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

  private constructor(private readonly signIn: SignIn) {
    this.mode = signIn.mode;
    this.clientId = signIn.clientId;
    this.tokenAudience = signIn.tokenAudience;
  }

  /** @internal Checks the identity's options; `scope` is the class using it. */
  public _validate(scope: IConstruct): void {
    check(scope, this.signIn.findings('identity'));
  }

  /** @internal SecretProviderClass parameters, exactly as the provider reads them. */
  public _parameters(): Record<string, string> {
    return this.signIn.parameters();
  }

  /** @internal What a workload mounting a class with this identity needs (RBAC grant, label, records). */
  public _bind(workload: MountedWorkload): void {
    this.signIn.bind(workload);
  }

  /** @internal Secret passed as the volume's `nodePublishSecretRef`, if any. */
  public get _nodePublishSecretName(): string | undefined {
    return this.signIn.nodePublishSecretName;
  }
}

/** A client ID option: a string, then a GUID. */
function clientIdFindings(value: unknown, field: string): (Finding | undefined)[] {
  return [types.requiredString(value, field, '00000000-0000-0000-0000-000000000000') ?? rules.clientId(value as string, field)];
}

/** `grantor`: the binding that grants mounting ServiceAccounts; looked up in the app when omitted. */
function identityBinding(options: IdentityBindingOptions, grantor?: IIdentityBindingGrantor): SignIn {
  const clientId = options.clientId;
  const externallyManagedRbac = options.externallyManagedRbac === true;
  return {
    mode: IdentityMode.IDENTITY_BINDING,
    clientId,
    tokenAudience: Audience.IDENTITY_BINDING,
    findings: field => [
      ...clientIdFindings(clientId, `${field}.clientId`),
      types.optionalBoolean(options.externallyManagedRbac, `${field}.externallyManagedRbac`),
    ],
    parameters: () => ({ [Param.USE_AZURE_TOKEN_PROXY]: 'true', [Param.CLIENT_ID]: clientId }),
    bind: workload => {
      // Externally managed RBAC: nothing to grant, so the namespace's default ServiceAccount is fine.
      if (externallyManagedRbac) return;
      // At synth: the ServiceAccount and the AksIdentityBinding may both come after mount().
      workload.atSynth(pod => {
        const subject = requireSubject(workload, pod, 'identity binding grants the use of the managed identity to the pod\'s ServiceAccount');
        if (!subject) return;
        const cluster = AppRegistry.clusterOf(workload.scope);
        const found = grantor ?? AppRegistry.of(workload.scope).identityBindings.get(`${cluster}\u0000${clientId}`) as IIdentityBindingGrantor | undefined;
        if (!pod.report(identityBindingGrantor(found !== undefined, clientId, cluster, 'identity'))) return;
        found!._grantSubject(subject.namespace, subject.serviceAccount);
      });
    },
  };
}

function workloadIdentity(options: WorkloadIdentityOptions): SignIn {
  const clientId = options.clientId;
  return {
    mode: IdentityMode.WORKLOAD_IDENTITY,
    clientId,
    tokenAudience: Audience.WORKLOAD_IDENTITY,
    findings: field => clientIdFindings(clientId, `${field}.clientId`),
    parameters: () => ({ [Param.CLIENT_ID]: clientId }),
    /** Records the federated credential subject at synth; the first mount of a client ID checks its budget at synth. */
    bind: workload => {
      const namespace = workload.namespace;
      check(workload.scope, subjectNamespace(namespace, 'workload identity needs a federated credential for system:serviceaccount:<namespace>:<serviceaccount>', 'metadata.namespace'));
      const registry = AppRegistry.of(workload.scope);
      const cluster = AppRegistry.clusterOf(workload.scope);
      // One budget check per client ID, reported on the first class that uses it.
      if (!registry.federatedSubjects.has(clientId)) {
        registry.federatedSubjects.set(clientId, new Map());
        registry.addValidation(workload.classScope, () => credentialBudget(registry, clientId));
      }
      workload.atSynth(pod => registry.addFederatedSubject(clientId, {
        cluster, namespace: namespace!, serviceAccount: pod.serviceAccountName ?? 'default',
      }));
    },
  };
}

function credentialBudget(registry: AppRegistry, clientId: string): string[] {
  registry.settle();
  const needed = registry.federatedSubjects.get(clientId)!.size;
  // `az aks identity-binding create` puts one more credential on the identity, whatever the cluster.
  const bound = [...registry.identityBindings.keys()].some(key => key.toLowerCase().endsWith(`\u0000${clientId.toLowerCase()}`));
  const problem = federatedCredentialBudget(clientId, needed, bound);
  return problem ? describeFindings([problem], () => 'identity.clientId') : [];
}

function vmManagedIdentity(options: VmManagedIdentityOptions): SignIn {
  const clientId = options.userAssignedClientId;
  return {
    mode: IdentityMode.VM_MANAGED_IDENTITY,
    clientId,
    findings: field => clientId === undefined ? [] : clientIdFindings(clientId, `${field}.userAssignedClientId`),
    parameters: () => ({
      [Param.USE_VM_MANAGED_IDENTITY]: 'true',
      // System-assigned: no userAssignedIdentityID at all (v1.8.1+ treats absent and "" alike).
      ...clientId === undefined ? {} : { [Param.USER_ASSIGNED_IDENTITY_ID]: clientId },
    }),
    bind: () => {},
  };
}

function servicePrincipal(options: ServicePrincipalOptions): SignIn {
  const secretName = options.secretName;
  return {
    mode: IdentityMode.SERVICE_PRINCIPAL,
    nodePublishSecretName: secretName,
    findings: field => [types.requiredString(secretName, `${field}.secretName`, 'kv-creds') ?? rules.dns1123Subdomain(secretName, `${field}.secretName`)],
    parameters: () => ({}), // no mode flag and no clientID: the provider falls back to nodePublishSecretRef
    bind: () => {},
  };
}

function podIdentity(options: PodIdentityOptions): SignIn {
  const selector = options.selector;
  return {
    mode: IdentityMode.POD_IDENTITY,
    findings: field => [types.requiredString(selector, `${field}.selector`, 'kv-reader') ?? rules.podIdentitySelector(selector, `${field}.selector`)],
    parameters: () => ({ [Param.USE_POD_IDENTITY]: 'true' }),
    bind: workload => workload.atSynth(pod => pod.addLabel(POD_IDENTITY_LABEL, selector)),
  };
}

/** The namespace and ServiceAccount of a mounting workload, or (reported at synth) why they are needed. */
function requireSubject(workload: MountedWorkload, pod: SynthesizedPod, why: string): { namespace: string; serviceAccount: string } | undefined {
  const serviceAccount = pod.serviceAccountName;
  const hasAccount = pod.report(subjectServiceAccount(serviceAccount, why, 'serviceAccountName'));
  const hasNamespace = pod.report(subjectNamespace(workload.namespace, why, 'metadata.namespace'));
  return hasAccount && hasNamespace ? { namespace: workload.namespace!, serviceAccount: serviceAccount! } : undefined;
}
