import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResolvedDaemonSetOptions } from './daemonset-options';
import { DriverResources, DriverSettings } from './driver-settings';
import { DriverExtraVolumes, providerVolumes } from './driver-volumes';
import { goDuration } from './duration';
import * as pod from './pod-options';
import { Driver, ResourcesFact } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';
import { metricsPort } from '../rules/install';

/**
 * The driver DaemonSets, field for field as upstream `deploy/secrets-store-csi-driver.yaml` and
 * `deploy/secrets-store-csi-driver-windows.yaml` v1.6.0, built on the typed `KubeDaemonSet`
 * (cdk8s-plus workloads add defaults upstream does not have).
 */

const { IntOrString } = kplus.k8s;

/** @internal The driver DaemonSets the settings ask for. */
export function addDriverDaemonSets(
  scope: Construct, s: DriverSettings, shared: ResolvedDaemonSetOptions, volumes: DriverExtraVolumes,
): { linux?: kplus.k8s.KubeDaemonSet; windows?: kplus.k8s.KubeDaemonSet } {
  const common = {
    namespace: s.namespace,
    images: s.images,
    leadingFlags: [
      ...s.logVerbosity ? [`-v=${s.logVerbosity}`] : [],
      ...s.logFormatJson ? ['--log-format-json=true'] : [],
    ],
    flags: [
      `--metrics-addr=${s.metricsAddress}`,
      `--enable-secret-rotation=${s.rotationEnabled}`,
      `--rotation-poll-interval=${goDuration(s.pollInterval)}`,
      `--provider-health-check=${s.providerHealthCheck}`,
      `--provider-health-check-interval=${goDuration(s.healthCheckInterval)}`,
      ...s.maxCallRecvMsgSize !== undefined ? [`--max-call-recv-msg-size=${s.maxCallRecvMsgSize}`] : [],
    ],
    metricsPort: metricsPort(s.metricsAddress),
    imagePullSecrets: pod.imagePullSecrets(s.imagePullSecrets),
    imagePullPolicy: shared.imagePullPolicy,
    serviceAccountName: s.serviceAccountName,
    automountServiceAccountToken: s.automountServiceAccountToken,
    affinity: shared.affinity,
    podLabels: shared.podLabels,
    podAnnotations: shared.podAnnotations,
    daemonSetAnnotations: shared.daemonSetAnnotations,
    updateStrategy: pod.rollingUpdate(s.maxUnavailable),
    registrarLogVerbosity: s.registrarLogVerbosity,
    livenessProbePort: s.livenessProbePort,
    livenessProbeLogVerbosity: s.livenessProbeLogVerbosity,
  };
  const resources = (given: DriverResources, fallback: Record<'registrar' | 'driver' | 'liveness', ResourcesFact>) => ({
    registrar: pod.resources(given.registrar, fallback.registrar),
    driver: pod.resources(given.driver, fallback.driver),
    livenessProbe: pod.resources(given.livenessProbe, fallback.liveness),
  });
  const linux = s.linux ? addDriverDaemonSet(scope, 'DaemonSet', {
    ...common,
    ...shared.linux,
    os: OperatingSystem.LINUX,
    name: Driver.DAEMONSET,
    env: pod.envVars(s.env),
    volumes: volumes.linux.volumes,
    volumeMounts: volumes.linux.mounts,
    kubeletRootDir: s.kubeletRootDir,
    providersDir: s.providersDir,
    additionalProvidersDirs: s.additionalProvidersDirs,
    resources: resources(s.linuxResources, Driver.Linux.RESOURCES),
  }) : undefined;
  const windows = s.windows ? addDriverDaemonSet(scope, 'WindowsDaemonSet', {
    ...common,
    ...shared.windows,
    os: OperatingSystem.WINDOWS,
    name: Driver.WINDOWS_DAEMONSET,
    env: pod.envVars(s.windowsEnv),
    volumes: volumes.windows.volumes,
    volumeMounts: volumes.windows.mounts,
    kubeletRootDir: s.windowsKubeletRootDir,
    providersDir: s.windowsProvidersDir,
    additionalProvidersDirs: [], // upstream passes none on Windows
    resources: resources(s.windowsResources, Driver.Windows.RESOURCES),
  }) : undefined;
  return { linux, windows };
}

