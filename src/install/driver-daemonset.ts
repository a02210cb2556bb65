import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { nodeSelector } from './pod-options';
import { Driver } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';

/**
 * The driver DaemonSets, field for field as upstream `deploy/secrets-store-csi-driver.yaml` and
 * `deploy/secrets-store-csi-driver-windows.yaml` v1.6.0, built on the typed `KubeDaemonSet`
 * (cdk8s-plus workloads add defaults upstream does not have).
 */

const { IntOrString } = kplus.k8s;

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

/**
 * @internal
 * Providers directories in upstream's volume order: the additional ones, then `--provider-volume`,
 * named `providers-dir`, `providers-dir-0`, `providers-dir-1`… (deploy/ names the first additional
 * directory `providers-dir` and the main one `providers-dir-0`). Duplicates are mounted once.
 */
export function providerVolumes(settings: Pick<DriverDaemonSetSettings, 'providersDir' | 'additionalProvidersDirs'>): { name: string; path: string }[] {
  const dirs = [...new Set([...settings.additionalProvidersDirs, settings.providersDir])];
  return dirs.map((path, i) => ({ name: i === 0 ? Driver.Volume.PROVIDERS : `${Driver.Volume.PROVIDERS}-${i - 1}`, path }));
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
          nodeSelector: nodeSelector(settings.os, settings.nodeSelector),
        },
      },
    },
  });
}
