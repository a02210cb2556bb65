import { Finding } from './model';
import { compareVersions } from './version';
import { IDENTITY_BINDING_MIN_PROVIDER_VERSION } from '../facts/constants';
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

/** Identity binding (useAzureTokenProxy) exists from provider v1.8.0. `version` must pass `versionRule`. */
export function providerVersionForIdentityBinding(version: string, users: readonly string[], door: Door, field: string): Finding | undefined {
  if (users.length === 0 || compareVersions(version, IDENTITY_BINDING_MIN_PROVIDER_VERSION) >= 0) return undefined;
  return {
    ruleId: 'provider-version',
    field,
    value: version,
    severity: 'error',
    rule: `identity binding (useAzureTokenProxy) needs provider ${IDENTITY_BINDING_MIN_PROVIDER_VERSION} or later, and ${uses(users)}`,
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

/** The CSIDriver must request the audience of every class's token, or the provider finds no token. */
export function audienceRequested(audiences: readonly string[], needed: string, user: string, door: Door, field: string): Finding | undefined {
  if (audiences.includes(needed)) return undefined;
  return {
    ruleId: 'csidriver-audience',
    field,
    value: audiences,
    severity: 'error',
    rule: `${user} signs in with a service-account token for audience "${needed}", which the CSIDriver would not request (the provider fails with "token for audience ${needed} not found")`,
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