/** @internal Settings of one driver DaemonSet, resolved by the construct. */
export interface DriverDaemonSetSettings {
  readonly os: OperatingSystem;
  readonly name: string;
  readonly namespace: string;
  readonly images: { readonly driver: string; readonly registrar: string; readonly livenessProbe: string };
  readonly kubeletRootDir: string;
  /** `--provider-volume`. */
  readonly providersDir: string;
  /** `--additional-provider-volume-paths` (searched first by the driver). */
  readonly additionalProvidersDirs: string[];
  /** Driver flags before `--endpoint` (log options, as the Helm chart puts them). */
  readonly leadingFlags: string[];
  /** Driver flags after the providers directories. */
  readonly flags: string[];
  /** `metrics` containerPort. */
  readonly metricsPort: number;
  readonly resources: {
    readonly registrar?: kplus.k8s.ResourceRequirements;
    readonly driver?: kplus.k8s.ResourceRequirements;
    readonly livenessProbe?: kplus.k8s.ResourceRequirements;
  };
  readonly imagePullSecrets?: kplus.k8s.LocalObjectReference[];
  readonly imagePullPolicy: string;
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken?: boolean;
  readonly priorityClassName?: string;
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations?: kplus.k8s.Toleration[];
  readonly affinity?: kplus.k8s.Affinity;
  /** Pod labels besides the selector label. */
  readonly podLabels: { [key: string]: string };
  /** Pod annotations besides the default-container one. */
  readonly podAnnotations: { [key: string]: string };
  readonly daemonSetAnnotations?: { [key: string]: string };
  readonly updateStrategy?: kplus.k8s.DaemonSetUpdateStrategy;
  readonly registrarLogVerbosity: number;
  /** healthz port of the liveness-probe sidecar (`--http-endpoint`, the driver's `healthz` containerPort). */
  readonly livenessProbePort: number;
  readonly livenessProbeLogVerbosity: number;
  /** Extra environment variables of the driver container (before the construct's, as the chart). */
  readonly env: kplus.k8s.EnvVar[];
  /** Extra volumes of the pod and mounts of the driver container. */
  readonly volumes: kplus.k8s.Volume[];
  readonly volumeMounts: kplus.k8s.VolumeMount[];
}

