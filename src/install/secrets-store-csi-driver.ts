import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addCrds } from './crds';
import { driverFindings } from './cross-checks';
import { resolveDaemonSetOptions } from './daemonset-options';
import { addCsiDriver } from './driver-csidriver';
import { addDriverDaemonSets } from './driver-daemonset';
import { addAggregatedRoles, addBaseRole, addLegacyRotationRole, addLegacyTokenRequestRole, addSyncRole } from './driver-rbac';
import { checkDriverSettings, resolveDriverSettings } from './driver-settings';
import { driverExtraVolumes } from './driver-volumes';
import * as pod from './pod-options';
import { driverPropTypes } from './prop-types';
import { SecretsStoreCsiDriverProps } from './secrets-store-csi-driver-props';
import { apiObjectsOf } from '../app/api-objects';
import { check, withRenderedFindings } from '../app/errors';
import { AppRegistry, RegisteredClass } from '../app/registry';
import { Audience } from '../facts/constants';
import { Driver } from '../facts/install';
import { oneDriverPerCluster } from '../rules/install-options';
import { compareVersions } from '../rules/version';

/**
 * Audiences the CSIDriver requests by default, in the order of the provider chart's
 * `secrets-store-csi-driver.tokenRequests` (v1.8.2): what workload identity and identity binding
 * read, so workloads of any app can use either.
 */
const DEFAULT_TOKEN_AUDIENCES: readonly string[] = [Audience.WORKLOAD_IDENTITY, Audience.IDENTITY_BINDING];

/** Label keys the driver sets itself (key → why), which `commonLabels` and `podLabels` must not use. */
const RESERVED_LABELS = {
  'app': 'the DaemonSets\' selector label',
  'rbac.authorization.k8s.io/aggregate-to-admin': 'aggregation label of the aggregated roles',
  'rbac.authorization.k8s.io/aggregate-to-edit': 'aggregation label of the aggregated roles',
  'rbac.authorization.k8s.io/aggregate-to-view': 'aggregation label of the aggregated roles',
};

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
    check(this, driverPropTypes(props)); // before any prop is read
    const settings = resolveDriverSettings(props);
    this.version = settings.version;
    this.namespace = settings.namespace;
    this.providersDir = settings.providersDir;
    this.additionalProvidersDirs = settings.additionalProvidersDirs;
    this.windowsProvidersDir = settings.windowsProvidersDir;
    this.rotationEnabled = settings.rotationEnabled;
    this.serviceAccountName = settings.serviceAccountName;
    this.cluster = AppRegistry.clusterOf(this);
    this.tokenAudiencesOverride = settings.tokenAudiences;
    this.syncSecretsOverride = props.syncSecrets;

    checkDriverSettings(this, settings, props.priorityClassName);
    this.legacyRbac = props.legacyRbac ?? compareVersions(this.version, Driver.REQUIRES_REPUBLISH_VERSION) < 0;
    const shared = resolveDaemonSetOptions(this, props, {
      nodeSelector: settings.nodeSelector,
      tolerations: props.tolerations,
      priorityClassName: props.priorityClassName,
      requiredNodeAffinity: props.requiredNodeAffinity ?? [],
    }, settings.windows, RESERVED_LABELS);
    this.commonLabels = shared.commonLabels;
    const volumes = driverExtraVolumes(this, settings);
    this.register(settings.linux, settings.windows);

    // Objects, in apply order: CRDs, identity and RBAC, CSIDriver, DaemonSets.
    if (props.installCrds ?? true) addCrds(this);
    if (settings.installRbac) {
      this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: { name: this.serviceAccountName, namespace: this.namespace },
      });
      addBaseRole(this, this.subject());
    }
    if (props.aggregatedRoles ?? true) addAggregatedRoles(this);
    if (this.legacyRbac && this.rotationEnabled) addLegacyRotationRole(this, this.subject());
    this.csiDriver = addCsiDriver(this, 'CSIDriver', () => this.tokenAudiences, settings.serviceAccountTokenInSecrets);
    const daemonSets = addDriverDaemonSets(this, settings, shared, volumes);
    this.linuxDaemonSet = daemonSets.linux;
    this.windowsDaemonSet = daemonSets.windows;

    pod.applyCommonLabels(this, this.commonLabels);
    this.checkAtSynth(settings.installRbac);
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

  private addDerivedObjects(): void {
    if (this.syncSecrets && !this.syncRoleAdded) {
      addSyncRole(this, this.subject());
      this.syncRoleAdded = true;
    }
    if (this.legacyRbac && this.tokenAudiences.length > 0 && !this.tokenRequestRoleAdded) {
      addLegacyTokenRequestRole(this, this.subject());
      this.tokenRequestRoleAdded = true;
    }
    pod.applyCommonLabels(this, this.commonLabels); // the derived objects too
  }

  /**
   * Objects that exist only if some class needs them (secret-sync RBAC; the legacy
   * token-request RBAC) are decided when every class exists, i.e. at synth. cdk8s emits every
   * ApiObject in the tree (an object cannot opt out in toJson), so they are *created* when the
   * app settles, in the root's validation: `App.synth()`, `synthYaml()` and `Chart.toJson()`
   * (hence `Testing.synth`) all validate the whole app before they collect a chart's
   * ApiObjects, and the collection walks the tree afresh, so objects added then are emitted.
   * The hook is idempotent (validation runs once per chart synthesized), and runs before the
   * rendered check, which sees the derived objects. Then the cross-checks against the app's
   * classes, and validate's rules over what the driver rendered.
   */
  private checkAtSynth(installRbac: boolean): void {
    const registry = AppRegistry.of(this);
    registry.onSettle(() => this.addDerivedObjects());
    registry.checkRenderedObjects({ scope: this, cluster: this.cluster, objects: () => apiObjectsOf(this) });
    registry.addValidation(this, () => withRenderedFindings(this, driverFindings(this, {
      cluster: this.cluster,
      tokenAudiences: this.tokenAudiencesOverride,
      syncRbacGranted: this.syncSecrets || !installRbac,
      serviceAccount: `${this.namespace}/${this.serviceAccountName}`,
    })));
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
