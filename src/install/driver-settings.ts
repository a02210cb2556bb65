import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { millisOf } from './duration';
import * as pod from './pod-options';
import { SecretsStoreCsiDriverProps } from './secrets-store-csi-driver-props';
import { InstallVolumeMount } from './volume-mounts';
import { check } from '../app/errors';
import { Driver, INSTALL_NAMESPACE, ProvidersDir } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';
import * as installRules from '../rules/install';
import {
  additionalProvidersDirWithoutComma, daemonSetInstalled, distinctAudience, driverMetricsPortFree, someDaemonSet, tokensInSecretsSupported,
} from '../rules/install-options';
import { driverVersion } from '../rules/version';

/**
 * A SecretsStoreCsiDriver's props with every default applied (`resolveDriverSettings`), and the
 * eager checks of them (`checkDriverSettings`): what the construct renders from.
 */

/** @internal The three images of a driver pod. */
export interface DriverImages {
  readonly driver: string;
  readonly registrar: string;
  readonly livenessProbe: string;
}

/** @internal Resources of the three containers of one driver DaemonSet (undefined: the upstream default). */
export interface DriverResources {
  readonly registrar?: kplus.ContainerResources;
  readonly driver?: kplus.ContainerResources;
  readonly livenessProbe?: kplus.ContainerResources;
}

/** @internal The driver's props, defaults applied (paths without trailing separators). */
export interface DriverSettings {
  readonly version: string;
  readonly namespace: string;
  readonly linux: boolean;
  readonly windows: boolean;
  readonly images: DriverImages;
  /** The driver image is the user's (`image`): `version` need not be a known release. */
  readonly customImage: boolean;
  /** Given only when the user set it (checked as a registry). */
  readonly imageRegistry?: string;
  readonly imagePullSecrets: string[];
  readonly kubeletRootDir: string;
  readonly windowsKubeletRootDir: string;
  readonly providersDir: string;
  readonly additionalProvidersDirs: string[];
  readonly windowsProvidersDir: string;
  readonly rotationEnabled: boolean;
  readonly pollInterval: Duration;
  readonly providerHealthCheck: boolean;
  readonly healthCheckInterval: Duration;
  readonly metricsAddress: string;
  readonly logVerbosity?: number;
  readonly logFormatJson: boolean;
  readonly maxCallRecvMsgSize?: number;
  readonly livenessProbePort: number;
  readonly registrarLogVerbosity: number;
  readonly livenessProbeLogVerbosity: number;
  readonly installRbac: boolean;
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken?: boolean;
  readonly serviceAccountTokenInSecrets: boolean;
  /** The `tokenAudiences` override (a copy). */
  readonly tokenAudiences?: string[];
  readonly nodeSelector: { [key: string]: string };
  readonly env: { [name: string]: kplus.EnvValue };
  readonly windowsEnv: { [name: string]: kplus.EnvValue };
  readonly volumeMounts: InstallVolumeMount[];
  readonly windowsVolumeMounts: InstallVolumeMount[];
  readonly maxUnavailable?: kplus.PercentOrAbsolute;
  readonly linuxResources: DriverResources;
  readonly windowsResources: DriverResources;
}

