import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AzureKeyVaultProviderProps } from './azure-key-vault-provider-props';
import { providerFindings } from './cross-checks';
import { resolveDaemonSetOptions } from './daemonset-options';
import * as pod from './pod-options';
import { providerPropTypes } from './prop-types';
import { addProviderDaemonSets } from './provider-daemonset';
import { checkProviderSettings, providerExtraVolumes, ProviderSettings, resolveProviderSettings } from './provider-settings';
import { apiObjectsOf } from '../app/api-objects';
import { check, withRenderedFindings } from '../app/errors';
import { AppRegistry, RegisteredProvider } from '../app/registry';
import { Provider } from '../facts/install';

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
    check(this, providerPropTypes(props)); // before any prop is read
    const settings = resolveProviderSettings(props);
    this.version = settings.version;
    this.namespace = settings.namespace;
    this.providersDir = settings.providersDir;
    this.windowsProvidersDir = settings.windowsProvidersDir;
    this.serviceAccountName = settings.serviceAccountName;
    this.cloudEnvironmentFile = settings.cloudEnvironmentFile;

    checkProviderSettings(this, settings, props.priorityClassName);
    const shared = resolveDaemonSetOptions(this, props, {
      nodeSelector: settings.nodeSelector,
      tolerations: props.tolerations,
      priorityClassName: props.priorityClassName,
      requiredNodeAffinity: props.requiredNodeAffinity
        ?? [{ key: Provider.EXCLUDED_NODE_TYPE.key, operator: 'NotIn', values: [...Provider.EXCLUDED_NODE_TYPE.values] }],
    }, settings.windows, { app: 'the DaemonSets\' selector label' });
    const volumes = providerExtraVolumes(this, settings);
    this.register(settings);

    if (settings.installRbac) {
      this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: { name: this.serviceAccountName, namespace: this.namespace },
      });
    }
    const daemonSets = addProviderDaemonSets(this, settings, shared, volumes);
    this.linuxDaemonSet = daemonSets.linux;
    this.windowsDaemonSet = daemonSets.windows;

    pod.applyCommonLabels(this, shared.commonLabels);
    AppRegistry.of(this).addValidation(this, () => withRenderedFindings(this, providerFindings(this, this.registered)));
  }

  /** What the app-wide checks and the rendered check know about this provider. */
  private register(s: ProviderSettings): void {
    this.registered = {
      node: this.node,
      cluster: AppRegistry.clusterOf(this),
      version: this.version,
      linuxProvidersDir: s.linux ? this.providersDir : undefined,
      windowsProvidersDir: s.windows ? this.windowsProvidersDir : undefined,
      cloudEnvironmentFile: this.cloudEnvironmentFile,
      dnsPolicy: s.linux ? s.dnsPolicy : undefined,
      hostNetwork: s.linux && s.hostNetwork,
      writeCertAndKeyInSeparateFiles: s.writeCertAndKeyInSeparateFiles,
    };
    AppRegistry.of(this).providers.push(this.registered);
    AppRegistry.of(this).checkRenderedObjects({ scope: this, cluster: this.registered.cluster, objects: () => apiObjectsOf(this) });
  }
}
