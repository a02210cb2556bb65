import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { InstallDaemonSetOptions } from './daemonset-options';
import { InstallVolumeMount } from './volume-mounts';

/** A custom cloud environment file (Azure Stack Hub) on the nodes, mounted read-only into the Linux provider. */
export interface CloudEnvironmentFile {
  /** Path of the JSON file on the nodes, e.g. "/etc/kubernetes/custom_environment.json". */
  readonly hostPath: string;

  /**
   * Path of the file in the provider container: what `AzureCloud.stack({ environmentFile })` of the
   * classes must name.
   *
   * @default - the host path
   */
  readonly mountPath?: string;
}

/** Properties of an `AzureKeyVaultProvider`. */
export interface AzureKeyVaultProviderProps extends InstallDaemonSetOptions {
  /**
   * Namespace of the ServiceAccount and the DaemonSets.
   *
   * @default "kube-system"
   */
  readonly namespace?: string;

  /**
   * Whether to install the Linux DaemonSet `csi-secrets-store-provider-azure`.
   *
   * @default true
   */
  readonly linux?: boolean;

  /**
   * Whether to install the Windows DaemonSet `csi-secrets-store-provider-azure-windows`.
   *
   * @default false
   */
  readonly windows?: boolean;

  /**
   * Provider release: the image tag, and what the app-wide checks compare (identity binding needs
   * v1.8.0+). One of the provider's release tags
   * (https://github.com/Azure/secrets-store-csi-driver-provider-azure/tags, v0.1.0 to v1.8.2; v1.8.0
   * has none); with `image` (a custom build, or a release newer than this library), any
   * "vMAJOR.MINOR.PATCH", the release the image is based on.
   *
   * @default "v1.8.2"
   */
  readonly version?: string;

  /**
   * Image repository (a mirror of the MCR image).
   *
   * @default "mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure"
   */
  readonly imageRepository?: string;

  /**
   * Full image reference (replaces `imageRepository` and `version` for the image; set `version`
   * to the release it is based on, which then need not be one this library knows).
   *
   * @default - "<imageRepository>:<version>"
   */
  readonly image?: string;

  /**
   * Names of Secrets (in `namespace`) to pull the image with.
   *
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Whether a certificate's `secret` object is written with its full chain (`--construct-pem-chain`).
   * False is passed explicitly (the binary's default is true).
   *
   * @default true
   */
  readonly constructPemChain?: boolean;

  /**
   * Whether a certificate's `secret` object is written as two files, `<name>.crt` and `<name>.key`
   * (`--write-cert-and-key-in-separate-files`).
   *
   * @default false
   */
  readonly writeCertAndKeyInSeparateFiles?: boolean;

  /**
   * klog verbosity (`-v`, omitted when 0).
   *
   * @default 0
   */
  readonly logVerbosity?: number;

  /**
   * Whether the provider logs JSON (`--log-format-json=true`).
   *
   * @default false
   */
  readonly logFormatJson?: boolean;

  /**
   * Appended to the provider's user agent on Azure requests (`--custom-user-agent`).
   *
   * @default - none
   */
  readonly customUserAgent?: string;

  /**
   * Port of the health endpoint (`--healthz-port`, liveness probe). On the host network.
   *
   * @default 8989
   */
  readonly healthzPort?: number;

  /**
   * Path of the health endpoint (`--healthz-path`, liveness probe).
   *
   * @default "/healthz"
   */
  readonly healthzPath?: string;

  /**
   * Timeout of the provider's gRPC health check behind the endpoint (`--healthz-timeout`, written
   * as a Go duration, e.g. "5s"; whole milliseconds).
   *
   * @default Duration.seconds(5)
   */
  readonly healthzTimeout?: Duration;

  /**
   * Prometheus port: the `metrics` containerPort and, when set, `--prometheus-port` (the Helm
   * chart changes only the containerPort). On the host network.
   *
   * @default 8898
   */
  readonly metricsPort?: number;