/** @internal The props with every default applied. */
export function resolveDriverSettings(props: SecretsStoreCsiDriverProps): DriverSettings {
  const linuxPaths = paths(OperatingSystem.LINUX);
  const windowsPaths = paths(OperatingSystem.WINDOWS);
  const version = props.version ?? Driver.VERSION;
  const imageRegistry = props.imageRegistry ?? Driver.IMAGE_REGISTRY;
  return {
    version,
    namespace: props.namespace ?? INSTALL_NAMESPACE,
    linux: props.linux ?? true,
    windows: props.windows ?? false,
    images: {
      driver: props.image ?? `${imageRegistry}/${Driver.IMAGE_REPOSITORY}:${version}`,
      registrar: props.registrarImage ?? `${imageRegistry}/${Driver.REGISTRAR_IMAGE.repository}:${Driver.REGISTRAR_IMAGE.tag}`,
      livenessProbe: props.livenessProbeImage ?? `${imageRegistry}/${Driver.LIVENESS_PROBE_IMAGE.repository}:${Driver.LIVENESS_PROBE_IMAGE.tag}`,
    },
    customImage: props.image !== undefined,
    imageRegistry: props.imageRegistry,
    imagePullSecrets: props.imagePullSecrets ?? [],
    kubeletRootDir: linuxPaths.trim(props.kubeletRootDir ?? Driver.Linux.KUBELET_ROOT_DIR),
    windowsKubeletRootDir: windowsPaths.trim(props.windowsKubeletRootDir ?? Driver.Windows.KUBELET_ROOT_DIR),
    providersDir: linuxPaths.trim(props.providersDir ?? ProvidersDir.LINUX),
    additionalProvidersDirs: (props.additionalProvidersDirs ?? [...Driver.Linux.ADDITIONAL_PROVIDERS_DIRS]).map(linuxPaths.trim),
    windowsProvidersDir: windowsPaths.trim(props.windowsProvidersDir ?? ProvidersDir.WINDOWS),
    rotationEnabled: props.rotation ? props.rotation.enabled ?? true : false,
    pollInterval: props.rotation?.pollInterval ?? Duration.minutes(Driver.ROTATION_POLL_INTERVAL_MINUTES),
    providerHealthCheck: props.providerHealthCheck ?? false,
    healthCheckInterval: props.providerHealthCheckInterval ?? Duration.minutes(Driver.PROVIDER_HEALTH_CHECK_INTERVAL_MINUTES),
    metricsAddress: props.metricsAddress ?? Driver.METRICS_ADDRESS,
    logVerbosity: props.logVerbosity,
    logFormatJson: props.logFormatJson ?? false,
    maxCallRecvMsgSize: props.maxCallRecvMsgSize,
    livenessProbePort: props.livenessProbePort ?? Driver.HEALTHZ_PORT,
    registrarLogVerbosity: props.registrarLogVerbosity ?? Driver.REGISTRAR_LOG_VERBOSITY,
    livenessProbeLogVerbosity: props.livenessProbeLogVerbosity ?? Driver.LIVENESS_LOG_VERBOSITY,
    installRbac: props.installRbac ?? true,
    serviceAccountName: props.serviceAccountName ?? Driver.SERVICE_ACCOUNT,
    automountServiceAccountToken: props.automountServiceAccountToken,
    serviceAccountTokenInSecrets: props.serviceAccountTokenInSecrets ?? false,
    tokenAudiences: props.tokenAudiences ? [...props.tokenAudiences] : undefined,
    nodeSelector: props.nodeSelector ?? {},
    env: props.env ?? {},
    windowsEnv: props.windowsEnv ?? {},
    volumeMounts: props.volumeMounts ?? [],
    windowsVolumeMounts: props.windowsVolumeMounts ?? [],
    maxUnavailable: props.maxUnavailable,
    linuxResources: { registrar: props.registrarResources, driver: props.resources, livenessProbe: props.livenessProbeResources },
    windowsResources: {
      registrar: props.windowsRegistrarResources, driver: props.windowsResources, livenessProbe: props.windowsLivenessProbeResources,
    },
  };
}

