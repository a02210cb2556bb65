import { Finding } from './model';
import { compareVersions } from './version';
import { Audience, IDENTITY_BINDING_MIN_PROVIDER_VERSION } from '../facts/constants';
import { Provider } from '../facts/install';

/**
 * Rules between the classes and the driver and provider installs of one cluster, as pure
 * functions over plain values. The install constructs (src/install/cross-checks.ts) and the
 * manifest checker (src/check/) both call them; the rule text is the same through both doors, and
 * each fix names what to change at that door: a construct prop, or a manifest field.
 */

/** Where the rule is enforced: on the constructs' props, or on manifests the library did not write. */
export type Door = 'construct' | 'manifest';

/** The classes that need something, as "a, b, c and 2 more". */
export function describeUsers(all: readonly string[]): string {
  const users = [...new Set(all)];
  const shown = users.slice(0, 3).join(', ');
  return users.length > 3 ? `${shown} and ${users.length - 3} more` : shown;
}

const uses = (users: readonly string[]) => `${describeUsers(users)} use${users.length === 1 ? 's' : ''} it`;

/**
 * Identity binding (useAzureTokenProxy) needs provider v1.8.1: v1.8.0 added it but was never
 * tagged, and panics at start with --log-format-json (fixed by
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/commit/7dc89ab96ff190d27cfac1a583b50dd09e4f33b5,
 * released in v1.8.1). `version` must pass `versionRule`.
 */
export function providerVersionForIdentityBinding(version: string, users: readonly string[], door: Door, field: string): Finding | undefined {
  if (users.length === 0 || compareVersions(version, IDENTITY_BINDING_MIN_PROVIDER_VERSION) >= 0) return undefined;
  return {
    ruleId: 'provider-version',
    field,
    value: version,
    severity: 'error',
    rule: `identity binding (useAzureTokenProxy) needs provider ${IDENTITY_BINDING_MIN_PROVIDER_VERSION} or later (v1.7.x and older ignore it and sign in otherwise; v1.8.0 was never tagged and panics at start with --log-format-json), and ${uses(users)}`,
    fix: door === 'construct'
      ? `set version to "${IDENTITY_BINDING_MIN_PROVIDER_VERSION}" or later (default "${Provider.VERSION}"), or use another identity`
      : `use the provider image tag "${IDENTITY_BINDING_MIN_PROVIDER_VERSION}" or later (latest "${Provider.VERSION}"), or use another identity`,
  };
}

/** The token proxy resolves cluster DNS names from the host network: the Linux provider pods need ClusterFirstWithHostNet. */
export function dnsPolicyForIdentityBinding(
  dnsPolicy: string | undefined, hostNetwork: boolean, users: readonly string[], door: Door, field: string,
): Finding | undefined {
  if (users.length === 0 || !hostNetwork || dnsPolicy === Provider.DNS_POLICY) return undefined;
  return {
    ruleId: 'provider-dns-policy',
    field,
    value: dnsPolicy ?? null,
    severity: 'error',
    rule: `identity binding needs dnsPolicy "${Provider.DNS_POLICY}" on the host-network provider pods to resolve cluster DNS names, and ${uses(users)}`,
    fix: door === 'construct'
      ? `leave dnsPolicy at its default (${Provider.DNS_POLICY})`
      : `set dnsPolicy: ${Provider.DNS_POLICY} in the Linux provider DaemonSet's pod template (as the provider's Helm chart does)`,
  };
}

/** Pod identity: the provider asks NMI on localhost:2579 of the node, so only the Linux provider on the host network serves it. */
export function hostNetworkForPodIdentity(hostNetwork: boolean, users: readonly string[], door: Door, field: string): Finding | undefined {
  if (users.length === 0 || hostNetwork) return undefined;
  return {
    ruleId: 'provider-host-network',
    field,
    value: hostNetwork,
    severity: 'error',
    rule: `pod identity (aad-pod-identity, Linux only) needs the Linux provider on the host network to reach NMI at localhost:2579, and ${uses(users)}`,
    fix: door === 'construct'
      ? 'keep `linux` and `hostNetwork` at their defaults (true), or move the classes to workload identity or identity binding'
      : 'run the Linux provider DaemonSet with hostNetwork: true, or move the classes to workload identity or identity binding',
  };
}

/**
 * The CSIDriver must request the audience of every class's token, or the provider finds no token.
 * With no token requested at all the provider fails earlier, with its own message (provider v1.8.2
 * `buildAuthConfig` and `parseTokenForAudience`:
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L132-L134,
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/auth/auth.go#L400-L402).
 */
