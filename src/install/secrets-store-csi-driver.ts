import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppRegistry, RegisteredClass } from '../app-registry';
import { clusterScoped } from '../cluster-scoped';
import { CLUSTER_CONTEXT_KEY, CSI_DRIVER_NAME } from '../constants';
import * as rules from '../validation';
import { addCrds } from './crds';
import { driverErrors } from './cross-checks';
import { Driver, INSTALL_NAMESPACE, ProvidersDir } from './defaults';
import { addDriverDaemonSet } from './driver-daemonset';
import { addAggregatedRoles, addBaseRole, addLegacyRotationRole, addLegacyTokenRequestRole, addSyncRole } from './driver-rbac';
import { OperatingSystem, paths } from './os';
import * as pod from './pod-options';
import * as installRules from './rules';
import { compareVersions, versionRule } from './version';

/** Secret rotation: the driver re-fetches objects when kubelet republishes a mounted volume. */
export interface SecretRotationOptions {
  /**
   * Whether the driver re-fetches objects on republish (`--enable-secret-rotation`).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Minimum interval between two fetches for one volume (`--rotation-poll-interval`, a Go
   * duration). The effective cadence is the larger of this and kubelet's republish period.
   *
   * @default "2m"
   */
  readonly pollInterval?: string;
}

/** Properties of a `SecretsStoreCsiDriver`. */
export interface SecretsStoreCsiDriverProps {
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
   *
   * @default - derived at synth from the KeyVaultSecretProviderClasses in the app (same cluster):
   * `api://AKSIdentityBinding` for identity binding, `api://AzureADTokenExchange` for workload
   * identity; none when no class needs one
   */
  readonly tokenAudiences?: string[];

  /**
   * Sets CSIDriver `serviceAccountTokenInSecrets: true` when there are token audiences: kubelet
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
   * Interval of the provider health check (`--provider-health-check-interval`, a Go duration).
   *
   * @default "2m"
   */
  readonly providerHealthCheckInterval?: string;

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
   * PriorityClass of the driver pods (e.g. "system-node-critical").
   *
   * @default - none
   */
  readonly priorityClassName?: string;

  /**
   * Node labels the pods require, besides `kubernetes.io/os` (set per DaemonSet).
   *
   * @default - only `kubernetes.io/os`
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Taints the pods tolerate.
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
}

/**
 * The Secrets Store CSI Driver install (v1.6.0 by default), as upstream `deploy/`: the CSIDriver,
 * the ServiceAccount and RBAC, the aggregated roles, the Linux (and optionally Windows)
 * DaemonSet, and both CRDs. The CSIDriver's token audiences and the secret-sync RBAC are derived
 * at synth from the KeyVaultSecretProviderClasses in the same app. The cluster-scoped names are
 * fixed upstream, so one install per cluster.
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
  /** The ServiceAccount `secrets-store-csi-driver`. */
  public readonly serviceAccount: ApiObject;
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
    const pollInterval = props.rotation?.pollInterval ?? Driver.ROTATION_POLL_INTERVAL;
    const healthCheckInterval = props.providerHealthCheckInterval ?? Driver.PROVIDER_HEALTH_CHECK_INTERVAL;
    const metricsAddress = props.metricsAddress ?? Driver.METRICS_ADDRESS;
    const registry = props.imageRegistry ?? Driver.IMAGE_REGISTRY;
    const images = {
      driver: props.image ?? `${registry}/${Driver.IMAGE_REPOSITORY}:${this.version}`,
      registrar: props.registrarImage ?? `${registry}/${Driver.REGISTRAR_IMAGE.repository}:${Driver.REGISTRAR_IMAGE.tag}`,
      livenessProbe: props.livenessProbeImage ?? `${registry}/${Driver.LIVENESS_PROBE_IMAGE.repository}:${Driver.LIVENESS_PROBE_IMAGE.tag}`,
    };
    this.tokenAudiencesOverride = props.tokenAudiences ? [...props.tokenAudiences] : undefined;
    this.syncSecretsOverride = props.syncSecrets;
    const nodeSelector = props.nodeSelector ?? {};
    const imagePullSecrets = props.imagePullSecrets ?? [];

