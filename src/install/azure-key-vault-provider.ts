import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { providerFindings } from './cross-checks';
import { InstallDaemonSetOptions, resolveDaemonSetOptions } from './daemonset-options';
import { goDuration, millisOf } from './duration';
import * as pod from './pod-options';
import { addProviderDaemonSet } from './provider-daemonset';
import { ExtraVolumes, InstallVolumeMount } from './volume-mounts';
import { apiObjectsOf } from '../app/api-objects';
import { check, withRenderedFindings } from '../app/errors';
import { AppRegistry, RegisteredProvider } from '../app/registry';
import { INSTALL_NAMESPACE, Provider, ProvidersDir } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';
import * as installRules from '../rules/install';
import { daemonSetInstalled, providerMetricsPortFree, someDaemonSet } from '../rules/install-options';
import { versionRule } from '../rules/version';

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
   * Provider release: the image tag, and what the app-wide checks compare (identity binding needs v1.8.0+).
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
   * to the release it contains).
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
   * DNS policy of the Linux pods. Identity binding needs `ClusterFirstWithHostNet` on the host network.
   *
   * @default - DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET with the host network (the Helm chart's), else the Kubernetes default
   */
  readonly dnsPolicy?: kplus.DnsPolicy;

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
   * Taints the pods tolerate (the Windows pods: `windowsTolerations` when given).
   *
   * @default [NodeTaintQuery.any()] (every taint, as upstream)
   */
  readonly tolerations?: kplus.NodeTaintQuery[];

  /**
   * Node labels the pods require, as one required node-affinity term; `[]` for none.
   *
   * @default [NodeLabelQuery.notIn("type", ["virtual-kubelet"])] (as upstream)
   */
  readonly requiredNodeAffinity?: kplus.NodeLabelQuery[];

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

/**
 * The Azure Key Vault provider install (v1.8.2 by default), as upstream `deployment/`: the
 * ServiceAccount and the Linux (and optionally Windows) DaemonSet, with the Helm chart's
 * `dnsPolicy: ClusterFirstWithHostNet` (identity binding) and RollingUpdate `maxUnavailable: 1`.
 * At synth it checks the classes and the driver of the same app against it.
 */
export class AzureKeyVaultProvider extends Construct {
  /** Provider release. */
  public readonly version: string;
  /** Namespace of the ServiceAccount and DaemonSets. */
  public readonly namespace: string;
  /** Host directory of the Linux provider socket. */
  public readonly providersDir: string;
  /** Host directory of the Windows provider socket. */
  public readonly windowsProvidersDir: string;
  /**
   * In-container path of the custom cloud environment file.
   *
   * @default - none
   */
  public readonly cloudEnvironmentFile?: string;
  /** Name of the pods' ServiceAccount. */
  public readonly serviceAccountName: string;
  /**
   * The ServiceAccount `csi-secrets-store-provider-azure`.
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

  /** What the app-wide checks know about this provider. */
  private registered!: RegisteredProvider;

  constructor(scope: Construct, id: string, props: AzureKeyVaultProviderProps = {}) {
    super(scope, id);
    const linuxPaths = paths(OperatingSystem.LINUX);
    const windowsPaths = paths(OperatingSystem.WINDOWS);
    this.version = props.version ?? Provider.VERSION;
    this.namespace = props.namespace ?? INSTALL_NAMESPACE;
    this.providersDir = linuxPaths.trim(props.providersDir ?? ProvidersDir.LINUX);
    this.windowsProvidersDir = windowsPaths.trim(props.windowsProvidersDir ?? ProvidersDir.WINDOWS);
    const linux = props.linux ?? true;
    const windows = props.windows ?? false;
    const image = props.image ?? `${props.imageRepository ?? Provider.IMAGE_REPOSITORY}:${this.version}`;
    const healthzPort = props.healthzPort ?? Provider.HEALTHZ_PORT;
    const healthzPath = props.healthzPath ?? Provider.HEALTHZ_PATH;
    const healthzTimeout = props.healthzTimeout ?? Duration.seconds(Provider.HEALTHZ_TIMEOUT_SECONDS);
    const metricsPort = props.metricsPort ?? Provider.METRICS_PORT;
    const hostNetwork = props.hostNetwork ?? true;
    const dnsPolicy: string | undefined = props.dnsPolicy ?? (hostNetwork ? Provider.DNS_POLICY : undefined);
    const nodeSelector = props.nodeSelector ?? {};
    const imagePullSecrets = props.imagePullSecrets ?? [];
    const volumeMounts = props.volumeMounts ?? [];
    const windowsVolumeMounts = props.windowsVolumeMounts ?? [];
    const installRbac = props.installRbac ?? true;
    this.serviceAccountName = props.serviceAccountName ?? Provider.NAME;
    const envFile = props.cloudEnvironmentFile;
    this.cloudEnvironmentFile = envFile ? envFile.mountPath ?? envFile.hostPath : undefined;

    // Eager checks of single values.
    check(this, versionRule(this.version, 'version'));
    check(this, someDaemonSet(linux, windows, 'provider', 'linux'));
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
      requiredNodeAffinity: props.requiredNodeAffinity
        ?? [kplus.NodeLabelQuery.notIn(Provider.EXCLUDED_NODE_TYPE.key, [...Provider.EXCLUDED_NODE_TYPE.values])],
    }, windows, { app: 'the DaemonSets\' selector label' });
    const maxUnavailable = props.maxUnavailable ?? kplus.PercentOrAbsolute.absolute(Provider.MAX_UNAVAILABLE);
    check(this, installRules.maxUnavailable(maxUnavailable.value, 'maxUnavailable'));
    if (props.imageRepository !== undefined) check(this, installRules.imageRepository(props.imageRepository, 'imageRepository'));
    check(this, installRules.image(image, 'image'));
    check(this, installRules.port(healthzPort, 'healthzPort'));
    check(this, installRules.httpPath(healthzPath, 'healthzPath'));
    check(this, installRules.interval(millisOf(healthzTimeout), 1, 'healthzTimeout', healthzTimeout.toHumanString()));
    check(this, installRules.port(metricsPort, 'metricsPort'));
    check(this, providerMetricsPortFree(metricsPort, healthzPort, 'metricsPort'));
    if (props.logVerbosity !== undefined) check(this, installRules.logVerbosity(props.logVerbosity, 'logVerbosity'));
    if (props.customUserAgent !== undefined) check(this, installRules.singleLine(props.customUserAgent, 'customUserAgent'));
    check(this, installRules.linuxPath(this.providersDir, 'providersDir'));
    check(this, installRules.windowsPath(this.windowsProvidersDir, 'windowsProvidersDir'));
    if (props.dnsPolicy !== undefined) check(this, daemonSetInstalled(linux, OperatingSystem.LINUX, 'dnsPolicy', dnsPolicy, 'dnsPolicy applies to'));
    const reservedName = (name: string) => name === Provider.VOLUME || name === Provider.CLOUD_ENV_VOLUME;
    const linuxVolumes = new ExtraVolumes(this, OperatingSystem.LINUX, 'provider', reservedName);
    linuxVolumes.reserve(Provider.LINUX_SOCKET_DIR, 'the provider socket directory');
    if (envFile) {
      check(this, installRules.linuxPath(envFile.hostPath, 'cloudEnvironmentFile.hostPath'));
      linuxVolumes.claim('cloudEnvironmentFile.mountPath', this.cloudEnvironmentFile!, 'the cloud environment file');
      linuxVolumes.addOwn(
        { name: Provider.CLOUD_ENV_VOLUME, hostPath: { path: envFile.hostPath, type: 'File' } },
        { name: Provider.CLOUD_ENV_VOLUME, mountPath: this.cloudEnvironmentFile!, readOnly: true },
      );
    }
    linuxVolumes.add('volumeMounts', volumeMounts);
    if (volumeMounts.length) check(this, daemonSetInstalled(linux, OperatingSystem.LINUX, 'volumeMounts', volumeMounts.length, 'extra volumes are mounted into'));
    if (envFile) check(this, daemonSetInstalled(linux, OperatingSystem.LINUX, 'cloudEnvironmentFile', this.cloudEnvironmentFile, 'the environment file is mounted into'));
    const windowsVolumes = new ExtraVolumes(this, OperatingSystem.WINDOWS, 'provider', reservedName);
    windowsVolumes.reserve(Provider.WINDOWS_SOCKET_DIR, 'the provider socket directory');
    windowsVolumes.add('windowsVolumeMounts', windowsVolumeMounts);
    if (windowsVolumeMounts.length) {
      check(this, daemonSetInstalled(windows, OperatingSystem.WINDOWS, 'windowsVolumeMounts', windowsVolumeMounts.length, 'extra volumes are mounted into'));
    }

    this.register(linux, windows, hostNetwork, dnsPolicy, props.writeCertAndKeyInSeparateFiles ?? false);

    // Objects.
    if (installRbac) {
      this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: { name: this.serviceAccountName, namespace: this.namespace },
      });
    }
    const args = (endpoint: string) => [
      `--endpoint=${endpoint}`,
      ...props.logFormatJson ? ['--log-format-json=true'] : [],
      ...props.logVerbosity ? [`-v=${props.logVerbosity}`] : [],
      `--construct-pem-chain=${props.constructPemChain ?? true}`,
      ...props.customUserAgent !== undefined ? [`--custom-user-agent=${props.customUserAgent}`] : [],
      `--healthz-port=${healthzPort}`,
      `--healthz-path=${healthzPath}`,
      `--healthz-timeout=${goDuration(healthzTimeout)}`,
      ...props.writeCertAndKeyInSeparateFiles ? ['--write-cert-and-key-in-separate-files=true'] : [],
      ...props.metricsPort !== undefined ? [`--prometheus-port=${metricsPort}`] : [],
    ];
    const common = {
      namespace: this.namespace,
      image,
      healthzPort,
      healthzPath,
      metricsPort,
      imagePullSecrets: pod.imagePullSecrets(imagePullSecrets),
      imagePullPolicy: shared.imagePullPolicy,
      serviceAccountName: this.serviceAccountName,
      affinity: shared.affinity,
      podLabels: shared.podLabels,
      podAnnotations: shared.podAnnotations,
      daemonSetAnnotations: shared.daemonSetAnnotations,
      updateStrategy: pod.rollingUpdate(maxUnavailable),
    };
    if (linux) {
      this.linuxDaemonSet = addProviderDaemonSet(this, 'DaemonSet', {
        ...common,
        ...shared.linux,
        os: OperatingSystem.LINUX,
        name: Provider.NAME,
        args: args(Provider.LINUX_ENDPOINT),
        resources: pod.resources(props.resources, Provider.LINUX_RESOURCES),
        // Read-only root, no capabilities; root only to create the socket in the host directory.
        securityContext: {
          allowPrivilegeEscalation: props.privileged ? undefined : false,
          readOnlyRootFilesystem: true,
          runAsUser: 0,
          capabilities: { drop: ['ALL'] },
          privileged: props.privileged ? true : undefined,
        },
        hostNetwork,
        dnsPolicy,
        providersDir: this.providersDir,
        volumeMounts: linuxVolumes.mounts,
        volumes: linuxVolumes.volumes,
      });
    }
    if (windows) {
      this.windowsDaemonSet = addProviderDaemonSet(this, 'WindowsDaemonSet', {
        ...common,
        ...shared.windows,
        os: OperatingSystem.WINDOWS,
        name: Provider.WINDOWS_DAEMONSET,
        args: args(Provider.WINDOWS_ENDPOINT),
        resources: pod.resources(props.windowsResources, Provider.WINDOWS_RESOURCES),
        providersDir: this.windowsProvidersDir,
        providersDirType: 'DirectoryOrCreate',
        volumeMounts: windowsVolumes.mounts,
        volumes: windowsVolumes.volumes,
      });
    }

    pod.applyCommonLabels(this, shared.commonLabels);
    this.node.addValidation({ validate: () => withRenderedFindings(this, providerFindings(this, this.registered)) });
  }

  private register(
    linux: boolean, windows: boolean, hostNetwork: boolean, dnsPolicy: string | undefined, writeCertAndKeyInSeparateFiles: boolean,
  ): void {
    this.registered = {
      node: this.node,
      cluster: AppRegistry.clusterOf(this),
      version: this.version,
      linuxProvidersDir: linux ? this.providersDir : undefined,
      windowsProvidersDir: windows ? this.windowsProvidersDir : undefined,
      cloudEnvironmentFile: this.cloudEnvironmentFile,
      dnsPolicy: linux ? dnsPolicy : undefined,
      hostNetwork: linux && hostNetwork,
      writeCertAndKeyInSeparateFiles,
    };
    AppRegistry.of(this).providers.push(this.registered);
    AppRegistry.of(this).checkRenderedObjects({ scope: this, cluster: this.registered.cluster, objects: () => apiObjectsOf(this) });
  }
}
