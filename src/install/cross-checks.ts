import { IConstruct } from 'constructs';
import { AppRegistry, RegisteredClass, RegisteredProvider } from '../app-registry';
import { IDENTITY_BINDING_MIN_PROVIDER_VERSION } from '../constants';
import { IdentityMode } from '../identity';
import { describeViolation } from '../validation';
import { Provider } from './defaults';
import { OperatingSystem, paths } from './os';
import { compareVersions } from './version';

/**
 * App-wide checks between the install constructs and the classes, run at synth
 * (`node.addValidation`) from the AppRegistry lists (no construct-tree scans), and only between
 * constructs of the same app and cluster. cdk8s prefixes each message with the path of the
 * construct that reports it; messages name the other construct's path.
 */

function classesIn(scope: IConstruct, cluster: string): RegisteredClass[] {
  return AppRegistry.of(scope).classes.filter(c => AppRegistry.clusterOfNode(c.node) === cluster);
}

/** @internal Checks of a driver: an audiences override must cover every class's identity. */
export function driverErrors(scope: IConstruct, cluster: string, tokenAudiences: string[] | undefined): string[] {
  if (tokenAudiences === undefined) return [];
  const errors: string[] = [];
  const reported = new Set<string>();
  for (const cls of classesIn(scope, cluster)) {
    const needed = cls.tokenAudience;
    if (needed === undefined || tokenAudiences.includes(needed) || reported.has(needed)) continue;
    reported.add(needed);
    errors.push(describeViolation('tokenAudiences', tokenAudiences, {
      rule: `${cls.node.path} signs in with a service-account token for audience "${needed}", which the CSIDriver would not request (the provider fails with "token for audience ${needed} not found")`,
      fix: `add "${needed}" to tokenAudiences, or omit tokenAudiences to derive them from the classes`,
    }));
  }
  return errors;
}

/** @internal Checks of a provider against the classes and drivers of its cluster. */
export function providerErrors(scope: IConstruct, provider: RegisteredProvider): string[] {
  const registry = AppRegistry.of(scope);
  const classes = classesIn(scope, provider.cluster);
  const errors: string[] = [];

  // Identity binding (useAzureTokenProxy) exists from provider v1.8.0.
  const binding = classes.filter(c => c.identityMode === IdentityMode.IDENTITY_BINDING);
  if (binding.length && compareVersions(provider.version, IDENTITY_BINDING_MIN_PROVIDER_VERSION) < 0) {
    errors.push(describeViolation('version', provider.version, {
      rule: `identity binding (useAzureTokenProxy) needs provider ${IDENTITY_BINDING_MIN_PROVIDER_VERSION} or later, and ${describeClasses(binding)} use${binding.length === 1 ? 's' : ''} it`,
      fix: `set version to "${IDENTITY_BINDING_MIN_PROVIDER_VERSION}" or later (default "${Provider.VERSION}"), or use another identity`,
    }));
  }
  // The token proxy resolves cluster DNS names from the host network.
  if (binding.length && provider.linuxProvidersDir !== undefined && provider.hostNetwork && provider.dnsPolicy !== Provider.DNS_POLICY) {
    errors.push(describeViolation('dnsPolicy', provider.dnsPolicy ?? 'ClusterFirst', {
      rule: `identity binding needs dnsPolicy "${Provider.DNS_POLICY}" on the host-network provider pods to resolve cluster DNS names, and ${describeClasses(binding)} use${binding.length === 1 ? 's' : ''} it`,
      fix: `leave dnsPolicy at its default (${Provider.DNS_POLICY})`,
    }));
  }

  // Pod identity: the provider asks NMI on localhost:2579 of the node, so only the Linux DaemonSet
  // on the host network serves it.
  const podIdentity = classes.filter(c => c.identityMode === IdentityMode.POD_IDENTITY);
  if (podIdentity.length && !provider.hostNetwork) {
    errors.push(describeViolation(provider.linuxProvidersDir === undefined ? 'linux' : 'hostNetwork', false, {
      rule: `pod identity (aad-pod-identity, Linux only) needs the Linux provider on the host network to reach NMI at localhost:2579, and ${describeClasses(podIdentity)} use${podIdentity.length === 1 ? 's' : ''} it`,
      fix: 'keep `linux` and `hostNetwork` at their defaults (true), or move the classes to workload identity or identity binding',
    }));
  }

  // The driver finds the provider socket only in its providers directories.
  for (const driver of registry.drivers.filter(d => d.cluster === provider.cluster)) {
    const pairs: [OperatingSystem, string, string | undefined, string[] | undefined][] = [
      [OperatingSystem.LINUX, 'providersDir', provider.linuxProvidersDir, driver.linuxProvidersDirs],
      [OperatingSystem.WINDOWS, 'windowsProvidersDir', provider.windowsProvidersDir, driver.windowsProvidersDirs],
    ];
    for (const [os, field, dir, driverDirs] of pairs) {
      if (dir === undefined || driverDirs === undefined || driverDirs.some(d => paths(os).same(d, dir))) continue;
      errors.push(describeViolation(field, dir, {
        rule: `the ${os === OperatingSystem.LINUX ? 'Linux' : 'Windows'} driver ${driver.node.path} looks for provider sockets only in ${driverDirs.map(d => JSON.stringify(d)).join(', ')}, so mounts would fail with "provider not found: provider \\"azure\\""`,
        fix: `set ${field} to ${JSON.stringify(driverDirs[0])}, or the driver's ${os === OperatingSystem.LINUX ? 'providersDir (or additionalProvidersDirs)' : 'windowsProvidersDir'} to ${JSON.stringify(dir)}`,
      }));
    }
  }

  // Azure Stack: a class's environment file must be mounted by some provider (reported once per
  // cluster, by the first provider).
  const providers = registry.providers.filter(p => p.cluster === provider.cluster);
  if (providers[0]?.node === provider.node) {
    const linux = paths(OperatingSystem.LINUX);
    for (const cls of classes) {
      const file = cls.cloudEnvironmentFile;
      if (file === undefined || providers.some(p => p.cloudEnvironmentFile !== undefined && linux.same(p.cloudEnvironmentFile, file))) continue;
      const mounted = providers.map(p => p.cloudEnvironmentFile).filter(f => f !== undefined);
      errors.push(describeViolation(`cloud.environmentFile of ${cls.node.path}`, file, {
        rule: `no AzureKeyVaultProvider in the app mounts it (${mounted.length ? `mounted: ${mounted.map(f => JSON.stringify(f)).join(', ')}` : 'none mounts a cloud environment file'}); the provider fails with "cloudName AzureStackCloud is not valid, error: open ${file}: no such file or directory"`,
        fix: `set the provider's cloudEnvironmentFile: { hostPath: "<file on the nodes>", mountPath: ${JSON.stringify(file)} }`,
      }));
    }
  }
  return errors;
}

function describeClasses(classes: RegisteredClass[]): string {
  const shown = classes.slice(0, 3).map(c => c.node.path).join(', ');
  return classes.length > 3 ? `${shown} and ${classes.length - 3} more` : shown;
}