/** @internal The Linux or Windows driver DaemonSet. */
export function addDriverDaemonSet(scope: Construct, id: string, settings: DriverDaemonSetSettings): kplus.k8s.KubeDaemonSet {
  const os = paths(settings.os);
  const root = settings.kubeletRootDir;
  const linux = settings.os === OperatingSystem.LINUX;
  const providers = providerVolumes(settings);
  const pluginMount = { name: Driver.Volume.PLUGIN, mountPath: os.csiDir };
  const labels = { app: Driver.APP_LABEL };

  const registrar: kplus.k8s.Container = {
    name: Driver.REGISTRAR_CONTAINER,
    image: settings.images.registrar,
    args: [
      `--v=${settings.registrarLogVerbosity}`,
      `--csi-address=${os.csiAddress}`,
      `--kubelet-registration-path=${os.join(root, 'plugins', 'csi-secrets-store', 'csi.sock')}`,
    ],
    imagePullPolicy: settings.imagePullPolicy,
    volumeMounts: [pluginMount, { name: Driver.Volume.REGISTRATION, mountPath: os.registrationDir }],
    resources: settings.resources.registrar,
  };

  const driver: kplus.k8s.Container = {
    name: Driver.DRIVER_CONTAINER,
    image: settings.images.driver,
    args: [
      ...settings.leadingFlags,
      '--endpoint=$(CSI_ENDPOINT)',
      '--nodeid=$(KUBE_NODE_NAME)',
      `--provider-volume=${settings.providersDir}`,
      ...settings.additionalProvidersDirs.length ? [`--additional-provider-volume-paths=${settings.additionalProvidersDirs.join(',')}`] : [],
      ...settings.flags,
    ],
    env: [
      ...settings.env,
      { name: 'CSI_ENDPOINT', value: os.csiEndpointEnv },
      { name: 'KUBE_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
    ],
    imagePullPolicy: settings.imagePullPolicy,
    // Linux: mounts tmpfs into pod directories with Bidirectional propagation, which needs privileged.
    securityContext: linux ? { privileged: true } : undefined,
    ports: [
      { containerPort: settings.livenessProbePort, name: Driver.HEALTHZ_PORT_NAME, protocol: 'TCP' },
      { containerPort: settings.metricsPort, name: Driver.METRICS_PORT_NAME, protocol: 'TCP' },
    ],
    livenessProbe: {
      ...Driver.PROBE,
      httpGet: { path: Driver.HEALTHZ_PATH, port: IntOrString.fromString(Driver.HEALTHZ_PORT_NAME) },
    },
    volumeMounts: [
      pluginMount,
      { name: Driver.Volume.MOUNTPOINT, mountPath: os.join(root, 'pods'), mountPropagation: linux ? 'Bidirectional' : undefined },
      ...providers.map(p => ({ name: p.name, mountPath: p.path })),
      ...settings.volumeMounts,
    ],
    resources: settings.resources.driver,
  };

  const livenessProbe: kplus.k8s.Container = {
    name: Driver.LIVENESS_CONTAINER,
    image: settings.images.livenessProbe,
    imagePullPolicy: settings.imagePullPolicy,
    args: [
      `--csi-address=${os.csiAddress}`,
      `--probe-timeout=${Driver.LIVENESS_PROBE_TIMEOUT}`,
      `--http-endpoint=0.0.0.0:${settings.livenessProbePort}`,
      `-v=${settings.livenessProbeLogVerbosity}`,
    ],
    volumeMounts: [pluginMount],
    resources: settings.resources.livenessProbe,
  };

  const hostPath = (path: string, type: string) => ({ path, type });
  return new kplus.k8s.KubeDaemonSet(scope, id, {
    metadata: { name: settings.name, namespace: settings.namespace, annotations: settings.daemonSetAnnotations },
    spec: {
      selector: { matchLabels: labels },
      updateStrategy: settings.updateStrategy,
      template: {
        metadata: {
          labels: { ...labels, ...settings.podLabels },
          annotations: { [Driver.DEFAULT_CONTAINER_ANNOTATION]: Driver.DRIVER_CONTAINER, ...settings.podAnnotations },
        },
        spec: {
          automountServiceAccountToken: settings.automountServiceAccountToken,
          serviceAccountName: settings.serviceAccountName,
          imagePullSecrets: settings.imagePullSecrets,
          priorityClassName: settings.priorityClassName,
          affinity: settings.affinity,
          containers: [registrar, driver, livenessProbe],
          volumes: [
            { name: Driver.Volume.MOUNTPOINT, hostPath: hostPath(os.hostDir(os.join(root, 'pods'), false), 'DirectoryOrCreate') },
            { name: Driver.Volume.REGISTRATION, hostPath: hostPath(os.hostDir(os.join(root, 'plugins_registry'), true), 'Directory') },
            { name: Driver.Volume.PLUGIN, hostPath: hostPath(os.hostDir(os.join(root, 'plugins', 'csi-secrets-store'), true), 'DirectoryOrCreate') },
            ...providers.map(p => ({ name: p.name, hostPath: hostPath(os.hostDir(p.path, false), 'DirectoryOrCreate') })),
            ...settings.volumes,
          ],
          tolerations: settings.tolerations,
          nodeSelector: pod.nodeSelector(settings.os, settings.nodeSelector),
        },
      },
    },
  });
}
