import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { AzureKeyVaultProviderProps } from './azure-key-vault-provider-props';
import { millisOf } from './duration';
import * as pod from './pod-options';
import { ExtraVolumes, InstallVolumeMount } from './volume-mounts';
import { check } from '../app/errors';
import { INSTALL_NAMESPACE, Provider, ProvidersDir } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';
import * as installRules from '../rules/install';
import { daemonSetInstalled, providerMetricsPortFree, someDaemonSet } from '../rules/install-options';
import { providerVersion } from '../rules/version';

/**
 * An AzureKeyVaultProvider's props with every default applied (`resolveProviderSettings`), the
 * eager checks of them (`checkProviderSettings`), and the extra volumes of its pods.
 */

/** @internal The provider's props, defaults applied (paths without trailing separators). */
export interface ProviderSettings {
  readonly version: string;
  readonly namespace: string;
  readonly linux: boolean;
  readonly windows: boolean;
  readonly image: string;
  /** The image is the user's (`image`): `version` need not be a known release. */
  readonly customImage: boolean;
  /** Given only when the user set it (checked as a repository). */
  readonly imageRepository?: string;
  readonly imagePullSecrets: string[];
  readonly constructPemChain: boolean;
  readonly writeCertAndKeyInSeparateFiles: boolean;
  readonly logVerbosity?: number;
  readonly logFormatJson: boolean;
  readonly customUserAgent?: string;
  readonly healthzPort: number;
  readonly healthzPath: string;
  readonly healthzTimeout: Duration;
  readonly metricsPort: number;
  /** `--prometheus-port` is written only when the user set the port (the Helm chart never writes it). */
  readonly metricsPortFlag: boolean;
  readonly resources?: kplus.ContainerResources;
  readonly windowsResources?: kplus.ContainerResources;
  readonly privileged: boolean;
  readonly hostNetwork: boolean;
  /** The given one, or ClusterFirstWithHostNet on the host network. */
  readonly dnsPolicy?: string;
  /** Whether the user set `dnsPolicy`. */
  readonly dnsPolicyGiven: boolean;
  readonly nodeSelector: { [key: string]: string };
  readonly volumeMounts: InstallVolumeMount[];
  readonly windowsVolumeMounts: InstallVolumeMount[];
  readonly maxUnavailable: kplus.PercentOrAbsolute;
  readonly installRbac: boolean;
  readonly serviceAccountName: string;
  /** Path of the custom cloud environment file on the nodes. */
  readonly cloudEnvironmentHostPath?: string;
  /** Path of the custom cloud environment file in the container. */
  readonly cloudEnvironmentFile?: string;
  readonly providersDir: string;
  readonly windowsProvidersDir: string;
}

/** @internal The props with every default applied. */
export function resolveProviderSettings(props: AzureKeyVaultProviderProps): ProviderSettings {
  const version = props.version ?? Provider.VERSION;
  const hostNetwork = props.hostNetwork ?? true;
  const envFile = props.cloudEnvironmentFile;
  return {
    version,
    namespace: props.namespace ?? INSTALL_NAMESPACE,
    linux: props.linux ?? true,
    windows: props.windows ?? false,
    image: props.image ?? `${props.imageRepository ?? Provider.IMAGE_REPOSITORY}:${version}`,
    customImage: props.image !== undefined,
    imageRepository: props.imageRepository,
    imagePullSecrets: props.imagePullSecrets ?? [],
    constructPemChain: props.constructPemChain ?? true,
    writeCertAndKeyInSeparateFiles: props.writeCertAndKeyInSeparateFiles ?? false,
    logVerbosity: props.logVerbosity,
    logFormatJson: props.logFormatJson ?? false,
    customUserAgent: props.customUserAgent,
    healthzPort: props.healthzPort ?? Provider.HEALTHZ_PORT,
    healthzPath: props.healthzPath ?? Provider.HEALTHZ_PATH,
    healthzTimeout: props.healthzTimeout ?? Duration.seconds(Provider.HEALTHZ_TIMEOUT_SECONDS),
    metricsPort: props.metricsPort ?? Provider.METRICS_PORT,
    metricsPortFlag: props.metricsPort !== undefined,
    resources: props.resources,
    windowsResources: props.windowsResources,
    privileged: props.privileged ?? false,
    hostNetwork,
    dnsPolicy: props.dnsPolicy ?? (hostNetwork ? Provider.DNS_POLICY : undefined),
    dnsPolicyGiven: props.dnsPolicy !== undefined,
    nodeSelector: props.nodeSelector ?? {},
    volumeMounts: props.volumeMounts ?? [],
    windowsVolumeMounts: props.windowsVolumeMounts ?? [],
    maxUnavailable: props.maxUnavailable ?? kplus.PercentOrAbsolute.absolute(Provider.MAX_UNAVAILABLE),
    installRbac: props.installRbac ?? true,
    serviceAccountName: props.serviceAccountName ?? Provider.NAME,
    cloudEnvironmentHostPath: envFile?.hostPath,
    cloudEnvironmentFile: envFile ? envFile.mountPath ?? envFile.hostPath : undefined,
    providersDir: paths(OperatingSystem.LINUX).trim(props.providersDir ?? ProvidersDir.LINUX),
    windowsProvidersDir: paths(OperatingSystem.WINDOWS).trim(props.windowsProvidersDir ?? ProvidersDir.WINDOWS),
  };
}