/** @internal Eager checks of the settings: each value, then the options that depend on each other. */
export function checkDriverSettings(scope: IConstruct, s: DriverSettings, priorityClassName: string | undefined): void {
  check(scope, driverVersion(s.version, 'version', s.customImage));
  check(scope, someDaemonSet(s.linux, s.windows, 'driver', 'linux'));
  pod.checkPodOptions(scope, {
    namespace: s.namespace,
    imagePullSecrets: s.imagePullSecrets,
    priorityClassName,
    nodeSelector: s.nodeSelector,
    serviceAccountName: s.serviceAccountName,
  });
  checkValues(scope, s);
  checkPaths(scope, s);
  s.tokenAudiences?.forEach((audience, i) => check(scope, [
    installRules.audience(audience, `tokenAudiences[${i}]`),
    distinctAudience(s.tokenAudiences!, i, `tokenAudiences[${i}]`),
  ]));
  pod.checkEnv(scope, 'env', s.env, Driver.ENV_NAMES);
  pod.checkEnv(scope, 'windowsEnv', s.windowsEnv, Driver.ENV_NAMES);
  const osOnly: [string, boolean, boolean, OperatingSystem][] = [
    ['env', Object.keys(s.env).length > 0, s.linux, OperatingSystem.LINUX],
    ['volumeMounts', s.volumeMounts.length > 0, s.linux, OperatingSystem.LINUX],
    ['windowsEnv', Object.keys(s.windowsEnv).length > 0, s.windows, OperatingSystem.WINDOWS],
    ['windowsVolumeMounts', s.windowsVolumeMounts.length > 0, s.windows, OperatingSystem.WINDOWS],
  ];
  for (const [field, given, installed, os] of osOnly) {
    if (given) check(scope, daemonSetInstalled(installed, os, field, given));
  }
  check(scope, tokensInSecretsSupported(s.serviceAccountTokenInSecrets, s.version, 'serviceAccountTokenInSecrets'));
}

/** Images, intervals, ports and the numbers of the flags. */
function checkValues(scope: IConstruct, s: DriverSettings): void {
  if (s.maxUnavailable) check(scope, installRules.maxUnavailable(s.maxUnavailable.value, 'maxUnavailable'));
  if (s.imageRegistry !== undefined) check(scope, installRules.imageRegistry(s.imageRegistry, 'imageRegistry'));
  check(scope, [
    installRules.image(s.images.driver, 'image'),
    installRules.image(s.images.registrar, 'registrarImage'),
    installRules.image(s.images.livenessProbe, 'livenessProbeImage'),
    installRules.interval(millisOf(s.pollInterval), 1000, 'rotation.pollInterval', s.pollInterval.toHumanString()),
    installRules.interval(millisOf(s.healthCheckInterval), 1000, 'providerHealthCheckInterval', s.healthCheckInterval.toHumanString()),
    installRules.port(s.livenessProbePort, 'livenessProbePort'),
    installRules.logVerbosity(s.registrarLogVerbosity, 'registrarLogVerbosity'),
    installRules.logVerbosity(s.livenessProbeLogVerbosity, 'livenessProbeLogVerbosity'),
  ]);
  check(scope, installRules.metricsAddress(s.metricsAddress, 'metricsAddress'));
  check(scope, driverMetricsPortFree(s.metricsAddress, installRules.metricsPort(s.metricsAddress), s.livenessProbePort, 'metricsAddress'));
  if (s.logVerbosity !== undefined) check(scope, installRules.logVerbosity(s.logVerbosity, 'logVerbosity'));
  if (s.maxCallRecvMsgSize !== undefined) check(scope, installRules.positiveInteger(s.maxCallRecvMsgSize, 'maxCallRecvMsgSize'));
}

/** Host directories. */
function checkPaths(scope: IConstruct, s: DriverSettings): void {
  check(scope, installRules.linuxPath(s.kubeletRootDir, 'kubeletRootDir'));
  check(scope, installRules.linuxPath(s.providersDir, 'providersDir'));
  s.additionalProvidersDirs.forEach((dir, i) => check(scope, installRules.linuxPath(dir, `additionalProvidersDirs[${i}]`)));
  s.additionalProvidersDirs.forEach((dir, i) => check(scope, additionalProvidersDirWithoutComma(dir, `additionalProvidersDirs[${i}]`)));
  check(scope, installRules.windowsPath(s.windowsKubeletRootDir, 'windowsKubeletRootDir'));
  check(scope, installRules.windowsPath(s.windowsProvidersDir, 'windowsProvidersDir'));
}
