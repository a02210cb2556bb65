import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResolvedDaemonSetOptions } from './daemonset-options';
import { goDuration } from './duration';
import * as pod from './pod-options';
import { ProviderExtraVolumes, ProviderSettings } from './provider-settings';
import { Provider } from '../facts/install';
import { OperatingSystem } from '../facts/os';

/**
 * The provider DaemonSets, field for field as upstream `deployment/provider-azure-installer.yaml`
 * and `provider-azure-installer-windows.yaml` v1.8.2 plus the Helm chart's updateStrategy and
 * (Linux) dnsPolicy, built on the typed `KubeDaemonSet`.
 */

const { IntOrString } = kplus.k8s;

/** The provider's flags (the Helm chart's order), with the socket `endpoint` of one OS. */
function providerArgs(s: ProviderSettings, endpoint: string): string[] {
  return [
    `--endpoint=${endpoint}`,
    ...s.logFormatJson ? ['--log-format-json=true'] : [],
    ...s.logVerbosity ? [`-v=${s.logVerbosity}`] : [],
    `--construct-pem-chain=${s.constructPemChain}`,
    ...s.customUserAgent !== undefined ? [`--custom-user-agent=${s.customUserAgent}`] : [],
    `--healthz-port=${s.healthzPort}`,
    `--healthz-path=${s.healthzPath}`,
    `--healthz-timeout=${goDuration(s.healthzTimeout)}`,
    ...s.writeCertAndKeyInSeparateFiles ? ['--write-cert-and-key-in-separate-files=true'] : [],
    ...s.metricsPortFlag ? [`--prometheus-port=${s.metricsPort}`] : [],
  ];
}

/** @internal The provider DaemonSets the settings ask for. */
export function addProviderDaemonSets(
  scope: Construct, s: ProviderSettings, shared: ResolvedDaemonSetOptions, volumes: ProviderExtraVolumes,
): { linux?: kplus.k8s.KubeDaemonSet; windows?: kplus.k8s.KubeDaemonSet } {
  const common = {
    namespace: s.namespace,
    image: s.image,
    healthzPort: s.healthzPort,
    healthzPath: s.healthzPath,
    metricsPort: s.metricsPort,
    imagePullSecrets: pod.imagePullSecrets(s.imagePullSecrets),
    imagePullPolicy: shared.imagePullPolicy,
    serviceAccountName: s.serviceAccountName,
    affinity: shared.affinity,
    podLabels: shared.podLabels,
    podAnnotations: shared.podAnnotations,
    daemonSetAnnotations: shared.daemonSetAnnotations,
    updateStrategy: pod.rollingUpdate(s.maxUnavailable),
  };
  const linux = s.linux ? addProviderDaemonSet(scope, 'DaemonSet', {
    ...common,
    ...shared.linux,
    os: OperatingSystem.LINUX,
    name: Provider.NAME,
    args: providerArgs(s, Provider.LINUX_ENDPOINT),
    resources: pod.resources(s.resources, Provider.LINUX_RESOURCES),
    // Read-only root, no capabilities; root only to create the socket in the host directory.
    securityContext: {
      allowPrivilegeEscalation: s.privileged ? undefined : false,
      readOnlyRootFilesystem: true,
      runAsUser: 0,
      capabilities: { drop: ['ALL'] },
      privileged: s.privileged ? true : undefined,
    },
    hostNetwork: s.hostNetwork,
    dnsPolicy: s.dnsPolicy,
    providersDir: s.providersDir,
    volumeMounts: volumes.linux.mounts,
    volumes: volumes.linux.volumes,
  }) : undefined;
  const windows = s.windows ? addProviderDaemonSet(scope, 'WindowsDaemonSet', {
    ...common,
    ...shared.windows,
    os: OperatingSystem.WINDOWS,
    name: Provider.WINDOWS_DAEMONSET,
    args: providerArgs(s, Provider.WINDOWS_ENDPOINT),
    resources: pod.resources(s.windowsResources, Provider.WINDOWS_RESOURCES),
    providersDir: s.windowsProvidersDir,
    providersDirType: 'DirectoryOrCreate',
    volumeMounts: volumes.windows.mounts,
    volumes: volumes.windows.volumes,
  }) : undefined;
  return { linux, windows };
}