/** @internal Eager checks of the settings: each value, then the options that depend on each other. */
export function checkProviderSettings(scope: IConstruct, s: ProviderSettings, priorityClassName: string | undefined): void {
  check(scope, providerVersion(s.version, 'version', s.customImage));
  check(scope, someDaemonSet(s.linux, s.windows, 'provider', 'linux'));
  pod.checkPodOptions(scope, {
    namespace: s.namespace,
    imagePullSecrets: s.imagePullSecrets,
    priorityClassName,
    nodeSelector: s.nodeSelector,
    serviceAccountName: s.serviceAccountName,
  });
  check(scope, installRules.maxUnavailable(s.maxUnavailable.value, 'maxUnavailable'));
  if (s.imageRepository !== undefined) check(scope, installRules.imageRepository(s.imageRepository, 'imageRepository'));
  check(scope, [
    installRules.image(s.image, 'image'),
    installRules.port(s.healthzPort, 'healthzPort'),
    installRules.httpPath(s.healthzPath, 'healthzPath'),
    installRules.interval(millisOf(s.healthzTimeout), 1, 'healthzTimeout', s.healthzTimeout.toHumanString()),
    installRules.port(s.metricsPort, 'metricsPort'),
    providerMetricsPortFree(s.metricsPort, s.healthzPort, 'metricsPort'),
  ]);
  if (s.logVerbosity !== undefined) check(scope, installRules.logVerbosity(s.logVerbosity, 'logVerbosity'));
  if (s.customUserAgent !== undefined) check(scope, installRules.singleLine(s.customUserAgent, 'customUserAgent'));
  check(scope, installRules.linuxPath(s.providersDir, 'providersDir'));
  check(scope, installRules.windowsPath(s.windowsProvidersDir, 'windowsProvidersDir'));
  if (s.dnsPolicyGiven && s.dnsPolicy !== undefined) check(scope, installRules.providerDnsPolicy(s.dnsPolicy, 'dnsPolicy'));
  if (s.dnsPolicyGiven) check(scope, daemonSetInstalled(s.linux, OperatingSystem.LINUX, 'dnsPolicy', s.dnsPolicy, 'dnsPolicy applies to'));
}

/** @internal The extra volumes of each provider DaemonSet. */
export interface ProviderExtraVolumes {
  readonly linux: ExtraVolumes;
  readonly windows: ExtraVolumes;
}

/**
 * @internal
 * The extra volumes of each DaemonSet (the cloud environment file and the user's), checked against
 * the socket directory and each other, and against the DaemonSets installed.
 */
export function providerExtraVolumes(scope: IConstruct, s: ProviderSettings): ProviderExtraVolumes {
  const reservedName = (name: string) => name === Provider.VOLUME || name === Provider.CLOUD_ENV_VOLUME;
  const linux = new ExtraVolumes(scope, OperatingSystem.LINUX, 'provider', reservedName);
  linux.reserve(Provider.LINUX_SOCKET_DIR, 'the provider socket directory');
  if (s.cloudEnvironmentHostPath !== undefined && s.cloudEnvironmentFile !== undefined) {
    check(scope, installRules.linuxPath(s.cloudEnvironmentHostPath, 'cloudEnvironmentFile.hostPath'));
    linux.claim('cloudEnvironmentFile.mountPath', s.cloudEnvironmentFile, 'the cloud environment file');
    linux.addOwn(
      { name: Provider.CLOUD_ENV_VOLUME, hostPath: { path: s.cloudEnvironmentHostPath, type: 'File' } },
      { name: Provider.CLOUD_ENV_VOLUME, mountPath: s.cloudEnvironmentFile, readOnly: true },
    );
  }
  linux.add('volumeMounts', s.volumeMounts);
  if (s.volumeMounts.length) check(scope, daemonSetInstalled(s.linux, OperatingSystem.LINUX, 'volumeMounts', s.volumeMounts.length, 'extra volumes are mounted into'));
  if (s.cloudEnvironmentFile !== undefined) {
    check(scope, daemonSetInstalled(s.linux, OperatingSystem.LINUX, 'cloudEnvironmentFile', s.cloudEnvironmentFile, 'the environment file is mounted into'));
  }
  const windows = new ExtraVolumes(scope, OperatingSystem.WINDOWS, 'provider', reservedName);
  windows.reserve(Provider.WINDOWS_SOCKET_DIR, 'the provider socket directory');
  windows.add('windowsVolumeMounts', s.windowsVolumeMounts);
  if (s.windowsVolumeMounts.length) {
    check(scope, daemonSetInstalled(s.windows, OperatingSystem.WINDOWS, 'windowsVolumeMounts', s.windowsVolumeMounts.length, 'extra volumes are mounted into'));
  }
  return { linux, windows };
}