    // Eager checks of single values.
    rules.check(this, 'version', this.version, versionRule(this.version));
    this.legacyRbac = props.legacyRbac ?? compareVersions(this.version, Driver.REQUIRES_REPUBLISH_VERSION) < 0;
    rules.check(this, 'linux', linux, linux || windows ? undefined : {
      rule: 'the driver installs no DaemonSet when both `linux` and `windows` are false',
      fix: 'keep `linux` (the default) or set `windows: true`',
    });
    pod.checkPodOptions(this, { namespace: this.namespace, imagePullSecrets, priorityClassName: props.priorityClassName, nodeSelector });
    if (props.imageRegistry !== undefined) rules.check(this, 'imageRegistry', props.imageRegistry, installRules.imageRegistry(props.imageRegistry));
    rules.check(this, 'image', images.driver, installRules.image(images.driver));
    rules.check(this, 'registrarImage', images.registrar, installRules.image(images.registrar));
    rules.check(this, 'livenessProbeImage', images.livenessProbe, installRules.image(images.livenessProbe));
    rules.check(this, 'rotation.pollInterval', pollInterval, rules.goDuration(pollInterval));
    rules.check(this, 'providerHealthCheckInterval', healthCheckInterval, rules.goDuration(healthCheckInterval));
    rules.check(this, 'metricsAddress', metricsAddress, installRules.metricsAddress(metricsAddress));
    const metricsPort = installRules.metricsPort(metricsAddress);
    rules.check(this, 'metricsAddress', metricsAddress, metricsPort === Driver.HEALTHZ_PORT ? {
      rule: `port ${Driver.HEALTHZ_PORT} is the liveness-probe sidecar's healthz port in the same pod`,
      fix: 'use another port, e.g. ":8095"',
    } : undefined);
    if (props.logVerbosity !== undefined) rules.check(this, 'logVerbosity', props.logVerbosity, installRules.logVerbosity(props.logVerbosity));
    if (props.maxCallRecvMsgSize !== undefined) rules.check(this, 'maxCallRecvMsgSize', props.maxCallRecvMsgSize, installRules.positiveInteger(props.maxCallRecvMsgSize));
    rules.check(this, 'kubeletRootDir', kubeletRootDir, installRules.linuxPath(kubeletRootDir));
    rules.check(this, 'providersDir', this.providersDir, installRules.linuxPath(this.providersDir));
    this.additionalProvidersDirs.forEach((dir, i) => rules.check(this, `additionalProvidersDirs[${i}]`, dir, installRules.linuxPath(dir)));
    this.additionalProvidersDirs.forEach((dir, i) => rules.check(this, `additionalProvidersDirs[${i}]`, dir, dir.includes(',') ? {
      rule: 'the driver splits `--additional-provider-volume-paths` at commas',
      fix: 'use directories without commas',
    } : undefined));
    rules.check(this, 'windowsKubeletRootDir', windowsKubeletRootDir, installRules.windowsPath(windowsKubeletRootDir));
    rules.check(this, 'windowsProvidersDir', this.windowsProvidersDir, installRules.windowsPath(this.windowsProvidersDir));
    this.tokenAudiencesOverride?.forEach((audience, i) => {
      rules.check(this, `tokenAudiences[${i}]`, audience, installRules.audience(audience));
      rules.check(this, `tokenAudiences[${i}]`, audience, this.tokenAudiencesOverride!.indexOf(audience) !== i ? {
        rule: 'CSIDriver token request audiences must be distinct',
        fix: 'list each audience once',
      } : undefined);
    });
    rules.check(this, 'serviceAccountTokenInSecrets', true, props.serviceAccountTokenInSecrets && compareVersions(this.version, Driver.REQUIRES_REPUBLISH_VERSION) < 0 ? {
      rule: `drivers before ${Driver.REQUIRES_REPUBLISH_VERSION} read service-account tokens only from the volume context`,
      fix: `use driver ${Driver.VERSION} or leave serviceAccountTokenInSecrets unset`,
    } : undefined);
    this.register(linux, windows);