  /**
   * Resources of the Linux container (replace the default entirely).
   *
   * @default - requests and limits 50m / 100Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Resources of the Windows container.
   *
   * @default - requests and limits 100m / 200Mi
   */
  readonly windowsResources?: kplus.ContainerResources;

  /**
   * Runs the Linux container privileged (needed on OpenShift/ARO), dropping
   * `allowPrivilegeEscalation: false`, as the Helm chart's `linux.privileged`. The ServiceAccounts
   * then need the `privileged` SCC (`oc adm policy add-scc-to-user privileged`).
   *
   * @default false
   */
  readonly privileged?: boolean;

  /**
   * Whether the Linux pods use the host network (needed by pod identity, which calls NMI on the node).
   *
   * @default true
   */
  readonly hostNetwork?: boolean;

  /**
   * DNS policy of the Linux pods: "ClusterFirstWithHostNet", "ClusterFirst" or "Default" (a
   * `DnsPolicy` member of any cdk8s-plus is one of these strings; "None" needs a `dnsConfig` the
   * pods do not have). Identity binding needs "ClusterFirstWithHostNet" on the host network.
   *
   * @default - "ClusterFirstWithHostNet" with the host network (the Helm chart's), else the Kubernetes default
   */
  readonly dnsPolicy?: string;

  /**
   * PriorityClass of the provider pods (e.g. "system-node-critical"); the Windows pods use
   * `windowsPriorityClassName` when given.
   *
   * @default - none
   */
  readonly priorityClassName?: string;

  /**
   * Node labels the pods require, besides `kubernetes.io/os` (set per DaemonSet); the Windows pods
   * use `windowsNodeSelector` when given.
   *
   * @default - only `kubernetes.io/os`
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Taints the pods tolerate (the Windows pods: `windowsTolerations` when given), as Kubernetes
   * writes them: `{ key, operator, value, effect, tolerationSeconds }` (`k8s.Toleration` of any
   * cdk8s-plus), e.g. `[{ key: 'CriticalAddonsOnly', operator: 'Exists' }]`.
   *
   * @default [{ operator: 'Exists' }] (every taint, as upstream)
   */
  readonly tolerations?: kplus.k8s.Toleration[];

  /**
   * Node labels the pods require, as the requirements of one required node-affinity term
   * (`k8s.NodeSelectorRequirement` of any cdk8s-plus); `[]` for none.
   *
   * @default [{ key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] }] (as upstream)
   */
  readonly requiredNodeAffinity?: kplus.k8s.NodeSelectorRequirement[];

  /**
   * Extra volumes mounted into the Linux provider container.
   *
   * @default - none
   */
  readonly volumeMounts?: InstallVolumeMount[];

  /**
   * Extra volumes mounted into the Windows provider container (Windows paths).
   *
   * @default - none
   */
  readonly windowsVolumeMounts?: InstallVolumeMount[];

  /**
   * Most pods of a DaemonSet unavailable during a rolling update (`updateStrategy.rollingUpdate`).
   *
   * @default PercentOrAbsolute.absolute(1) (the Helm chart's)
   */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;

  /**
   * Whether to create the ServiceAccount (the chart's `rbac.install`). With false, the pods run
   * as the existing ServiceAccount `serviceAccountName` in `namespace`.
   *
   * @default true
   */
  readonly installRbac?: boolean;

  /**
   * Name of the pods' ServiceAccount (created unless `installRbac` is false).
   *
   * @default "csi-secrets-store-provider-azure"
   */
  readonly serviceAccountName?: string;

  /**
   * Custom cloud environment file for classes using `AzureCloud.stack` (Linux).
   *
   * @default - none
   */
  readonly cloudEnvironmentFile?: CloudEnvironmentFile;

  /**
   * Host directory of the Linux provider socket; must be one the driver searches.
   *
   * @default "/var/run/secrets-store-csi-providers"
   */
  readonly providersDir?: string;

  /**
   * Host directory of the Windows provider socket; must be the driver's `windowsProvidersDir`.
   *
   * @default "C:\\k\\secrets-store-csi-providers"
   */
  readonly windowsProvidersDir?: string;
}