/** @internal Settings of one provider DaemonSet, resolved by the construct. */
export interface ProviderDaemonSetSettings {
  readonly os: OperatingSystem;
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly args: string[];
  readonly healthzPort: number;
  readonly healthzPath: string;
  readonly metricsPort: number;
  readonly resources?: kplus.k8s.ResourceRequirements;
  readonly securityContext?: kplus.k8s.SecurityContext;
  readonly hostNetwork?: boolean;
  readonly dnsPolicy?: string;
  /** Host directory of the socket. */
  readonly providersDir: string;
  /** Upstream sets `type: DirectoryOrCreate` on Windows only. */
  readonly providersDirType?: string;
  readonly volumeMounts: kplus.k8s.VolumeMount[];
  readonly volumes: kplus.k8s.Volume[];
  readonly imagePullSecrets?: kplus.k8s.LocalObjectReference[];
  readonly imagePullPolicy: string;
  readonly serviceAccountName: string;
  readonly priorityClassName?: string;
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations?: kplus.k8s.Toleration[];
  readonly affinity?: kplus.k8s.Affinity;
  /** Pod labels besides the selector label. */
  readonly podLabels: { [key: string]: string };
  readonly podAnnotations: { [key: string]: string };
  readonly daemonSetAnnotations?: { [key: string]: string };
  readonly updateStrategy?: kplus.k8s.DaemonSetUpdateStrategy;
}

/** @internal The Linux or Windows provider DaemonSet. */
export function addProviderDaemonSet(scope: Construct, id: string, settings: ProviderDaemonSetSettings): kplus.k8s.KubeDaemonSet {
  const labels = { app: Provider.NAME };
  const annotations = Object.keys(settings.podAnnotations).length ? { ...settings.podAnnotations } : undefined;
  const socketDir = settings.os === OperatingSystem.LINUX ? Provider.LINUX_SOCKET_DIR : Provider.WINDOWS_SOCKET_DIR;
  return new kplus.k8s.KubeDaemonSet(scope, id, {
    metadata: { name: settings.name, namespace: settings.namespace, labels, annotations: settings.daemonSetAnnotations },
    spec: {
      updateStrategy: settings.updateStrategy,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, ...settings.podLabels }, annotations },
        spec: {
          serviceAccountName: settings.serviceAccountName,
          hostNetwork: settings.hostNetwork,
          dnsPolicy: settings.dnsPolicy,
          imagePullSecrets: settings.imagePullSecrets,
          priorityClassName: settings.priorityClassName,
          containers: [{
            name: Provider.CONTAINER,
            image: settings.image,
            imagePullPolicy: settings.imagePullPolicy,
            args: settings.args,
            livenessProbe: {
              httpGet: { path: settings.healthzPath, port: IntOrString.fromNumber(settings.healthzPort) },
              ...Provider.PROBE,
            },
            resources: settings.resources,
            ports: [{ containerPort: settings.metricsPort, name: Provider.METRICS_PORT_NAME, protocol: 'TCP' }],
            securityContext: settings.securityContext,
            volumeMounts: [{ mountPath: socketDir, name: Provider.VOLUME }, ...settings.volumeMounts],
          }],
          affinity: settings.affinity,
          volumes: [
            { name: Provider.VOLUME, hostPath: { path: settings.providersDir, type: settings.providersDirType } },
            ...settings.volumes,
          ],
          tolerations: settings.tolerations,
          nodeSelector: pod.nodeSelector(settings.os, settings.nodeSelector),
        },
      },
    },
  });
}