export function audienceRequested(audiences: readonly string[], needed: string, user: string, door: Door, field: string): Finding | undefined {
  if (audiences.includes(needed)) return undefined;
  const failure = audiences.length > 0 ? `token for audience ${needed} not found`
    : needed === Audience.IDENTITY_BINDING ? 'service account tokens are required for identity binding'
      : 'failed to parse workload identity tokens, error: service account tokens not found';
  return {
    ruleId: 'csidriver-audience',
    field,
    value: audiences,
    severity: 'error',
    rule: `${user} signs in with a service-account token for audience "${needed}", which the CSIDriver would not request${audiences.length ? '' : ' (it requests no token at all)'} (the provider fails with "${failure}")`,
    fix: door === 'construct'
      ? `add "${needed}" to tokenAudiences, or omit tokenAudiences (the default requests both Azure audiences and every audience a class in the app needs)`
      : `add { audience: ${needed} } to spec.tokenRequests of the CSIDriver`,
  };
}

/** Which side of the providers directory a construct fix names. */
export interface ProvidersDirSetting {
  /** The provider's setting, e.g. `providersDir`. */
  readonly provider: string;
  /** The driver's setting, e.g. `providersDir (or additionalProvidersDirs)`. */
  readonly driver: string;
}

/**
 * The driver finds the provider socket only in its providers directories (host paths; `same`
 * compares them as the node's OS does).
 */
export function providersDirAgreement(
  windows: boolean, providerDir: string, driverDirs: readonly string[], driver: string,
  same: (a: string, b: string) => boolean, door: Door, setting: ProvidersDirSetting, field: string,
): Finding | undefined {
  if (driverDirs.some(d => same(d, providerDir))) return undefined;
  return {
    ruleId: 'providers-dir',
    field,
    value: providerDir,
    severity: 'error',
    rule: `the ${windows ? 'Windows' : 'Linux'} driver ${driver} looks for provider sockets only in ${driverDirs.map(d => JSON.stringify(d)).join(', ')}, so mounts would fail with "provider not found: provider \\"azure\\""`,
    fix: door === 'construct'
      ? `set ${setting.provider} to ${JSON.stringify(driverDirs[0])}, or the driver's ${setting.driver} to ${JSON.stringify(providerDir)}`
      : `mount the provider's socket directory from host path ${JSON.stringify(driverDirs[0])}, or give the driver a --provider-volume or --additional-provider-volume-paths directory mounted from ${JSON.stringify(providerDir)}`,
  };
}

/** Azure Stack: a class's environment file must be mounted into some provider (`same` compares paths). */
export function environmentFileMounted(
  file: string, mounted: readonly string[], same: (a: string, b: string) => boolean, door: Door, field: string,
): Finding | undefined {
  if (mounted.some(m => same(m, file))) return undefined;
  const who = door === 'construct' ? 'no AzureKeyVaultProvider in the app' : 'no provider DaemonSet in the input';
  return {
    ruleId: 'cloud-environment-file',
    field,
    value: file,
    severity: 'error',
    rule: `${who} mounts it (${mounted.length ? `mounted: ${mounted.map(f => JSON.stringify(f)).join(', ')}` : 'none mounts a cloud environment file'}); the provider fails with "cloudName AzureStackCloud is not valid, error: open ${file}: no such file or directory"`,
    fix: door === 'construct'
      ? `set the provider's cloudEnvironmentFile: { hostPath: "<file on the nodes>", mountPath: ${JSON.stringify(file)} }`
      : `mount the environment file into the provider container at ${JSON.stringify(file)} (a hostPath volume and volumeMount)`,
  };
}

/** Syncing `secretObjects` needs the driver's ServiceAccount to create and update Secrets (the sync ClusterRole). */
export function syncRbacForSecretObjects(
  granted: boolean, driverServiceAccount: string, users: readonly string[], door: Door, field: string,
): Finding | undefined {
  if (users.length === 0 || granted) return undefined;
  return {
    ruleId: 'driver-sync-rbac',
    field,
    value: driverServiceAccount,
    severity: 'error',
    rule: `${describeUsers(users)} sync${users.length === 1 ? 's' : ''} Kubernetes Secrets (secretObjects), and the driver's ServiceAccount ${driverServiceAccount} may not create them (the driver fails with "The secret operation failed with forbidden error")`,
    fix: door === 'construct'
      ? 'leave syncSecrets unset (derived from the classes) or set it to true'
      : 'add the driver\'s secretprovidersyncing-role ClusterRole and its binding (Helm: syncSecret.enabled=true)',
  };
}

