import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { InstallDaemonSetOptions } from './daemonset-options';
import { InstallVolumeMount } from './volume-mounts';

/** Secret rotation: the driver re-fetches objects when kubelet republishes a mounted volume. */
export interface SecretRotationOptions {
  /**
   * Whether the driver re-fetches objects on republish (`--enable-secret-rotation`).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Minimum interval between two fetches for one volume (`--rotation-poll-interval`, written as a
   * Go duration, e.g. "2m" or "1m30s"; whole seconds). The effective cadence is the larger of this
   * and kubelet's republish period.
   *
   * @default Duration.minutes(2)
   */
  readonly pollInterval?: Duration;
}

/** Properties of a `SecretsStoreCsiDriver`. */
export interface SecretsStoreCsiDriverProps extends InstallDaemonSetOptions {
  /**
   * Namespace of the ServiceAccount and the DaemonSets (cluster-scoped objects have none).
   *
   * @default "kube-system"
   */
  readonly namespace?: string;

  /**
   * Whether to install the Linux DaemonSet `csi-secrets-store`.
   *
   * @default true
   */
  readonly linux?: boolean;

  /**
   * Whether to install the Windows DaemonSet `csi-secrets-store-windows`.
   *
   * @default false
   */
  readonly windows?: boolean;

  /**
   * Driver release: the driver image tag, and what version-specific RBAC and flags follow from.
   * One of the driver's release tags
   * (https://github.com/kubernetes-sigs/secrets-store-csi-driver/tags, v0.0.1 to v1.6.0); with
   * `image` (a custom build, or a release newer than this library), any "vMAJOR.MINOR.PATCH", the
   * release the image is based on.
   *
   * @default "v1.6.0"
   */
  readonly version?: string;

  /**
   * Registry of the three images (a mirror of registry.k8s.io, with the same repository paths).
   *
   * @default "registry.k8s.io"
   */
  readonly imageRegistry?: string;

  /**
   * Driver image (replaces `imageRegistry` and `version` for this image; set `version` to the
   * release it is based on, which then need not be one this library knows).
   *
   * @default - "<imageRegistry>/csi-secrets-store/driver:<version>"
   */
  readonly image?: string;

  /**
   * node-driver-registrar image.
   *
   * @default - "<imageRegistry>/sig-storage/csi-node-driver-registrar:v2.16.0"
   */
  readonly registrarImage?: string;

  /**
   * livenessprobe image.
   *
   * @default - "<imageRegistry>/sig-storage/livenessprobe:v2.18.0"
   */
  readonly livenessProbeImage?: string;

  /**
   * Names of Secrets (in `namespace`) to pull the images with.
   *
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Secret rotation. Enabling it sets `--enable-secret-rotation=true`; the CSIDriver always has
   * `requiresRepublish: true`, as upstream `deploy/`.
   *
   * @default - rotation disabled, poll interval "2m" (as upstream `deploy/`)
   */
  readonly rotation?: SecretRotationOptions;

  /**
   * Service-account token audiences kubelet passes to the driver (CSIDriver `tokenRequests`).
   * Requesting an audience no class uses is harmless; `[]` requests none.
   *
   * @default - `api://AzureADTokenExchange` (workload identity) and `api://AKSIdentityBinding`
   * (identity binding), as the provider's Helm chart, so workloads in other apps can use either;
   * plus any other audience a KeyVaultSecretProviderClass of the app (same cluster) needs
   */
  readonly tokenAudiences?: string[];

  /**
   * Sets CSIDriver `serviceAccountTokenInSecrets: true` when there are token audiences (by default
   * there are): kubelet
   * passes the tokens in the NodePublishVolume secrets instead of the volume context. Needs
   * Kubernetes 1.35+ and driver v1.6.0+.
   *
   * @default false
   */
  readonly serviceAccountTokenInSecrets?: boolean;

  /**
   * Whether to install the secret-sync RBAC (`secretprovidersyncing-role` and binding: create,
   * delete, get, list, patch, update, watch on Secrets).
   *
   * @default - derived at synth: installed exactly when a KeyVaultSecretProviderClass in the app
   * (same cluster) syncs a Kubernetes Secret
   */
  readonly syncSecrets?: boolean;

  /**
   * Also install the RBAC driver v1.5.x needs and v1.6.0 removed: `secretproviderrotation-role`
   * (get, list, watch Secrets) when rotation is enabled, and `secretprovidertokenrequest-role`
   * (create serviceaccounts/token) when there are token audiences, each with its binding.
   *
   * @default - true when `version` is older than v1.6.0
   */
  readonly legacyRbac?: boolean;

  /**
   * Whether the driver periodically checks its providers (`--provider-health-check`; logs only).
   *
   * @default false
   */
  readonly providerHealthCheck?: boolean;

  /**
   * Interval of the provider health check (`--provider-health-check-interval`, written as a Go
   * duration; whole seconds).
   *
   * @default Duration.minutes(2)
   */
  readonly providerHealthCheckInterval?: Duration;

  /**
   * Prometheus listen address (`--metrics-addr`); its port is the `metrics` containerPort.
   *
   * @default ":8095"
   */
  readonly metricsAddress?: string;

  /**
   * klog verbosity of the driver (`-v`, omitted when 0).
   *
   * @default 0
   */
  readonly logVerbosity?: number;

  /**
   * Whether the driver logs JSON (`--log-format-json=true`).
   *
   * @default false
   */
  readonly logFormatJson?: boolean;

  /**
   * Largest gRPC response accepted from providers, in bytes (`--max-call-recv-msg-size`).
   *
   * @default - the driver's default, 4194304 (flag omitted)
   */
  readonly maxCallRecvMsgSize?: number;

