import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addCrds } from './crds';
import { driverFindings } from './cross-checks';
import { InstallDaemonSetOptions, resolveDaemonSetOptions } from './daemonset-options';
import { addDriverDaemonSet, providerVolumes } from './driver-daemonset';
import { addAggregatedRoles, addBaseRole, addLegacyRotationRole, addLegacyTokenRequestRole, addSyncRole } from './driver-rbac';
import { goDuration, millisOf } from './duration';
import * as pod from './pod-options';
import { ExtraVolumes, InstallVolumeMount } from './volume-mounts';
import { apiObjectsOf } from '../app/api-objects';
import { clusterScoped } from '../app/cluster-scoped';
import { check, withRenderedFindings } from '../app/errors';
import { AppRegistry, RegisteredClass } from '../app/registry';
import { Audience, CSI_DRIVER_NAME } from '../facts/constants';
import { Driver, INSTALL_NAMESPACE, ProvidersDir } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';
import * as installRules from '../rules/install';
import {
  additionalProvidersDirWithoutComma, daemonSetInstalled, distinctAudience, driverMetricsPortFree, oneDriverPerCluster, someDaemonSet, tokensInSecretsSupported,
} from '../rules/install-options';
import { compareVersions, versionRule } from '../rules/version';

/**
 * Audiences the CSIDriver requests by default, in the order of the provider chart's
 * `secrets-store-csi-driver.tokenRequests` (v1.8.2): what workload identity and identity binding
 * read, so workloads of any app can use either.
 */
const DEFAULT_TOKEN_AUDIENCES: readonly string[] = [Audience.WORKLOAD_IDENTITY, Audience.IDENTITY_BINDING];

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
   * Driver image (replaces `imageRegistry` and `version` for this image).
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
   * Taints the pods tolerate (the Windows pods: `windowsTolerations` when given).
   *
   * @default [NodeTaintQuery.any()] (every taint, as upstream)
   */
  readonly tolerations?: kplus.NodeTaintQuery[];

  /**
   * Node labels the pods require, as one required node-affinity term.
   *
   * @default - none (as upstream `deploy/`)
   */
  readonly requiredNodeAffinity?: kplus.NodeLabelQuery[];

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

/**
 * The Secrets Store CSI Driver install (v1.6.0 by default), as upstream `deploy/`: the CSIDriver,
 * the ServiceAccount and RBAC, the aggregated roles, the Linux (and optionally Windows)
 * DaemonSet, and both CRDs. The CSIDriver requests the token audiences of workload identity and
 * identity binding (as the provider's Helm chart), and the secret-sync RBAC is derived at synth
 * from the KeyVaultSecretProviderClasses in the same app. The cluster-scoped names are fixed
 * upstream, so one install per cluster.
 */
export class SecretsStoreCsiDriver extends Construct {
  /** Driver release. */
  public readonly version: string;
  /** Namespace of the ServiceAccount and DaemonSets. */
  public readonly namespace: string;
  /** Host directory of provider sockets on Linux (`--provider-volume`). */
  public readonly providersDir: string;
  /** More host directories searched for provider sockets on Linux. */
  public readonly additionalProvidersDirs: string[];
  /** Host directory of provider sockets on Windows. */
  public readonly windowsProvidersDir: string;
  /** Whether secret rotation is enabled. */
  public readonly rotationEnabled: boolean;
  /** The CSIDriver `secrets-store.csi.k8s.io`. */
  public readonly csiDriver: ApiObject;
  /** Name of the pods' ServiceAccount. */
  public readonly serviceAccountName: string;
  /**
   * The ServiceAccount `secrets-store-csi-driver`.
   *
   * @default - none when `installRbac` is false
   */
  public readonly serviceAccount?: ApiObject;
  /**
   * The Linux DaemonSet.
   *
   * @default - none when `linux` is false
   */
  public readonly linuxDaemonSet?: ApiObject;
  /**
   * The Windows DaemonSet.
   *
   * @default - none unless `windows` is true
   */
  public readonly windowsDaemonSet?: ApiObject;

