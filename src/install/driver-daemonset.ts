import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Driver, IMAGE_PULL_POLICY } from './defaults';
import { OperatingSystem, paths } from './os';
import { nodeSelector } from './pod-options';

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
  readonly priorityClassName?: string;
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations?: kplus.k8s.Toleration[];
  readonly affinity?: kplus.k8s.Affinity;
}

/**
 * Providers directories in upstream's volume order: the additional ones, then `--provider-volume`,
 * named `providers-dir`, `providers-dir-0`, `providers-dir-1`… (deploy/ names the first additional
 * directory `providers-dir` and the main one `providers-dir-0`). Duplicates are mounted once.
 */
function providerVolumes(settings: DriverDaemonSetSettings): { name: string; path: string }[] {
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
      `--v=${Driver.REGISTRAR_LOG_VERBOSITY}`,
      `--csi-address=${os.csiAddress}`,
      `--kubelet-registration-path=${os.join(root, 'plugins', 'csi-secrets-store', 'csi.sock')}`,
    ],
    imagePullPolicy: IMAGE_PULL_POLICY,
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
      { name: 'CSI_ENDPOINT', value: os.csiEndpointEnv },
      { name: 'KUBE_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
    ],
    imagePullPolicy: IMAGE_PULL_POLICY,
    // Linux: mounts tmpfs into pod directories with Bidirectional propagation, which needs privileged.
    securityContext: linux ? { privileged: true } : undefined,
    ports: [
      { containerPort: Driver.HEALTHZ_PORT, name: Driver.HEALTHZ_PORT_NAME, protocol: 'TCP' },
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
    ],
    resources: settings.resources.driver,
  };

  const livenessProbe: kplus.k8s.Container = {
    name: Driver.LIVENESS_CONTAINER,
    image: settings.images.livenessProbe,
    imagePullPolicy: IMAGE_PULL_POLICY,
    args: [
      `--csi-address=${os.csiAddress}`,
      `--probe-timeout=${Driver.LIVENESS_PROBE_TIMEOUT}`,
      `--http-endpoint=0.0.0.0:${Driver.HEALTHZ_PORT}`,
      `-v=${Driver.LIVENESS_LOG_VERBOSITY}`,
    ],
    volumeMounts: [pluginMount],
    resources: settings.resources.livenessProbe,
  };

  const hostPath = (path: string, type: string) => ({ path, type });
  return new kplus.k8s.KubeDaemonSet(scope, id, {
    metadata: { name: settings.name, namespace: settings.namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { [Driver.DEFAULT_CONTAINER_ANNOTATION]: Driver.DRIVER_CONTAINER } },
        spec: {
          serviceAccountName: Driver.SERVICE_ACCOUNT,
          imagePullSecrets: settings.imagePullSecrets,
          priorityClassName: settings.priorityClassName,
          affinity: settings.affinity,
          containers: [registrar, driver, livenessProbe],
          volumes: [
            { name: Driver.Volume.MOUNTPOINT, hostPath: hostPath(os.hostDir(os.join(root, 'pods'), false), 'DirectoryOrCreate') },
            { name: Driver.Volume.REGISTRATION, hostPath: hostPath(os.hostDir(os.join(root, 'plugins_registry'), true), 'Directory') },
            { name: Driver.Volume.PLUGIN, hostPath: hostPath(os.hostDir(os.join(root, 'plugins', 'csi-secrets-store'), true), 'DirectoryOrCreate') },
            ...providers.map(p => ({ name: p.name, hostPath: hostPath(os.hostDir(p.path, false), 'DirectoryOrCreate') })),
          ],
          tolerations: settings.tolerations,
          nodeSelector: nodeSelector(settings.os, settings.nodeSelector),
        },
      },
    },
  });
}