  /**
   * kubelet root directory on Linux nodes (MicroK8s, k0s and others move it).
   *
   * @default "/var/lib/kubelet"
   */
  readonly kubeletRootDir?: string;

  /**
   * kubelet root directory on Windows nodes.
   *
   * @default "C:\\var\\lib\\kubelet"
   */
  readonly windowsKubeletRootDir?: string;

  /**
   * Host directory of provider sockets on Linux (`--provider-volume`); the provider's
   * `providersDir` must be this or one of `additionalProvidersDirs`.
   *
   * @default "/var/run/secrets-store-csi-providers"
   */
  readonly providersDir?: string;

  /**
   * More host directories searched for provider sockets on Linux
   * (`--additional-provider-volume-paths`, searched before `providersDir`).
   *
   * @default ["/etc/kubernetes/secrets-store-csi-providers"]
   */
  readonly additionalProvidersDirs?: string[];

  /**
   * Host directory of provider sockets on Windows (`--provider-volume`).
   *
   * @default "C:\\k\\secrets-store-csi-providers"
   */
  readonly windowsProvidersDir?: string;

  /**
   * PriorityClass of the driver pods (e.g. "system-node-critical"); the Windows pods use
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
   * (`k8s.NodeSelectorRequirement` of any cdk8s-plus), e.g.
   * `[{ key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] }]`.
   *
   * @default - none (as upstream `deploy/`)
   */
  readonly requiredNodeAffinity?: kplus.k8s.NodeSelectorRequirement[];

  /**
   * Resources of the Linux driver container (replace the default entirely).
   *
   * @default - requests 50m / 100Mi, limits 200m / 200Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Resources of the Linux node-driver-registrar container.
   *
   * @default - requests 10m / 20Mi, limits 100m / 100Mi
   */
  readonly registrarResources?: kplus.ContainerResources;

  /**
   * Resources of the Linux liveness-probe container.
   *
   * @default - requests 10m / 20Mi, limits 100m / 100Mi
   */
  readonly livenessProbeResources?: kplus.ContainerResources;

  /**
   * Resources of the Windows driver container.
   *
   * @default - requests 100m / 100Mi, limits 400m / 400Mi
   */
  readonly windowsResources?: kplus.ContainerResources;

  /**
   * Resources of the Windows node-driver-registrar container.
   *
   * @default - requests 100m / 100Mi, limits 200m / 200Mi
   */
  readonly windowsRegistrarResources?: kplus.ContainerResources;

  /**
   * Resources of the Windows liveness-probe container.
   *
   * @default - requests 100m / 100Mi, limits 200m / 200Mi
   */
  readonly windowsLivenessProbeResources?: kplus.ContainerResources;

  /**
   * Whether to install the SecretProviderClass and SecretProviderClassPodStatus CRDs.
   *
   * @default true
   */
  readonly installCrds?: boolean;

  /**
   * Whether to install the ClusterRoles aggregated into the built-in admin, edit and view roles.
   *
   * @default true
   */
  readonly aggregatedRoles?: boolean;

  /**
   * Whether to create the ServiceAccount and the driver's base ClusterRole and binding
   * (`secretproviderclasses-role[binding]`), as the chart's `rbac.install`. With false the pods
   * run as the existing ServiceAccount `serviceAccountName`, whose RBAC you manage; the
   * secret-sync and legacy roles still follow `syncSecrets` and `legacyRbac` (bound to that
   * ServiceAccount), and the aggregated roles `aggregatedRoles`.
   *
   * @default true
   */
  readonly installRbac?: boolean;

  /**
   * Name of the pods' ServiceAccount in `namespace` (created unless `installRbac` is false; every
   * binding the construct writes names it).
   *
   * @default "secrets-store-csi-driver"
   */
  readonly serviceAccountName?: string;

  /**
   * Sets the pods' `automountServiceAccountToken` (the driver needs API access: with false, mount
   * a projected token yourself through `volumes`/`volumeMounts`).
   *
   * @default - not set (Kubernetes mounts the token)
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Most pods of a DaemonSet unavailable during a rolling update (writes `updateStrategy`).
   *
   * @default - no `updateStrategy` written (as upstream `deploy/`): Kubernetes' RollingUpdate with
   * maxUnavailable 1, the chart's value
   */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;

  /**
   * Extra environment variables of the Linux driver container (e.g. a proxy), before the
   * construct's own `CSI_ENDPOINT` and `KUBE_NODE_NAME`.
   *
   * @default - none
   */
  readonly env?: { [name: string]: kplus.EnvValue };

  /**
   * Extra environment variables of the Windows driver container.
   *
   * @default - none
   */
  readonly windowsEnv?: { [name: string]: kplus.EnvValue };

  /**
   * Extra volumes mounted into the Linux driver container.
   *
   * @default - none
   */
  readonly volumeMounts?: InstallVolumeMount[];

  /**
   * Extra volumes mounted into the Windows driver container (Windows paths).
   *
   * @default - none
   */
  readonly windowsVolumeMounts?: InstallVolumeMount[];

  /**
   * klog verbosity of the node-driver-registrar (`--v`).
   *
   * @default 5
   */
  readonly registrarLogVerbosity?: number;

  /**
   * Port of the liveness-probe sidecar's health endpoint (`--http-endpoint=0.0.0.0:<port>`, the
   * driver's `healthz` containerPort).
   *
   * @default 9808
   */
  readonly livenessProbePort?: number;

  /**
   * klog verbosity of the liveness-probe sidecar (`-v`).
   *
   * @default 2
   */
  readonly livenessProbeLogVerbosity?: number;
}