    // Objects, in apply order: CRDs, identity and RBAC, CSIDriver, DaemonSets.
    if (props.installCrds ?? true) addCrds(this);
    this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: Driver.SERVICE_ACCOUNT, namespace: this.namespace },
    });
    addBaseRole(this, this.namespace);
    if (props.aggregatedRoles ?? true) addAggregatedRoles(this);
    if (this.legacyRbac && this.rotationEnabled) addLegacyRotationRole(this, this.namespace);

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
        `--rotation-poll-interval=${pollInterval}`,
        `--provider-health-check=${props.providerHealthCheck ?? false}`,
        `--provider-health-check-interval=${healthCheckInterval}`,
        ...props.maxCallRecvMsgSize !== undefined ? [`--max-call-recv-msg-size=${props.maxCallRecvMsgSize}`] : [],
      ],
      metricsPort,
      imagePullSecrets: pod.imagePullSecrets(imagePullSecrets),
      priorityClassName: props.priorityClassName,
      nodeSelector,
      tolerations: pod.tolerations(props.tolerations ?? [kplus.NodeTaintQuery.any()]),
      affinity: pod.requiredNodeAffinity(props.requiredNodeAffinity ?? []),
    };
    if (linux) {
      const resources = Driver.Linux.RESOURCES;
      this.linuxDaemonSet = addDriverDaemonSet(this, 'DaemonSet', {
        ...common,
        os: OperatingSystem.LINUX,
        name: Driver.DAEMONSET,
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
        os: OperatingSystem.WINDOWS,
        name: Driver.WINDOWS_DAEMONSET,
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
     * ApiObject in the tree (an object cannot opt out in toJson), so they are *created* in a
     * validation hook: `App.synth()`, `synthYaml()` and `Chart.toJson()` (hence
     * `Testing.synth`) all validate the whole app before they collect a chart's ApiObjects,
     * and the collection walks the tree afresh, so objects added here are emitted. The hook is
     * idempotent (validation runs once per chart synthesized).
     */
    this.node.addValidation({
      validate: () => {
        this.addDerivedObjects();
        return driverErrors(this, this.cluster, this.tokenAudiencesOverride);
      },
    });
  }

  /**
   * Service-account token audiences of the CSIDriver: the override, or those the app's classes
   * need, de-duplicated and sorted. Complete only once every class is created (at synth).
   */
  public get tokenAudiences(): string[] {
    if (this.tokenAudiencesOverride) return [...this.tokenAudiencesOverride];
    const audiences = new Set(this.classes().map(c => c.tokenAudience).filter((a): a is string => a !== undefined));
    return [...audiences].sort();
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
      addSyncRole(this, this.namespace);
      this.syncRoleAdded = true;
    }
    if (this.legacyRbac && this.tokenAudiences.length > 0 && !this.tokenRequestRoleAdded) {
      addLegacyTokenRequestRole(this, this.namespace);
      this.tokenRequestRoleAdded = true;
    }
  }

  /** One driver per cluster: its cluster-scoped objects have fixed names. */
  private register(linux: boolean, windows: boolean): void {
    const drivers = AppRegistry.of(this).drivers;
    const existing = drivers.find(d => d.cluster === this.cluster);
    rules.check(this, `context "${CLUSTER_CONTEXT_KEY}"`, this.cluster, existing ? {
      rule: `${existing.node.path} already installs the driver${this.cluster ? ` in cluster "${this.cluster}"` : ''}, and the CSIDriver, CRDs and ClusterRoles have fixed names`,
      fix: 'install the driver once per cluster, or name the charts\' clusters with the context key "cdk8s-azure-keyvault-csi/cluster"',
    } : undefined);
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
