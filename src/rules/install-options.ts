import { error, Finding } from './model';
import { compareVersions } from './version';
import { CLUSTER_CONTEXT_KEY } from '../facts/constants';
import { Driver, Provider } from '../facts/install';
import { OperatingSystem } from '../facts/os';

/**
 * Rules between the props of one install construct (SecretsStoreCsiDriver, AzureKeyVaultProvider):
 * options that contradict each other or the DaemonSets that are installed. Pure functions over
 * plain values; `undefined` when the rule holds.
 */

/** Which install a message is about. */
export type InstallComponent = 'driver' | 'provider';

const OS_NAME: Record<OperatingSystem, string> = { [OperatingSystem.LINUX]: 'Linux', [OperatingSystem.WINDOWS]: 'Windows' };

/** @internal An install writes at least one DaemonSet. */
export function someDaemonSet(linux: boolean, windows: boolean, component: InstallComponent, field: string): Finding | undefined {
  if (linux || windows) return undefined;
  return error(field, linux, `the ${component} installs no DaemonSet when both \`linux\` and \`windows\` are false`, 'keep `linux` (the default) or set `windows: true`');
}

/**
 * @internal
 * An option of one operating system's DaemonSet needs that DaemonSet. `subject` starts the rule
 * ("it applies to", "extra volumes are mounted into").
 */
export function daemonSetInstalled(
  installed: boolean, os: OperatingSystem, field: string, value: unknown, subject = 'it applies to',
): Finding | undefined {
  if (installed) return undefined;
  const keep = os === OperatingSystem.LINUX ? 'keep `linux`' : 'set `windows: true`';
  return error(field, value, `${subject} the ${OS_NAME[os]} DaemonSet, which is not installed`, `remove ${field} or ${keep}`);
}

/** @internal The driver's metrics port is not the liveness-probe sidecar's healthz port (one pod, one network namespace). */
export function driverMetricsPortFree(metricsAddress: string, metricsPort: number, livenessProbePort: number, field: string): Finding | undefined {
  if (metricsPort !== livenessProbePort) return undefined;
  return error(field, metricsAddress,
    `port ${livenessProbePort} is the liveness-probe sidecar's healthz port in the same pod`,
    `use another port for one of them (defaults: metricsAddress "${Driver.METRICS_ADDRESS}", livenessProbePort ${Driver.HEALTHZ_PORT})`);
}

/** @internal The provider's metrics port is not its health port. */
export function providerMetricsPortFree(metricsPort: number, healthzPort: number, field: string): Finding | undefined {
  if (metricsPort !== healthzPort) return undefined;
  return error(field, metricsPort,
    `the health endpoint already listens on port ${healthzPort}`,
    `use different ports (defaults: healthz ${Provider.HEALTHZ_PORT}, metrics ${Provider.METRICS_PORT})`);
}

/** @internal A directory of `--additional-provider-volume-paths`, which the driver splits at commas. */
export function additionalProvidersDirWithoutComma(dir: string, field: string): Finding | undefined {
  if (!dir.includes(',')) return undefined;
  return error(field, dir, 'the driver splits `--additional-provider-volume-paths` at commas', 'use directories without commas');
}

/** @internal The audience at `index` is its first occurrence (CSIDriver token requests are distinct). */
export function distinctAudience(audiences: readonly string[], index: number, field: string): Finding | undefined {
  if (audiences.indexOf(audiences[index]) === index) return undefined;
  return error(field, audiences[index], 'CSIDriver token request audiences must be distinct', 'list each audience once');
}

/** @internal `serviceAccountTokenInSecrets` needs a driver that reads tokens from the NodePublishVolume secrets. */
export function tokensInSecretsSupported(enabled: boolean, version: string, field: string): Finding | undefined {
  if (!enabled || compareVersions(version, Driver.REQUIRES_REPUBLISH_VERSION) >= 0) return undefined;
  return error(field, true,
    `drivers before ${Driver.REQUIRES_REPUBLISH_VERSION} read service-account tokens only from the volume context`,
    `use driver ${Driver.VERSION} or leave serviceAccountTokenInSecrets unset`);
}

/** @internal One driver per cluster: the CSIDriver, CRDs and ClusterRoles have fixed names. `existing` is the other driver's path. */
export function oneDriverPerCluster(existing: string | undefined, cluster: string): Finding | undefined {
  if (existing === undefined) return undefined;
  return error(`context "${CLUSTER_CONTEXT_KEY}"`, cluster,
    `${existing} already installs the driver${cluster ? ` in cluster "${cluster}"` : ''}, and the CSIDriver, CRDs and ClusterRoles have fixed names`,
    `install the driver once per cluster, or name the charts' clusters with the context key "${CLUSTER_CONTEXT_KEY}"`);
}