/** SecretProviderClass names are unique per namespace: applying two with one name, one replaces the other. */
export function uniqueClassName(name: string, namespace: string | undefined, firstDefinedBy: string | undefined, door: Door, cluster = '', field = 'metadata.name'): Finding | undefined {
  if (firstDefinedBy === undefined) return undefined;
  return {
    ruleId: 'spc-name',
    field,
    value: name,
    severity: 'error',
    rule: `${firstDefinedBy} already defines the SecretProviderClass "${name}" in ${namespace ? `namespace "${namespace}"` : 'the default namespace'}${cluster ? ` of cluster "${cluster}"` : ''}; applying both, one replaces the other`,
    fix: door === 'construct'
      ? 'give one class another `metadata.name` or namespace, or name the charts\' clusters with the context key "cdk8s-azure-keyvault-csi/cluster" if they deploy to different clusters'
      : 'rename one of them (metadata.name) or move it to another namespace; if they are for different clusters, validate each cluster\'s manifests separately',
  };
}

/** First provider release that needs the pod's name and namespace on every mount (not only for pod identity). */
export const POD_INFO_MIN_PROVIDER_VERSION = 'v1.8.0';

/**
 * The CSIDriver must pass pod information (`podInfoOnMount: true`): provider v1.8.0 and later fail
 * every mount without the pod's name and namespace
 * (https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L172-L177),
 * and pod identity needs them in every version (NMI is asked for the pod's token).
 *
 * @param providerVersions release versions of the Azure providers in the input (undefined: not
 *   known, e.g. no provider in the input or an untagged image; counts as the newest)
 */
export function podInfoOnMount(
  podInfo: unknown, providerVersions: readonly (string | undefined)[], users: readonly string[], podIdentityUsers: readonly string[], field: string,
): Finding | undefined {
  if (podInfo === true || users.length === 0) return undefined;
  const newProvider = providerVersions.length === 0
    || providerVersions.some(v => v === undefined || compareVersions(v, POD_INFO_MIN_PROVIDER_VERSION) >= 0);
  if (!newProvider && podIdentityUsers.length === 0) return undefined;
  return {
    ruleId: 'csidriver-pod-info',
    field,
    value: podInfo ?? null,
    severity: 'error',
    rule: newProvider
      ? `the Azure provider (${POD_INFO_MIN_PROVIDER_VERSION} and later) fails every mount with "pod name is not provided" unless the CSIDriver passes pod information, and ${uses(users)}`
      : `pod identity asks NMI for the pod's token by its name and namespace, which only podInfoOnMount passes (the provider fails with "pod information is not available"), and ${uses(podIdentityUsers)}`,
    fix: 'set spec.podInfoOnMount: true in the CSIDriver secrets-store.csi.k8s.io (as the driver\'s chart and deploy/csidriver.yaml do)',
  };
}

/** First driver release that rotates only when kubelet republishes (its rotation reconciler was removed). */
export const REPUBLISH_ROTATION_MIN_DRIVER_VERSION = 'v1.6.0';

/**
 * Driver v1.6.0 rotates secrets only when kubelet calls NodePublishVolume again, which kubelet does
 * only for a CSIDriver with `requiresRepublish: true`; the rotation reconciler of older drivers is
 * gone (https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/4960f9637c51ad9cb9ef264481bc6d9a98bf1f1c/pkg/secrets-store/nodeserver.go#L129-L161).
 *
 * @param driverVersion the driver's release version, undefined when not known (counts as v1.6.0 or later)
 */
export function rotationNeedsRepublish(
  requiresRepublish: unknown, driverVersion: string | undefined, driver: string, field: string,
): Finding | undefined {
  if (requiresRepublish === true) return undefined;
  if (driverVersion !== undefined && compareVersions(driverVersion, REPUBLISH_ROTATION_MIN_DRIVER_VERSION) < 0) return undefined;
  return {
    ruleId: 'csidriver-republish',
    field,
    value: requiresRepublish ?? null,
    severity: 'warning',
    rule: `${driver} runs with --enable-secret-rotation=true, and from driver ${REPUBLISH_ROTATION_MIN_DRIVER_VERSION} rotation happens only when kubelet republishes the volume, which it does only with requiresRepublish: true: secrets would never rotate`,
    fix: 'set spec.requiresRepublish: true in the CSIDriver secrets-store.csi.k8s.io (Helm: enableSecretRotation=true sets both)',
  };
}
