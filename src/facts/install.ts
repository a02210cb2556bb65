/**
 * Facts of the upstream install manifests, in one place: driver v1.6.0
 * (https://github.com/kubernetes-sigs/secrets-store-csi-driver/tree/0aad886f70e94a6037325f4eaba4660338dde448/deploy)
 * and Azure provider v1.8.2
 * (https://github.com/Azure/secrets-store-csi-driver-provider-azure/tree/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/deployment).
 * The install constructs read these; the parity tests compare the output with the upstream files.
 */

/** Namespace of both installs (upstream `kube-system`). */
export const INSTALL_NAMESPACE = 'kube-system';

/** Node label selecting the operating system. */
export const OS_LABEL = 'kubernetes.io/os';

/** Pull policy of every upstream image. */
export const IMAGE_PULL_POLICY = 'IfNotPresent';

/** An image as repository (below a registry) and tag. */
export interface ImageFact {
  readonly repository: string;
  readonly tag: string;
}

/** Requests and limits of one container, as Kubernetes quantities. */
export interface ResourcesFact {
  readonly limits: { readonly cpu: string; readonly memory: string };
  readonly requests: { readonly cpu: string; readonly memory: string };
}

/** Secrets Store CSI Driver v1.6.0 (`deploy/`). */
export const Driver = {
  VERSION: 'v1.6.0',
  /**
   * Every release tag of the driver, oldest first (SemVer order: a release candidate before its
   * release): the tags of https://github.com/kubernetes-sigs/secrets-store-csi-driver/tags as of
   * commit 0aad886f70e94a6037325f4eaba4660338dde448 (2026-04-30; there is no v0.0.4). The image
   * tags follow them (registry.k8s.io/csi-secrets-store/driver:<tag>).
   */
  RELEASES: [
    'v0.0.1', 'v0.0.2', 'v0.0.3', 'v0.0.5', 'v0.0.6', 'v0.0.7', 'v0.0.8', 'v0.0.9', 'v0.0.10', 'v0.0.11', 'v0.0.12', 'v0.0.13',
    'v0.0.14', 'v0.0.15', 'v0.0.16', 'v0.0.17', 'v0.0.18', 'v0.0.19', 'v0.0.20', 'v0.0.21', 'v0.0.22', 'v0.0.23', 'v0.1.0', 'v0.2.0',
    'v0.3.0', 'v1.0.0-rc.0', 'v1.0.0-rc.1', 'v1.0.0', 'v1.0.1', 'v1.1.0-rc.0', 'v1.1.0', 'v1.1.1', 'v1.1.2', 'v1.2.0', 'v1.2.1',
    'v1.2.2', 'v1.2.3', 'v1.2.4', 'v1.3.0', 'v1.3.1', 'v1.3.2', 'v1.3.3', 'v1.3.4', 'v1.4.0', 'v1.4.1', 'v1.4.2', 'v1.4.3',
    'v1.4.4', 'v1.4.5', 'v1.4.6', 'v1.4.7', 'v1.4.8', 'v1.5.0', 'v1.5.1', 'v1.5.2', 'v1.5.3', 'v1.5.4', 'v1.5.5', 'v1.5.6',
    'v1.6.0',
  ] as readonly string[],
  /** First release without the rotation and token-request roles (rotation through RequiresRepublish). */
  REQUIRES_REPUBLISH_VERSION: 'v1.6.0',
  IMAGE_REGISTRY: 'registry.k8s.io',
  IMAGE_REPOSITORY: 'csi-secrets-store/driver',
  REGISTRAR_IMAGE: { repository: 'sig-storage/csi-node-driver-registrar', tag: 'v2.16.0' } as ImageFact,
  LIVENESS_PROBE_IMAGE: { repository: 'sig-storage/livenessprobe', tag: 'v2.18.0' } as ImageFact,

  SERVICE_ACCOUNT: 'secrets-store-csi-driver',
  DAEMONSET: 'csi-secrets-store',
  WINDOWS_DAEMONSET: 'csi-secrets-store-windows',
  APP_LABEL: 'csi-secrets-store',
  DEFAULT_CONTAINER_ANNOTATION: 'kubectl.kubernetes.io/default-container',

  REGISTRAR_CONTAINER: 'node-driver-registrar',
  DRIVER_CONTAINER: 'secrets-store',
  LIVENESS_CONTAINER: 'liveness-probe',

  REGISTRAR_LOG_VERBOSITY: 5,
  LIVENESS_LOG_VERBOSITY: 2,
  LIVENESS_PROBE_TIMEOUT: '3s',
  HEALTHZ_PORT: 9808,
  HEALTHZ_PORT_NAME: 'healthz',
  HEALTHZ_PATH: '/healthz',
  METRICS_ADDRESS: ':8095',
  METRICS_PORT_NAME: 'metrics',
  /** livenessProbe of the driver container. */
  PROBE: { failureThreshold: 5, initialDelaySeconds: 30, timeoutSeconds: 10, periodSeconds: 15 },

  /** `--rotation-poll-interval` (written "2m"). */
  ROTATION_POLL_INTERVAL_MINUTES: 2,
  /** `--provider-health-check-interval` (written "2m"). */
  PROVIDER_HEALTH_CHECK_INTERVAL_MINUTES: 2,
  /** Environment variables the driver container sets itself. */
  ENV_NAMES: ['CSI_ENDPOINT', 'KUBE_NODE_NAME'] as string[],

  /** Volume names of the pod. */
  Volume: {
    MOUNTPOINT: 'mountpoint-dir',
    REGISTRATION: 'registration-dir',
    PLUGIN: 'plugin-dir',
    /** First providers directory; the others are `providers-dir-<i>`. */
    PROVIDERS: 'providers-dir',
  },

  Linux: {
    KUBELET_ROOT_DIR: '/var/lib/kubelet',
    ADDITIONAL_PROVIDERS_DIRS: ['/etc/kubernetes/secrets-store-csi-providers'] as readonly string[],
    CSI_DIR: '/csi',
    REGISTRATION_DIR: '/registration',
    RESOURCES: {
      registrar: { limits: { cpu: '100m', memory: '100Mi' }, requests: { cpu: '10m', memory: '20Mi' } },
      driver: { limits: { cpu: '200m', memory: '200Mi' }, requests: { cpu: '50m', memory: '100Mi' } },
      liveness: { limits: { cpu: '100m', memory: '100Mi' }, requests: { cpu: '10m', memory: '20Mi' } },
    } as Record<'registrar' | 'driver' | 'liveness', ResourcesFact>,
  },

  Windows: {
    KUBELET_ROOT_DIR: 'C:\\var\\lib\\kubelet',
    CSI_DIR: 'C:\\csi',
    REGISTRATION_DIR: 'C:\\registration',
    /** Upstream writes these with doubled backslashes (a plain YAML scalar); kept byte-for-byte. */
    CSI_ENDPOINT_ENV: 'unix://C:\\\\csi\\\\csi.sock',
    RESOURCES: {
      registrar: { limits: { cpu: '200m', memory: '200Mi' }, requests: { cpu: '100m', memory: '100Mi' } },
      driver: { limits: { cpu: '400m', memory: '400Mi' }, requests: { cpu: '100m', memory: '100Mi' } },
      liveness: { limits: { cpu: '200m', memory: '200Mi' }, requests: { cpu: '100m', memory: '100Mi' } },
    } as Record<'registrar' | 'driver' | 'liveness', ResourcesFact>,
  },

  /** Cluster-scoped RBAC names (fixed upstream: one driver install per cluster). */
  Rbac: {
    ROLE: 'secretproviderclasses-role',
    ROLE_BINDING: 'secretproviderclasses-rolebinding',
    SYNC_ROLE: 'secretprovidersyncing-role',
    SYNC_ROLE_BINDING: 'secretprovidersyncing-rolebinding',
    ADMIN_ROLE: 'secretproviderclasses-admin-role',
    VIEWER_ROLE: 'secretproviderclasses-viewer-role',
    POD_STATUS_VIEWER_ROLE: 'secretproviderclasspodstatuses-viewer-role',
    /** Driver ≤ v1.5.x only. */
    ROTATION_ROLE: 'secretproviderrotation-role',
    ROTATION_ROLE_BINDING: 'secretproviderrotation-rolebinding',
    TOKEN_REQUEST_ROLE: 'secretprovidertokenrequest-role',
    TOKEN_REQUEST_ROLE_BINDING: 'secretprovidertokenrequest-rolebinding',
  },
} as const;