  private readonly cluster: string;
  private readonly tokenAudiencesOverride?: string[];
  private readonly syncSecretsOverride?: boolean;
  private readonly legacyRbac: boolean;
  private readonly commonLabels: { [key: string]: string };
  private syncRoleAdded = false;
  private tokenRequestRoleAdded = false;

  constructor(scope: Construct, id: string, props: SecretsStoreCsiDriverProps = {}) {
    super(scope, id);
    this.version = props.version ?? Driver.VERSION;
    this.namespace = props.namespace ?? INSTALL_NAMESPACE;
    this.cluster = AppRegistry.clusterOf(this);
    const linux = props.linux ?? true;
    const windows = props.windows ?? false;
    const linuxPaths = paths(OperatingSystem.LINUX);
    const windowsPaths = paths(OperatingSystem.WINDOWS);
    const kubeletRootDir = linuxPaths.trim(props.kubeletRootDir ?? Driver.Linux.KUBELET_ROOT_DIR);
    const windowsKubeletRootDir = windowsPaths.trim(props.windowsKubeletRootDir ?? Driver.Windows.KUBELET_ROOT_DIR);
    this.providersDir = linuxPaths.trim(props.providersDir ?? ProvidersDir.LINUX);
    this.additionalProvidersDirs = (props.additionalProvidersDirs ?? [...Driver.Linux.ADDITIONAL_PROVIDERS_DIRS]).map(linuxPaths.trim);
    this.windowsProvidersDir = windowsPaths.trim(props.windowsProvidersDir ?? ProvidersDir.WINDOWS);
    this.rotationEnabled = props.rotation ? props.rotation.enabled ?? true : false;
    const pollInterval = props.rotation?.pollInterval ?? Duration.minutes(Driver.ROTATION_POLL_INTERVAL_MINUTES);
    const healthCheckInterval = props.providerHealthCheckInterval ?? Duration.minutes(Driver.PROVIDER_HEALTH_CHECK_INTERVAL_MINUTES);
    const livenessProbePort = props.livenessProbePort ?? Driver.HEALTHZ_PORT;
    const registrarLogVerbosity = props.registrarLogVerbosity ?? Driver.REGISTRAR_LOG_VERBOSITY;
    const livenessProbeLogVerbosity = props.livenessProbeLogVerbosity ?? Driver.LIVENESS_LOG_VERBOSITY;
    const installRbac = props.installRbac ?? true;
    this.serviceAccountName = props.serviceAccountName ?? Driver.SERVICE_ACCOUNT;
    const env = props.env ?? {};
    const windowsEnv = props.windowsEnv ?? {};
    const volumeMounts = props.volumeMounts ?? [];
    const windowsVolumeMounts = props.windowsVolumeMounts ?? [];
    const metricsAddress = props.metricsAddress ?? Driver.METRICS_ADDRESS;
    const imageRegistry = props.imageRegistry ?? Driver.IMAGE_REGISTRY;
    const images = {
      driver: props.image ?? `${imageRegistry}/${Driver.IMAGE_REPOSITORY}:${this.version}`,
      registrar: props.registrarImage ?? `${imageRegistry}/${Driver.REGISTRAR_IMAGE.repository}:${Driver.REGISTRAR_IMAGE.tag}`,
      livenessProbe: props.livenessProbeImage ?? `${imageRegistry}/${Driver.LIVENESS_PROBE_IMAGE.repository}:${Driver.LIVENESS_PROBE_IMAGE.tag}`,
    };
    this.tokenAudiencesOverride = props.tokenAudiences ? [...props.tokenAudiences] : undefined;
    this.syncSecretsOverride = props.syncSecrets;
    const nodeSelector = props.nodeSelector ?? {};
    const imagePullSecrets = props.imagePullSecrets ?? [];

    // Eager checks of single values.
    check(this, versionRule(this.version, 'version'));
    this.legacyRbac = props.legacyRbac ?? compareVersions(this.version, Driver.REQUIRES_REPUBLISH_VERSION) < 0;
    check(this, someDaemonSet(linux, windows, 'driver', 'linux'));
    pod.checkPodOptions(this, {
      namespace: this.namespace,
      imagePullSecrets,
      priorityClassName: props.priorityClassName,
      nodeSelector,
      serviceAccountName: this.serviceAccountName,
    });
    const shared = resolveDaemonSetOptions(this, props, {
      nodeSelector,
      tolerations: props.tolerations,
      priorityClassName: props.priorityClassName,
      requiredNodeAffinity: props.requiredNodeAffinity ?? [],
    }, windows, {
      'app': 'the DaemonSets\' selector label',
      'rbac.authorization.k8s.io/aggregate-to-admin': 'aggregation label of the aggregated roles',
      'rbac.authorization.k8s.io/aggregate-to-edit': 'aggregation label of the aggregated roles',
      'rbac.authorization.k8s.io/aggregate-to-view': 'aggregation label of the aggregated roles',
    });
    this.commonLabels = shared.commonLabels;
    if (props.maxUnavailable) check(this, installRules.maxUnavailable(props.maxUnavailable.value, 'maxUnavailable'));
    if (props.imageRegistry !== undefined) check(this, installRules.imageRegistry(props.imageRegistry, 'imageRegistry'));
    check(this, installRules.image(images.driver, 'image'));
    check(this, installRules.image(images.registrar, 'registrarImage'));
    check(this, installRules.image(images.livenessProbe, 'livenessProbeImage'));
    check(this, installRules.interval(millisOf(pollInterval), 1000, 'rotation.pollInterval', pollInterval.toHumanString()));
    check(this, installRules.interval(millisOf(healthCheckInterval), 1000, 'providerHealthCheckInterval', healthCheckInterval.toHumanString()));
    check(this, installRules.port(livenessProbePort, 'livenessProbePort'));
    check(this, installRules.logVerbosity(registrarLogVerbosity, 'registrarLogVerbosity'));
    check(this, installRules.logVerbosity(livenessProbeLogVerbosity, 'livenessProbeLogVerbosity'));
    check(this, installRules.metricsAddress(metricsAddress, 'metricsAddress'));
    const metricsPort = installRules.metricsPort(metricsAddress);
    check(this, driverMetricsPortFree(metricsAddress, metricsPort, livenessProbePort, 'metricsAddress'));
    if (props.logVerbosity !== undefined) check(this, installRules.logVerbosity(props.logVerbosity, 'logVerbosity'));
    if (props.maxCallRecvMsgSize !== undefined) check(this, installRules.positiveInteger(props.maxCallRecvMsgSize, 'maxCallRecvMsgSize'));
    check(this, installRules.linuxPath(kubeletRootDir, 'kubeletRootDir'));
    check(this, installRules.linuxPath(this.providersDir, 'providersDir'));
    this.additionalProvidersDirs.forEach((dir, i) => check(this, installRules.linuxPath(dir, `additionalProvidersDirs[${i}]`)));
    this.additionalProvidersDirs.forEach((dir, i) => check(this, additionalProvidersDirWithoutComma(dir, `additionalProvidersDirs[${i}]`)));
    check(this, installRules.windowsPath(windowsKubeletRootDir, 'windowsKubeletRootDir'));
    check(this, installRules.windowsPath(this.windowsProvidersDir, 'windowsProvidersDir'));
    this.tokenAudiencesOverride?.forEach((audience, i) => {
      check(this, installRules.audience(audience, `tokenAudiences[${i}]`));
      check(this, distinctAudience(this.tokenAudiencesOverride!, i, `tokenAudiences[${i}]`));
    });
    pod.checkEnv(this, 'env', env, Driver.ENV_NAMES);
    pod.checkEnv(this, 'windowsEnv', windowsEnv, Driver.ENV_NAMES);
    const { linuxVolumes, windowsVolumes } = this.extraVolumes(volumeMounts, windowsVolumeMounts, kubeletRootDir, windowsKubeletRootDir);
    const osOnly: [string, boolean, boolean, OperatingSystem][] = [
      ['env', Object.keys(env).length > 0, linux, OperatingSystem.LINUX],
      ['volumeMounts', volumeMounts.length > 0, linux, OperatingSystem.LINUX],
      ['windowsEnv', Object.keys(windowsEnv).length > 0, windows, OperatingSystem.WINDOWS],
      ['windowsVolumeMounts', windowsVolumeMounts.length > 0, windows, OperatingSystem.WINDOWS],
    ];
    for (const [field, given, installed, os] of osOnly) {
      if (given) check(this, daemonSetInstalled(installed, os, field, given));
    }
    check(this, tokensInSecretsSupported(props.serviceAccountTokenInSecrets ?? false, this.version, 'serviceAccountTokenInSecrets'));
    this.register(linux, windows);

    // Objects, in apply order: CRDs, identity and RBAC, CSIDriver, DaemonSets.
    if (props.installCrds ?? true) addCrds(this);
    if (installRbac) {
      this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: { name: this.serviceAccountName, namespace: this.namespace },
      });
      addBaseRole(this, this.subject());
    }
    if (props.aggregatedRoles ?? true) addAggregatedRoles(this);
    if (this.legacyRbac && this.rotationEnabled) addLegacyRotationRole(this, this.subject());

    const serviceAccountTokenInSecrets = props.serviceAccountTokenInSecrets ?? false;
    this.csiDriver = new CsiDriver(this, 'CSIDriver', {
      metadata: clusterScoped({ name: CSI_DRIVER_NAME }),
      spec: {
        podInfoOnMount: true,
        attachRequired: false,
        volumeLifecycleModes: ['Ephemeral'],
        requiresRepublish: true,
        tokenRequests: Lazy.any({ produce: () => this.tokenRequests() }),
      },
    }, () => serviceAccountTokenInSecrets && this.tokenAudiences.length > 0);

    const common = {
      namespace: this.namespace,
      images,
      leadingFlags: [
        ...props.logVerbosity ? [`-v=${props.logVerbosity}`] : [],
        ...props.logFormatJson ? ['--log-format-json=true'] : [],
      ],
      flags: [
        `--metrics-addr=${metricsAddress}`,
        `--enable-secret-rotation=${this.rotationEnabled}`,
        `--rotation-poll-interval=${goDuration(pollInterval)}`,
        `--provider-health-check=${props.providerHealthCheck ?? false}`,
        `--provider-health-check-interval=${goDuration(healthCheckInterval)}`,
        ...props.maxCallRecvMsgSize !== undefined ? [`--max-call-recv-msg-size=${props.maxCallRecvMsgSize}`] : [],
      ],
      metricsPort,
      imagePullSecrets: pod.imagePullSecrets(imagePullSecrets),
      imagePullPolicy: shared.imagePullPolicy,
      serviceAccountName: this.serviceAccountName,
      automountServiceAccountToken: props.automountServiceAccountToken,
      affinity: shared.affinity,
      podLabels: shared.podLabels,
      podAnnotations: shared.podAnnotations,
      daemonSetAnnotations: shared.daemonSetAnnotations,
      updateStrategy: pod.rollingUpdate(props.maxUnavailable),
      registrarLogVerbosity,
      livenessProbePort,
      livenessProbeLogVerbosity,
    };
    if (linux) {
      const resources = Driver.Linux.RESOURCES;
      this.linuxDaemonSet = addDriverDaemonSet(this, 'DaemonSet', {
        ...common,
        ...shared.linux,
        os: OperatingSystem.LINUX,
        name: Driver.DAEMONSET,
        env: pod.envVars(env),
        volumes: linuxVolumes.volumes,
        volumeMounts: linuxVolumes.mounts,
        kubeletRootDir,
        providersDir: this.providersDir,
        additionalProvidersDirs: this.additionalProvidersDirs,
        resources: {
          registrar: pod.resources(props.registrarResources, resources.registrar),
          driver: pod.resources(props.resources, resources.driver),
          livenessProbe: pod.resources(props.livenessProbeResources, resources.liveness),
        },
      });
    }
    if (windows) {
      const resources = Driver.Windows.RESOURCES;
      this.windowsDaemonSet = addDriverDaemonSet(this, 'WindowsDaemonSet', {
        ...common,
        ...shared.windows,
        os: OperatingSystem.WINDOWS,
        name: Driver.WINDOWS_DAEMONSET,
        env: pod.envVars(windowsEnv),
        volumes: windowsVolumes.volumes,
        volumeMounts: windowsVolumes.mounts,
        kubeletRootDir: windowsKubeletRootDir,
        providersDir: this.windowsProvidersDir,
        additionalProvidersDirs: [], // upstream passes none on Windows
        resources: {
          registrar: pod.resources(props.windowsRegistrarResources, resources.registrar),
          driver: pod.resources(props.windowsResources, resources.driver),
          livenessProbe: pod.resources(props.windowsLivenessProbeResources, resources.liveness),
        },
      });
    }

    /*
     * Objects that exist only if some class needs them (secret-sync RBAC; the legacy
     * token-request RBAC) are decided when every class exists, i.e. at synth. cdk8s emits every
     * ApiObject in the tree (an object cannot opt out in toJson), so they are *created* when the
     * app settles, in the root's validation: `App.synth()`, `synthYaml()` and `Chart.toJson()`
     * (hence `Testing.synth`) all validate the whole app before they collect a chart's
     * ApiObjects, and the collection walks the tree afresh, so objects added then are emitted.
     * The hook is idempotent (validation runs once per chart synthesized), and runs before the
     * rendered check, which sees the derived objects.
     */
    pod.applyCommonLabels(this, this.commonLabels);
    const registry = AppRegistry.of(this);
    registry.onSettle(() => this.addDerivedObjects());
    registry.checkRenderedObjects({ scope: this, cluster: this.cluster, objects: () => apiObjectsOf(this) });
    this.node.addValidation({
      validate: () => withRenderedFindings(this, driverFindings(this, {
        cluster: this.cluster,
        tokenAudiences: this.tokenAudiencesOverride,
        syncRbacGranted: this.syncSecrets || !installRbac,
        serviceAccount: `${this.namespace}/${this.serviceAccountName}`,
      })),
    });
  }

  /**
   * Service-account token audiences of the CSIDriver: the override, or the default two
   * (`api://AzureADTokenExchange`, `api://AKSIdentityBinding`) followed by any other audience the
   * app's classes need, sorted. Complete only once every class is created (at synth).
   */
  public get tokenAudiences(): string[] {
    if (this.tokenAudiencesOverride) return [...this.tokenAudiencesOverride];
    const others = new Set(this.classes().map(c => c.tokenAudience)
      .filter((a): a is string => a !== undefined && !DEFAULT_TOKEN_AUDIENCES.includes(a)));
    return [...DEFAULT_TOKEN_AUDIENCES, ...[...others].sort()];
  }

  /** Whether the secret-sync RBAC is installed. Complete only once every class is created (at synth). */
  public get syncSecrets(): boolean {
    return this.syncSecretsOverride ?? this.classes().some(c => c.syncsSecrets);
  }

  /** The classes of the app that this driver serves (same cluster). */
  private classes(): RegisteredClass[] {
    return AppRegistry.of(this).classes.filter(c => AppRegistry.clusterOfNode(c.node) === this.cluster);
  }

  private tokenRequests(): kplus.k8s.TokenRequest[] | undefined {
    const audiences = this.tokenAudiences;
    return audiences.length ? audiences.map(audience => ({ audience })) : undefined;
  }

  private addDerivedObjects(): void {
    if (this.syncSecrets && !this.syncRoleAdded) {
      addSyncRole(this, this.subject());
      this.syncRoleAdded = true;
    }
    if (this.legacyRbac && this.tokenAudiences.length > 0 && !this.tokenRequestRoleAdded) {
      addLegacyTokenRequestRole(this, this.subject());
      this.tokenRequestRoleAdded = true;
    }
    pod.applyCommonLabels(this, this.commonLabels);
  }

  /**
   * The extra volumes of each DaemonSet, checked against the driver container's own mounts
   * (CSI socket, kubelet pods directory, providers directories) and volume names.
   */
  private extraVolumes(linux: InstallVolumeMount[], windows: InstallVolumeMount[], kubeletRootDir: string, windowsKubeletRootDir: string) {
    const linuxPaths = paths(OperatingSystem.LINUX);
    const windowsPaths = paths(OperatingSystem.WINDOWS);
    const reservedName = (name: string) => (Object.values(Driver.Volume) as string[]).includes(name) || name.startsWith(`${Driver.Volume.PROVIDERS}-`);
    const linuxVolumes = new ExtraVolumes(this, OperatingSystem.LINUX, 'driver', reservedName);
    linuxVolumes.reserve(linuxPaths.csiDir, 'the CSI socket directory');
    linuxVolumes.reserve(linuxPaths.join(kubeletRootDir, 'pods'), 'the kubelet pods directory');
    providerVolumes({ providersDir: this.providersDir, additionalProvidersDirs: this.additionalProvidersDirs })
      .forEach(p => linuxVolumes.reserve(p.path, `the providers directory ${p.name}`));
    linuxVolumes.add('volumeMounts', linux);
    const windowsVolumes = new ExtraVolumes(this, OperatingSystem.WINDOWS, 'driver', reservedName);
    windowsVolumes.reserve(windowsPaths.csiDir, 'the CSI socket directory');
    windowsVolumes.reserve(windowsPaths.join(windowsKubeletRootDir, 'pods'), 'the kubelet pods directory');
    windowsVolumes.reserve(this.windowsProvidersDir, 'the providers directory providers-dir');
    windowsVolumes.add('windowsVolumeMounts', windows);
    return { linuxVolumes, windowsVolumes };
  }

  /** The ServiceAccount every binding names. */
  private subject(): { name: string; namespace: string } {
    return { name: this.serviceAccountName, namespace: this.namespace };
  }

  /** One driver per cluster: its cluster-scoped objects have fixed names. */
  private register(linux: boolean, windows: boolean): void {
    const drivers = AppRegistry.of(this).drivers;
    const existing = drivers.find(d => d.cluster === this.cluster);
    check(this, oneDriverPerCluster(existing?.node.path, this.cluster));
    drivers.push({
      node: this.node,
      cluster: this.cluster,
      linuxProvidersDirs: linux ? [this.providersDir, ...this.additionalProvidersDirs] : undefined,
      windowsProvidersDirs: windows ? [this.windowsProvidersDir] : undefined,
    });
  }
}

/**
 * The typed CSIDriver plus `spec.serviceAccountTokenInSecrets` (Kubernetes 1.35), which the
 * 1.27 types do not have: their mapping drops unknown keys, JSON patches included, so the field is
 * added to the mapped output.
 */
class CsiDriver extends kplus.k8s.KubeCsiDriver {
  constructor(scope: Construct, id: string, props: kplus.k8s.KubeCsiDriverProps, private readonly tokensInSecrets: () => boolean) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    if (!this.tokensInSecrets()) return json;
    const spec = { ...json.spec, serviceAccountTokenInSecrets: true };
    return { ...json, spec: Object.fromEntries(Object.keys(spec).sort().map(k => [k, spec[k]])) };
  }
}
