import { IConstruct } from 'constructs';
import { AppRegistry, RegisteredClass, RegisteredProvider } from '../app/registry';
import { IdentityMode } from '../facts/identity-mode';
import { OperatingSystem, paths as osPaths } from '../facts/os';
import {
  audienceRequested, dnsPolicyForIdentityBinding, environmentFileMounted, hostNetworkForPodIdentity,
  providersDirAgreement, ProvidersDirSetting, providerVersionForIdentityBinding, syncRbacForSecretObjects,
} from '../rules/cluster';
import { Finding } from '../rules/model';

/**
 * App-wide checks between the install constructs and the classes, run at synth
 * (`AppRegistry.addValidation`) from the AppRegistry lists (no construct-tree scans), and only between
 * constructs of the same app and cluster. cdk8s prefixes each message with the path of the
 * construct that reports it; messages name the other construct's path.
 */

function classesIn(scope: IConstruct, cluster: string): RegisteredClass[] {
  return AppRegistry.of(scope).classes.filter(c => AppRegistry.clusterOfNode(c.node) === cluster);
}

/** What the driver's cross-checks need to know about it. */
export interface DriverCheckInput {
  readonly cluster: string;
  /** The `tokenAudiences` override, if any. */
  readonly tokenAudiences?: string[];
  /** Whether the sync RBAC is installed, or managed outside the construct (`installRbac: false`). */
  readonly syncRbacGranted: boolean;
  /** `namespace/name` of the driver's ServiceAccount. */
  readonly serviceAccount: string;
}

/**
 * @internal
 * Checks of a driver against the classes of its cluster: an audiences override must cover every
 * class's identity, and a `syncSecrets: false` override must not leave syncing classes without RBAC.
 */
export function driverFindings(scope: IConstruct, driver: DriverCheckInput): Finding[] {
  const classes = classesIn(scope, driver.cluster);
  const errors: Finding[] = [];
  const sync = syncRbacForSecretObjects(driver.syncRbacGranted, driver.serviceAccount, paths(classes.filter(c => c.syncsSecrets)), 'construct', 'syncSecrets');
  if (sync) errors.push(sync);
  if (driver.tokenAudiences === undefined) return errors;
  const reported = new Set<string>();
  for (const cls of classes) {
    const needed = cls.tokenAudience;
    if (needed === undefined || reported.has(needed)) continue;
    const finding = audienceRequested(driver.tokenAudiences, needed, cls.node.path, 'construct', 'tokenAudiences');
    if (!finding) continue;
    reported.add(needed);
    errors.push(finding);
  }
  return errors;
}

/** @internal Checks of a provider against the classes and drivers of its cluster. */
export function providerFindings(scope: IConstruct, provider: RegisteredProvider): Finding[] {
  const registry = AppRegistry.of(scope);
  const classes = classesIn(scope, provider.cluster);
  const errors: Finding[] = [];
  const add = (field: string, value: unknown, finding: Finding | undefined) => {
    if (finding) errors.push({ ...finding, field, value });
  };

  const binding = paths(classes.filter(c => c.identityMode === IdentityMode.IDENTITY_BINDING));
  add('version', provider.version, providerVersionForIdentityBinding(provider.version, binding, 'construct', 'version'));
  if (provider.linuxProvidersDir !== undefined) {
    add('dnsPolicy', provider.dnsPolicy ?? 'ClusterFirst', dnsPolicyForIdentityBinding(provider.dnsPolicy, provider.hostNetwork, binding, 'construct', 'dnsPolicy'));
  }
  const podIdentity = paths(classes.filter(c => c.identityMode === IdentityMode.POD_IDENTITY));
  add(provider.linuxProvidersDir === undefined ? 'linux' : 'hostNetwork', false, hostNetworkForPodIdentity(provider.hostNetwork, podIdentity, 'construct', 'hostNetwork'));

  for (const driver of registry.drivers.filter(d => d.cluster === provider.cluster)) {
    const pairs: [OperatingSystem, ProvidersDirSetting, string | undefined, string[] | undefined][] = [
      [OperatingSystem.LINUX, { provider: 'providersDir', driver: 'providersDir (or additionalProvidersDirs)' }, provider.linuxProvidersDir, driver.linuxProvidersDirs],
      [OperatingSystem.WINDOWS, { provider: 'windowsProvidersDir', driver: 'windowsProvidersDir' }, provider.windowsProvidersDir, driver.windowsProvidersDirs],
    ];
    for (const [os, setting, dir, driverDirs] of pairs) {
      if (dir === undefined || driverDirs === undefined) continue;
      const same = (a: string, b: string) => osPaths(os).same(a, b);
      add(setting.provider, dir, providersDirAgreement(os === OperatingSystem.WINDOWS, dir, driverDirs, driver.node.path, same, 'construct', setting, setting.provider));
    }
  }

  // Azure Stack: a class's environment file must be mounted by some provider (reported once per
  // cluster, by the first provider).
  const providers = registry.providers.filter(p => p.cluster === provider.cluster);
  if (providers[0]?.node === provider.node) {
    const linux = osPaths(OperatingSystem.LINUX);
    const mounted = providers.map(p => p.cloudEnvironmentFile).filter((f): f is string => f !== undefined);
    for (const cls of classes) {
      const file = cls.cloudEnvironmentFile;
      if (file === undefined) continue;
      add(`cloud.environmentFile of ${cls.node.path}`, file, environmentFileMounted(file, mounted, (a, b) => linux.same(a, b), 'construct', 'cloud.environmentFile'));
    }
  }
  return errors;
}

function paths(classes: RegisteredClass[]): string[] {
  return classes.map(c => c.node.path);
}