/** The providers directory both the driver and the provider use by default. */
export const ProvidersDir = {
  LINUX: '/var/run/secrets-store-csi-providers',
  WINDOWS: 'C:\\k\\secrets-store-csi-providers',
} as const;

/** Azure Key Vault provider v1.8.2 (`deployment/`). */
export const Provider = {
  VERSION: 'v1.8.2',
  /**
   * Every release tag of the provider of the form vX.Y.Z, oldest first (SemVer order): the tags
   * of https://github.com/Azure/secrets-store-csi-driver-provider-azure/tags as of commit
   * d5f7cf5b598c2eede99ad3683de0ba10f7a8736b (2026-06-11). v1.8.0 has no tag (its release commit
   * a0b870ab was followed by v1.8.1 a day later); the 2020 releases 0.0.1–0.0.16 were tagged
   * without the "v" and are not listed. The image tags follow them
   * (mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure:<tag> from v1.7.0, before that
   * mcr.microsoft.com/oss/azure/secrets-store/provider-azure:<tag>, as upstream `deployment/`).
   */
  RELEASES: [
    'v0.1.0', 'v0.2.0', 'v1.0.0-rc.0', 'v1.0.0', 'v1.0.1', 'v1.1.0-rc.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.4.1',
    'v1.5.0', 'v1.5.1', 'v1.5.2', 'v1.5.3', 'v1.6.0', 'v1.6.1', 'v1.6.2', 'v1.7.0', 'v1.7.1', 'v1.7.2', 'v1.8.1', 'v1.8.2',
  ] as readonly string[],
  IMAGE_REPOSITORY: 'mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure',

  NAME: 'csi-secrets-store-provider-azure',
  WINDOWS_DAEMONSET: 'csi-secrets-store-provider-azure-windows',
  CONTAINER: 'provider-azure-installer',
  VOLUME: 'providervol',
  CLOUD_ENV_VOLUME: 'cloud-environment-file',

  LINUX_SOCKET_DIR: '/provider',
  LINUX_ENDPOINT: 'unix:///provider/azure.sock',
  WINDOWS_SOCKET_DIR: 'C:\\provider',
  /** Upstream writes this with doubled backslashes (a plain YAML scalar); kept byte-for-byte. */
  WINDOWS_ENDPOINT: 'unix://C:\\\\provider\\\\azure.sock',

  HEALTHZ_PORT: 8989,
  HEALTHZ_PATH: '/healthz',
  /** `--healthz-timeout` (written "5s"). */
  HEALTHZ_TIMEOUT_SECONDS: 5,
  METRICS_PORT: 8898,
  METRICS_PORT_NAME: 'metrics',
  PROBE: { failureThreshold: 3, initialDelaySeconds: 5, timeoutSeconds: 10, periodSeconds: 30 },

  /** Helm chart improvement: `linux.updateStrategy` (the raw manifest has only `type`). */
  MAX_UNAVAILABLE: 1,
  /** Helm chart improvement: identity binding's token proxy resolves cluster DNS from the host network. */
  DNS_POLICY: 'ClusterFirstWithHostNet', // kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET, spelled out so that the validate command loads no cdk8s-plus
  /** Node affinity of both DaemonSets: never on virtual kubelets. */
  EXCLUDED_NODE_TYPE: { key: 'type', values: ['virtual-kubelet'] },

  LINUX_RESOURCES: { limits: { cpu: '50m', memory: '100Mi' }, requests: { cpu: '50m', memory: '100Mi' } } as ResourcesFact,
  WINDOWS_RESOURCES: { limits: { cpu: '100m', memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } } as ResourcesFact,
} as const;
