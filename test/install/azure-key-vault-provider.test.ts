import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AzureCloud, AzureKeyVaultProvider, AzureKeyVaultProviderProps, KeyVaultIdentity, KeyVaultObject,
  KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';
import { AppRegistry } from '../../src/app/registry';
import { CLUSTER_CONTEXT_KEY } from '../../src/facts/constants';
import { compareVersions } from '../../src/rules/version';
import { describeIfReference, errorOf, expectProblem, ofKind, only, synth, upstreamDocuments } from '../util';

// Upstream: https://github.com/Azure/secrets-store-csi-driver-provider-azure/tree/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/deployment
// (v1.8.2; the parity tests read these files, pinned in projenrc/upstream.ts) and the chart's values in
// https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/charts/csi-secrets-store-provider-azure/values.yaml.

const DEPLOYMENT = 'provider-azure/deployment';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ENV_FILE = '/etc/kubernetes/custom_environment.json';

/** Every document of an upstream file. */
function upstream(file: string): any[] {
  return upstreamDocuments(`${DEPLOYMENT}/${file}`);
}

function providerChart(props: AzureKeyVaultProviderProps = {}, namespace?: string) {
  const chart = new Chart(Testing.app(), 'test', { namespace });
  const provider = new AzureKeyVaultProvider(chart, 'provider', props);
  return { chart, provider };
}

function providerPod(manifests: any[], name = 'csi-secrets-store-provider-azure'): any {
  return only(manifests, 'DaemonSet', name).spec.template.spec;
}

function providerContainer(manifests: any[], name?: string): any {
  return providerPod(manifests, name).containers[0];
}

function addClass(chart: Chart, id: string, identity: KeyVaultIdentity, cloud?: AzureCloud) {
  return new KeyVaultSecretProviderClass(chart, id, {
    keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity, cloud, objects: [KeyVaultObject.secret('secret1')],
  });
}

const identityBinding = () => KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID, externallyManagedRbac: true });

describeIfReference('parity with upstream deployment/ v1.8.2', () => {
  /*
   * Normalizations of the upstream objects, each deliberate:
   * 1. metadata.namespace kube-system on the ServiceAccount and DaemonSets: the raw files carry
   *    none and are applied with `-n kube-system`; the construct sets it so the install lands in
   *    kube-system from any chart.
   * 2. DaemonSet spec.updateStrategy.rollingUpdate.maxUnavailable 1: the Helm chart's
   *    `{linux,windows}.updateStrategy` (the raw files have only `type: RollingUpdate`).
   * 3. Linux pod dnsPolicy ClusterFirstWithHostNet: the Helm chart's `linux.dnsPolicy`; identity
   *    binding's token proxy must resolve cluster DNS names from the host network.
   * Nothing else is changed.
   */
  function normalized(object: any, linux: boolean): any {
    const copy = JSON.parse(JSON.stringify(object));
    copy.metadata.namespace = 'kube-system'; // 1
    if (copy.kind === 'DaemonSet') {
      copy.spec.updateStrategy.rollingUpdate = { maxUnavailable: 1 }; // 2
      if (linux) copy.spec.template.spec.dnsPolicy = 'ClusterFirstWithHostNet'; // 3
    }
    return copy;
  }

  test('the default output is deployment/provider-azure-installer.yaml (normalized)', () => {
    const manifests = synth(providerChart().chart);
    expect(manifests).toEqual(upstream('provider-azure-installer.yaml').map(o => normalized(o, true)));
  });

  test('the same inside a namespaced chart', () => {
    const manifests = synth(providerChart({}, 'demo').chart);
    expect(manifests).toEqual(upstream('provider-azure-installer.yaml').map(o => normalized(o, true)));
  });

  test('windows: true, linux: false is deployment/provider-azure-installer-windows.yaml (normalized)', () => {
    const manifests = synth(providerChart({ windows: true, linux: false }).chart);
    expect(manifests).toEqual(upstream('provider-azure-installer-windows.yaml').map(o => normalized(o, false)));
    // Kept byte-for-byte: upstream's Windows endpoint has doubled backslashes (a plain YAML scalar).
    expect(providerContainer(manifests, 'csi-secrets-store-provider-azure-windows').args[0]).toBe('--endpoint=unix://C:\\\\provider\\\\azure.sock');
  });

  test('windows: true adds the Windows DaemonSet next to the Linux one, with one ServiceAccount', () => {
    const manifests = synth(providerChart({ windows: true }).chart);
    expect(ofKind(manifests, 'ServiceAccount')).toHaveLength(1);
    expect(only(manifests, 'DaemonSet', 'csi-secrets-store-provider-azure-windows'))
      .toEqual(normalized(upstream('provider-azure-installer-windows.yaml')[1], false));
  });
});

describe('default (Linux)', () => {
  test('snapshot, and what matters', () => {
    const { chart, provider } = providerChart();
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const pod = providerPod(manifests);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(only(manifests, 'DaemonSet').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    const container = providerContainer(manifests);
    expect(container.image).toBe('mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure:v1.8.2');
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsUser: 0, capabilities: { drop: ['ALL'] } });
    expect(container.args).toEqual([
      '--endpoint=unix:///provider/azure.sock', '--construct-pem-chain=true',
      '--healthz-port=8989', '--healthz-path=/healthz', '--healthz-timeout=5s',
    ]);
    expect(pod.volumes).toEqual([{ name: 'providervol', hostPath: { path: '/var/run/secrets-store-csi-providers' } }]);
    expect(provider.version).toBe('v1.8.2');
    expect(provider.namespace).toBe('kube-system');
    expect(provider.providersDir).toBe('/var/run/secrets-store-csi-providers');
    expect(provider.windowsProvidersDir).toBe('C:\\k\\secrets-store-csi-providers');
    expect(provider.cloudEnvironmentFile).toBeUndefined();
    expect(provider.linuxDaemonSet?.name).toBe('csi-secrets-store-provider-azure');
    expect(provider.windowsDaemonSet).toBeUndefined();
    expect(provider.serviceAccount?.name).toBe('csi-secrets-store-provider-azure');
  });
});

describe('Windows', () => {
  test('snapshot: no host network, no dnsPolicy, no securityContext, DirectoryOrCreate socket directory', () => {
    const manifests = synth(providerChart({ windows: true, linux: false, windowsProvidersDir: 'D:\\providers' }).chart);
    expect(manifests).toMatchSnapshot();
    const pod = providerPod(manifests, 'csi-secrets-store-provider-azure-windows');
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.dnsPolicy).toBeUndefined();
    expect(pod.containers[0].securityContext).toBeUndefined();
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'windows' });
    expect(pod.volumes).toEqual([{ name: 'providervol', hostPath: { path: 'D:\\providers', type: 'DirectoryOrCreate' } }]);
    expect(pod.containers[0].resources).toEqual({ limits: { cpu: '100m', memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
  });
});

describe('OpenShift', () => {
  test('privileged: true sets privileged and drops allowPrivilegeEscalation, as the Helm chart (snapshot)', () => {
    const manifests = synth(providerChart({ privileged: true }).chart);
    expect(only(manifests, 'DaemonSet')).toMatchSnapshot();
    expect(providerContainer(manifests).securityContext).toEqual({
      privileged: true, readOnlyRootFilesystem: true, runAsUser: 0, capabilities: { drop: ['ALL'] },
    });
  });
});

describe('custom cloud (Azure Stack Hub)', () => {
  test('cloudEnvironmentFile mounts the host file read-only where the class reads it (snapshot)', () => {
    const { chart, provider } = providerChart({ cloudEnvironmentFile: { hostPath: '/etc/kubernetes/azurestackcloud.json', mountPath: ENV_FILE } });
    addClass(chart, 'spc', KeyVaultIdentity.vmManagedIdentity(), AzureCloud.stack({ environmentFile: ENV_FILE }));
    const manifests = synth(chart);
    expect(only(manifests, 'DaemonSet')).toMatchSnapshot();
    expect(provider.cloudEnvironmentFile).toBe(ENV_FILE);
    const pod = providerPod(manifests);
    expect(pod.volumes).toContainEqual({ name: 'cloud-environment-file', hostPath: { path: '/etc/kubernetes/azurestackcloud.json', type: 'File' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'cloud-environment-file', mountPath: ENV_FILE, readOnly: true });
  });

  test('the mount path defaults to the host path', () => {
    const { chart, provider } = providerChart({ cloudEnvironmentFile: { hostPath: ENV_FILE } });
    addClass(chart, 'spc', KeyVaultIdentity.vmManagedIdentity(), AzureCloud.stack({ environmentFile: ENV_FILE }));
    expect(provider.cloudEnvironmentFile).toBe(ENV_FILE);
    expect(providerContainer(synth(chart)).volumeMounts).toContainEqual({ name: 'cloud-environment-file', mountPath: ENV_FILE, readOnly: true });
  });

  test('fails when no provider mounts a class\'s environment file', () => {
    const { chart } = providerChart({ cloudEnvironmentFile: { hostPath: '/etc/kubernetes/other.json' } });
    addClass(chart, 'spc', KeyVaultIdentity.vmManagedIdentity(), AzureCloud.stack({ environmentFile: ENV_FILE }));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'test/provider',
      field: 'cloud.environmentFile of test/spc',
      value: ENV_FILE,
      rule: /no AzureKeyVaultProvider in the app mounts it \(mounted: "\/etc\/kubernetes\/other.json"\)/,
      fix: /cloudEnvironmentFile: \{ hostPath: .*, mountPath: "\/etc\/kubernetes\/custom_environment.json" \}/,
    });
  });

  test('any provider of the cluster may mount it; reported once with two providers', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    new AzureKeyVaultProvider(chart, 'linux');
    new AzureKeyVaultProvider(chart, 'stack', { namespace: 'stack', cloudEnvironmentFile: { hostPath: ENV_FILE } });
    addClass(chart, 'spc', KeyVaultIdentity.vmManagedIdentity(), AzureCloud.stack({ environmentFile: ENV_FILE }));
    expect(() => synth(chart)).not.toThrow();
    addClass(chart, 'other', KeyVaultIdentity.vmManagedIdentity(), AzureCloud.stack({ environmentFile: '/other.json' }));
    const message = errorOf(() => synth(chart));
    expect(message.match(/cloud\.environmentFile of test\/other/g)).toHaveLength(1);
  });

  test('no check without a provider in the app, nor across clusters', () => {
    const chart = new Chart(Testing.app(), 'test');
    addClass(chart, 'spc', KeyVaultIdentity.vmManagedIdentity(), AzureCloud.stack({ environmentFile: ENV_FILE }));
    expect(() => synth(chart)).not.toThrow();

    const app = Testing.app();
    const east = new Chart(app, 'east');
    east.node.setContext(CLUSTER_CONTEXT_KEY, 'east');
    new AzureKeyVaultProvider(east, 'provider');
    const west = new Chart(app, 'west');
    west.node.setContext(CLUSTER_CONTEXT_KEY, 'west');
    addClass(west, 'spc', KeyVaultIdentity.vmManagedIdentity(), AzureCloud.stack({ environmentFile: ENV_FILE }));
    expect(() => app.synthYaml()).not.toThrow();
  });
});

// v1.8.0 added identity binding but has no tag and panics at start with --log-format-json; v1.8.1 fixed it:
// https://github.com/Azure/secrets-store-csi-driver-provider-azure/commit/7dc89ab96ff190d27cfac1a583b50dd09e4f33b5
describe('identity binding needs provider v1.8.1+', () => {
  test('fails with an older provider', () => {
    const { chart } = providerChart({ version: 'v1.7.2' });
    addClass(chart, 'spc', identityBinding());
    expectProblem(errorOf(() => synth(chart)), {
      path: 'test/provider',
      field: 'version',
      value: 'v1.7.2',
      rule: /identity binding \(useAzureTokenProxy\) needs provider v1\.8\.1 or later \(.*\), and test\/spc uses it/,
      fix: /set version to "v1\.8\.1" or later \(default "v1\.8\.2"\)/,
    });
  });

  // v1.8.0 and prereleases have no release tag (the version check refuses them, test/install/versions.test.ts): a
  // custom image of them is how to name them, and then the identity-binding check judges the version.
  const image = 'myregistry.azurecr.io/provider-azure:custom';

  test('fails with v1.8.0 (untagged; panics at start with --log-format-json)', () => {
    const { chart } = providerChart({ version: 'v1.8.0', image });
    addClass(chart, 'spc', identityBinding());
    expect(errorOf(() => synth(chart))).toMatch(/needs provider v1\.8\.1 or later .*v1\.8\.0 was never tagged and panics at start with --log-format-json/);
  });

  test('v1.8.1 is enough; older providers are fine for other identities', () => {
    let { chart } = providerChart({ version: 'v1.8.1' });
    addClass(chart, 'spc', identityBinding());
    expect(() => synth(chart)).not.toThrow();
    ({ chart } = providerChart({ version: 'v1.7.2' }));
    addClass(chart, 'spc', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));
    expect(() => synth(chart)).not.toThrow();
  });

  test('a prerelease of v1.8.1 is older than v1.8.1', () => {
    const { chart } = providerChart({ version: 'v1.8.1-rc.1', image });
    addClass(chart, 'spc', identityBinding());
    expect(errorOf(() => synth(chart))).toMatch(/needs provider v1\.8\.1 or later/);
  });

  test('version order (SemVer, prereleases before their release)', () => {
    expect(compareVersions('v1.10.0', 'v1.8.2')).toBeGreaterThan(0);
    expect(compareVersions('v1.8.0', 'v1.8.0')).toBe(0);
    expect(compareVersions('v1.8.0', 'v1.8.0-rc.1')).toBeGreaterThan(0);
    expect(compareVersions('v1.8.0-rc.1', 'v1.8.0-rc.2')).toBeLessThan(0);
    expect(() => compareVersions('latest', 'v1.8.0')).toThrow(/cannot compare/);
  });

  test('fails when the host-network pods do not use ClusterFirstWithHostNet', () => {
    const { chart } = providerChart({ dnsPolicy: kplus.DnsPolicy.CLUSTER_FIRST });
    addClass(chart, 'spc', identityBinding());
    expectProblem(errorOf(() => synth(chart)), {
      path: 'test/provider',
      field: 'dnsPolicy',
      value: 'ClusterFirst',
      rule: /identity binding needs dnsPolicy "ClusterFirstWithHostNet"/,
      fix: /default \(ClusterFirstWithHostNet\)/,
    });
  });
});

describe('pod identity needs the Linux provider on the host network', () => {
  const podIdentity = () => KeyVaultIdentity.podIdentity({ selector: 'demo' });

  test('fails without the host network', () => {
    const { chart } = providerChart({ hostNetwork: false });
    addClass(chart, 'spc', podIdentity());
    expectProblem(errorOf(() => synth(chart)), {
      path: 'test/provider',
      field: 'hostNetwork',
      value: false,
      rule: /pod identity .* needs the Linux provider on the host network to reach NMI at localhost:2579, and test\/spc uses it/,
      fix: /keep `linux` and `hostNetwork` at their defaults/,
    });
  });

  test('fails with only the Windows DaemonSet', () => {
    const { chart } = providerChart({ linux: false, windows: true });
    addClass(chart, 'spc', podIdentity());
    expectProblem(errorOf(() => synth(chart)), {
      path: 'test/provider', field: 'linux', value: false, rule: /Linux only/, fix: /keep `linux`/,
    });
  });

  test('the default provider serves pod identity; other identities need no host network', () => {
    let { chart } = providerChart();
    addClass(chart, 'spc', podIdentity());
    expect(() => synth(chart)).not.toThrow();
    ({ chart } = providerChart({ hostNetwork: false }));
    addClass(chart, 'spc', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));
    expect(() => synth(chart)).not.toThrow();
  });
});

describe('providers directory agreement with the driver', () => {
  test('fails when the Linux directories differ', () => {
    const chart = new Chart(Testing.app(), 'test');
    new SecretsStoreCsiDriver(chart, 'driver', { providersDir: '/run/csi-providers', additionalProvidersDirs: [] });
    new AzureKeyVaultProvider(chart, 'provider');
    expectProblem(errorOf(() => synth(chart)), {
      path: 'test/provider',
      field: 'providersDir',
      value: '/var/run/secrets-store-csi-providers',
      rule: /the Linux driver test\/driver looks for provider sockets only in "\/run\/csi-providers"/,
      fix: /set providersDir to "\/run\/csi-providers"/,
    });
  });

  test('fails when the Windows directories differ (case-insensitive, trailing separators ignored)', () => {
    const chart = new Chart(Testing.app(), 'test');
    new SecretsStoreCsiDriver(chart, 'driver', { windows: true, windowsProvidersDir: 'c:\\K\\secrets-store-csi-providers\\' });
    new AzureKeyVaultProvider(chart, 'provider', { windows: true });
    expect(() => synth(chart)).not.toThrow();

    const other = new Chart(Testing.app(), 'test');
    new SecretsStoreCsiDriver(other, 'driver', { windows: true });
    new AzureKeyVaultProvider(other, 'provider', { windows: true, windowsProvidersDir: 'D:\\providers' });
    expectProblem(errorOf(() => synth(other)), {
      path: 'test/provider',
      field: 'windowsProvidersDir',
      value: 'D:\\providers',
      rule: /the Windows driver test\/driver looks for provider sockets only in "C:\\\\k\\\\secrets-store-csi-providers"/,
      fix: /windowsProvidersDir/,
    });
  });

  test('an additional driver directory is fine; no check for an OS one side does not install', () => {
    const chart = new Chart(Testing.app(), 'test');
    new SecretsStoreCsiDriver(chart, 'driver');
    new AzureKeyVaultProvider(chart, 'provider', { providersDir: '/etc/kubernetes/secrets-store-csi-providers', windowsProvidersDir: 'D:\\x' });
    expect(() => synth(chart)).not.toThrow();
  });
});

describe('options', () => {
  test('provider flags: PEM chain off, separate files, logs, user agent, healthz, metrics', () => {
    const manifests = synth(providerChart({
      constructPemChain: false,
      writeCertAndKeyInSeparateFiles: true,
      logVerbosity: 2,
      logFormatJson: true,
      customUserAgent: 'contoso/1.0',
      healthzPort: 8990,
      healthzPath: '/health',
      healthzTimeout: Duration.millis(1500),
      metricsPort: 8899,
    }).chart);
    const container = providerContainer(manifests);
    expect(container.args).toEqual([
      '--endpoint=unix:///provider/azure.sock', '--log-format-json=true', '-v=2', '--construct-pem-chain=false',
      '--custom-user-agent=contoso/1.0', '--healthz-port=8990', '--healthz-path=/health', '--healthz-timeout=1s500ms',
      '--write-cert-and-key-in-separate-files=true', '--prometheus-port=8899',
    ]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 8990 });
    expect(container.ports).toEqual([{ containerPort: 8899, name: 'metrics', protocol: 'TCP' }]);
  });

  test('image: repository mirror and version, or a full reference; pull secrets', () => {
    let manifests = synth(providerChart({ imageRepository: 'myregistry.azurecr.io/provider-azure', version: 'v1.8.1', imagePullSecrets: ['acr'] }).chart);
    expect(providerContainer(manifests).image).toBe('myregistry.azurecr.io/provider-azure:v1.8.1');
    expect(providerPod(manifests).imagePullSecrets).toEqual([{ name: 'acr' }]);
    manifests = synth(providerChart({ image: 'myregistry.azurecr.io/provider@sha256:' + 'a'.repeat(64) }).chart);
    expect(providerContainer(manifests).image).toBe('myregistry.azurecr.io/provider@sha256:' + 'a'.repeat(64));
  });

  test('hostNetwork: false drops the dnsPolicy default; dnsPolicy can be set', () => {
    let pod = providerPod(synth(providerChart({ hostNetwork: false }).chart));
    expect(pod.hostNetwork).toBe(false);
    expect(pod.dnsPolicy).toBeUndefined();
    pod = providerPod(synth(providerChart({ dnsPolicy: kplus.DnsPolicy.DEFAULT }).chart));
    expect(pod.dnsPolicy).toBe('Default');
  });

  test('scheduling and resources', () => {
    const manifests = synth(providerChart({
      windows: true,
      priorityClassName: 'system-node-critical',
      nodeSelector: { agentpool: 'system' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'secrets', effect: 'NoSchedule' }],
      requiredNodeAffinity: [],
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(200) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      windowsResources: {},
    }).chart);
    for (const name of ['csi-secrets-store-provider-azure', 'csi-secrets-store-provider-azure-windows']) {
      const pod = providerPod(manifests, name);
      expect(pod.priorityClassName).toBe('system-node-critical');
      expect(pod.nodeSelector.agentpool).toBe('system');
      expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'secrets', effect: 'NoSchedule' }]);
      expect(pod.affinity).toBeUndefined();
    }
    expect(providerContainer(manifests).resources).toEqual({ limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(providerContainer(manifests, 'csi-secrets-store-provider-azure-windows').resources).toBeUndefined();
  });

  test('extra volume mounts (each volume once)', () => {
    const chart = new Chart(Testing.app(), 'test');
    const certs = kplus.Volume.fromHostPath(chart, 'certs', 'ssl-certs', { path: '/etc/ssl/certs' });
    new AzureKeyVaultProvider(chart, 'provider', {
      volumeMounts: [{ volume: certs, path: '/etc/ssl/certs' }, { volume: certs, path: '/etc/pki/ca.crt', subPath: 'ca.crt', readOnly: false }],
    });
    const pod = providerPod(synth(chart));
    expect(pod.volumes).toEqual([
      { name: 'providervol', hostPath: { path: '/var/run/secrets-store-csi-providers' } },
      { name: 'ssl-certs', hostPath: { path: '/etc/ssl/certs', type: '' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { mountPath: '/provider', name: 'providervol' },
      { name: 'ssl-certs', mountPath: '/etc/ssl/certs', readOnly: true },
      { name: 'ssl-certs', mountPath: '/etc/pki/ca.crt', readOnly: false, subPath: 'ca.crt' },
    ]);
  });

  test('namespace and providers directory', () => {
    const manifests = synth(providerChart({ namespace: 'csi', providersDir: '/run/providers/' }).chart);
    expect(ofKind(manifests, 'ServiceAccount')[0].metadata.namespace).toBe('csi');
    expect(only(manifests, 'DaemonSet').metadata.namespace).toBe('csi');
    expect(providerPod(manifests).volumes[0].hostPath.path).toBe('/run/providers');
  });
});

describe('Helm chart values', () => {
  const DAEMONSETS = ['csi-secrets-store-provider-azure', 'csi-secrets-store-provider-azure-windows'];

  test('every knob at once (snapshot)', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ca = kplus.Volume.fromConfigMap(chart, 'ca', kplus.ConfigMap.fromConfigMapName(chart, 'ca-map', 'ca-bundle'), { name: 'ca' });
    new AzureKeyVaultProvider(chart, 'provider', {
      windows: true,
      commonLabels: { team: 'platform' },
      podLabels: { tier: 'node' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      daemonSetAnnotations: { 'deployed-by': 'cdk8s' },
      maxUnavailable: kplus.PercentOrAbsolute.percent(20),
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      preferredNodeAffinity: [{ weight: 10, labels: [{ key: 'agentpool', operator: 'In', values: ['system'] }] }],
      windowsNodeSelector: { pool: 'win' },
      windowsTolerations: [],
      windowsPriorityClassName: 'windows-critical',
      windowsVolumeMounts: [{ volume: ca, path: 'C:\\ca' }],
      healthzTimeout: Duration.seconds(10),
      installRbac: false,
      serviceAccountName: 'akv-provider',
    });
    expect(synth(chart)).toMatchSnapshot();
  });

  test('commonLabels on every object and the pod templates, not the selectors; podLabels, annotations on both DaemonSets', () => {
    const manifests = synth(providerChart({
      windows: true,
      commonLabels: { team: 'platform' },
      podLabels: { tier: 'node' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      daemonSetAnnotations: { 'deployed-by': 'cdk8s' },
    }).chart);
    expect(only(manifests, 'ServiceAccount').metadata.labels).toEqual({ team: 'platform' });
    for (const name of DAEMONSETS) {
      const ds = only(manifests, 'DaemonSet', name);
      expect(ds.metadata.labels).toEqual({ app: 'csi-secrets-store-provider-azure', team: 'platform' });
      expect(ds.metadata.annotations).toEqual({ 'deployed-by': 'cdk8s' });
      expect(ds.spec.selector).toEqual({ matchLabels: { app: 'csi-secrets-store-provider-azure' } });
      expect(ds.spec.template.metadata).toEqual({
        labels: { app: 'csi-secrets-store-provider-azure', team: 'platform', tier: 'node' },
        annotations: { 'prometheus.io/scrape': 'true' },
      });
    }
  });

  test('maxUnavailable (default 1, the chart\'s) and imagePullPolicy on both DaemonSets', () => {
    const manifests = synth(providerChart({
      windows: true, maxUnavailable: kplus.PercentOrAbsolute.percent(20), imagePullPolicy: kplus.ImagePullPolicy.NEVER,
    }).chart);
    for (const name of DAEMONSETS) {
      expect(only(manifests, 'DaemonSet', name).spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '20%' } });
      expect(providerContainer(manifests, name).imagePullPolicy).toBe('Never');
    }
  });

  test('healthzTimeout is a Duration written as a Go duration (default "5s")', () => {
    const timeout = (healthzTimeout?: Duration) => providerContainer(synth(providerChart({ healthzTimeout }).chart)).args.find((a: string) => a.startsWith('--healthz-timeout'));
    expect(timeout()).toBe('--healthz-timeout=5s');
    expect(timeout(Duration.millis(500))).toBe('--healthz-timeout=500ms');
    expect(timeout(Duration.minutes(1))).toBe('--healthz-timeout=1m');
  });

  test('affinity: preferred node affinity and pod anti-affinity next to the default required term', () => {
    const pod = providerPod(synth(providerChart({
      preferredNodeAffinity: [{ weight: 10, labels: [{ key: 'agentpool', operator: 'In', values: ['system'] }] }],
      podAntiAffinity: [{ labels: { app: 'other-provider' }, weight: 100, topology: kplus.Topology.custom('example.com/rack') }],
    }).chart));
    expect(pod.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'agentpool', operator: 'In', values: ['system'] }] } }],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'other-provider' } }, topologyKey: 'example.com/rack' },
        }],
      },
    });
  });

  test('Windows scheduling: own node selector, tolerations and priority class', () => {
    const manifests = synth(providerChart({
      windows: true,
      nodeSelector: { pool: 'linux' },
      priorityClassName: 'system-node-critical',
      windowsNodeSelector: { pool: 'win' },
      windowsTolerations: [],
      windowsPriorityClassName: 'windows-critical',
    }).chart);
    const linux = providerPod(manifests);
    const windows = providerPod(manifests, DAEMONSETS[1]);
    expect([linux.nodeSelector, linux.tolerations, linux.priorityClassName]).toEqual([{ 'kubernetes.io/os': 'linux', 'pool': 'linux' }, [{ operator: 'Exists' }], 'system-node-critical']);
    expect([windows.nodeSelector, windows.tolerations, windows.priorityClassName]).toEqual([{ 'kubernetes.io/os': 'windows', 'pool': 'win' }, undefined, 'windows-critical']);
  });

  test('windowsVolumeMounts: extra volumes of the Windows pod', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ca = kplus.Volume.fromSecret(chart, 'ca', kplus.Secret.fromSecretName(chart, 'ca-secret', 'ca'), { name: 'ca' });
    new AzureKeyVaultProvider(chart, 'provider', { windows: true, windowsVolumeMounts: [{ volume: ca, path: 'C:\\certs', subPath: 'ca.crt' }] });
    const manifests = synth(chart);
    const windows = providerPod(manifests, DAEMONSETS[1]);
    expect(windows.volumes).toEqual([
      { name: 'providervol', hostPath: { path: 'C:\\k\\secrets-store-csi-providers', type: 'DirectoryOrCreate' } },
      { name: 'ca', secret: { secretName: 'ca' } },
    ]);
    expect(windows.containers[0].volumeMounts).toEqual([
      { mountPath: 'C:\\provider', name: 'providervol' },
      { name: 'ca', mountPath: 'C:\\certs', readOnly: true, subPath: 'ca.crt' },
    ]);
    expect(providerPod(manifests).volumes).toHaveLength(1);
  });

  test('installRbac: false runs as an existing ServiceAccount', () => {
    const { chart, provider } = providerChart({ windows: true, installRbac: false, serviceAccountName: 'akv-provider' });
    const manifests = synth(chart);
    expect(ofKind(manifests, 'ServiceAccount')).toEqual([]);
    expect(provider.serviceAccount).toBeUndefined();
    expect(provider.serviceAccountName).toBe('akv-provider');
    for (const name of DAEMONSETS) expect(providerPod(manifests, name).serviceAccountName).toBe('akv-provider');
    const named = synth(providerChart({ serviceAccountName: 'akv-provider' }).chart);
    expect(only(named, 'ServiceAccount').metadata.name).toBe('akv-provider');
  });

  test('registers writeCertAndKeyInSeparateFiles for the app-wide checks', () => {
    const { chart } = providerChart({ writeCertAndKeyInSeparateFiles: true });
    new AzureKeyVaultProvider(chart, 'other', { namespace: 'other' });
    expect(AppRegistry.of(chart).providers.map(p => p.writeCertAndKeyInSeparateFiles)).toEqual([true, false]);
  });
});

describe('Helm chart values: validation', () => {
  const fails = (props: AzureKeyVaultProviderProps, field: string, value: unknown, rule: RegExp, fix: RegExp) =>
    expectProblem(errorOf(() => providerChart(props)), { path: 'test/provider', field, value, rule, fix });

  test('labels and annotations', () => {
    fails({ commonLabels: { app: 'x' } }, 'commonLabels', 'app', /selector label/, /another label key/);
    fails({ podLabels: { 'a/b/c': 'x' } }, 'podLabels', 'a/b/c', /label key/, /agentpool/);
    fails({ podAnnotations: { '': 'x' } }, 'podAnnotations', '', /annotation key/, /prometheus/);
  });
  test('maxUnavailable', () => fails({ maxUnavailable: kplus.PercentOrAbsolute.percent(0) }, 'maxUnavailable', '0%', /percentage from 1 to 100/, /absolute\(1\)/));
  test('Windows-only options without Windows', () => {
    fails({ windowsTolerations: [] }, 'windowsTolerations', [], /Windows DaemonSet, which is not installed/, /windows: true/);
    const chart = new Chart(Testing.app(), 'test');
    const v = kplus.Volume.fromEmptyDir(chart, 'v', 'extra');
    expect(errorOf(() => new AzureKeyVaultProvider(chart, 'p', { windowsVolumeMounts: [{ volume: v, path: 'C:\\x' }] })))
      .toMatch(/windowsVolumeMounts 1 is invalid: extra volumes are mounted into the Windows DaemonSet, which is not installed/);
    expect(errorOf(() => new AzureKeyVaultProvider(chart, 'q', { windows: true, windowsVolumeMounts: [{ volume: v, path: 'C:\\Provider\\x' }] })))
      .toMatch(/windowsVolumeMounts\[0\]\.path "C:\\\\Provider\\\\x" is invalid: it overlaps the provider socket directory mounted at C:\\provider/);
  });
  test('serviceAccountName', () => fails({ serviceAccountName: 'a_b' }, 'serviceAccountName', 'a_b', /DNS-1123 subdomain/, /app-secrets/));
  test('podAffinity weight', () => fails({ podAffinity: [{ labels: { a: 'b' }, weight: 1.5 }] }, 'podAffinity[0].weight', 1.5, /weight/, /50/));
});

describe('validation', () => {
  const fails = (props: AzureKeyVaultProviderProps, field: string, value: unknown, rule: RegExp, fix: RegExp) =>
    expectProblem(errorOf(() => providerChart(props)), { path: 'test/provider', field, value, rule, fix });

  test('version', () => fails({ version: 'latest' }, 'version', 'latest', /must be a provider release tag like "v1\.8\.2"/, /v1\.8\.2/));
  test('neither Linux nor Windows', () => fails({ linux: false }, 'linux', false, /no DaemonSet/, /windows: true/));
  test('namespace', () => fails({ namespace: '-x' }, 'namespace', '-x', /DNS-1123 label/, /secrets-store/));
  test('imageRepository', () => fails({ imageRepository: 'Repo' }, 'imageRepository', 'Repo', /image repository/, /myregistry/));
  test('imageRepository with a tag', () => fails({ imageRepository: 'acr.io/p:v1' }, 'imageRepository', 'acr.io/p:v1', /without tag or digest/, /myregistry/));
  test('image', () => fails({ image: 'repo:tag with space' }, 'image', 'repo:tag with space', /image reference/, /myregistry/));
  test('healthzPort', () => fails({ healthzPort: 70000 }, 'healthzPort', 70000, /port number/, /8898/));
  test('healthzPath', () => fails({ healthzPath: 'healthz' }, 'healthzPath', 'healthz', /starting with "\/"/, /\/healthz/));
  test('healthzTimeout', () => {
    fails({ healthzTimeout: Duration.seconds(0) }, 'healthzTimeout', Duration.seconds(0).toHumanString(), /positive whole number of milliseconds/, /Duration\.seconds\(5\)/);
    fails({ healthzTimeout: Duration.millis(0.5) }, 'healthzTimeout', Duration.millis(0.5).toHumanString(), /whole number of milliseconds/, /Duration\.millis\(500\)/);
  });
  test('metricsPort', () => fails({ metricsPort: 0 }, 'metricsPort', 0, /port number/, /8898/));
  test('metricsPort on the healthz port', () => fails({ metricsPort: 8989 }, 'metricsPort', 8989, /health endpoint already listens on port 8989/, /different ports/));
  test('logVerbosity', () => fails({ logVerbosity: 11 }, 'logVerbosity', 11, /klog verbosity/, /0/));
  test('customUserAgent', () => fails({ customUserAgent: 'a\nb' }, 'customUserAgent', 'a\nb', /single line/, /line breaks/));
  test('providersDir', () => fails({ providersDir: 'run' }, 'providersDir', 'run', /absolute Linux path/, /\/var\/run/));
  test('windowsProvidersDir', () => fails({ windowsProvidersDir: 'k' }, 'windowsProvidersDir', 'k', /Windows path/, /C:\\k/));
  test('dnsPolicy without Linux', () => fails({ linux: false, windows: true, dnsPolicy: kplus.DnsPolicy.DEFAULT }, 'dnsPolicy', 'Default', /Linux DaemonSet, which is not installed/, /remove dnsPolicy/));
  test('cloudEnvironmentFile.hostPath', () => fails({ cloudEnvironmentFile: { hostPath: 'env.json' } }, 'cloudEnvironmentFile.hostPath', 'env.json', /absolute Linux path/, /\/var\/run/));
  test('cloudEnvironmentFile.mountPath over the socket directory', () => fails({ cloudEnvironmentFile: { hostPath: ENV_FILE, mountPath: '/provider/env.json' } },
    'cloudEnvironmentFile.mountPath', '/provider/env.json', /overlaps the provider socket directory mounted at \/provider/, /another path/));
  test('cloudEnvironmentFile without Linux', () => fails({ linux: false, windows: true, cloudEnvironmentFile: { hostPath: ENV_FILE } },
    'cloudEnvironmentFile', ENV_FILE, /Linux DaemonSet, which is not installed/, /remove cloudEnvironmentFile/));
  test('priorityClassName and nodeSelector (shared pod options)', () => {
    fails({ priorityClassName: 'A' }, 'priorityClassName', 'A', /DNS-1123 subdomain/, /app-secrets/);
    fails({ nodeSelector: { 'kubernetes.io/os': 'windows' } }, 'nodeSelector', 'kubernetes.io/os', /set by the construct/, /`linux` and `windows`/);
  });

  test('volumeMounts: paths must not overlap, names must not clash, Linux must be installed', () => {
    const chart = new Chart(Testing.app(), 'test');
    const a = kplus.Volume.fromHostPath(chart, 'a', 'certs', { path: '/etc/ssl/certs' });
    const b = kplus.Volume.fromHostPath(chart, 'b', 'certs', { path: '/etc/pki' });
    const reserved = kplus.Volume.fromHostPath(chart, 'c', 'providervol', { path: '/x' });
    let n = 0;
    const props = (volumeMounts: any[], extra: AzureKeyVaultProviderProps = {}) => () => new AzureKeyVaultProvider(chart, `p${n++}`, { volumeMounts, ...extra });
    expect(errorOf(props([{ volume: a, path: '/etc/ssl' }, { volume: a, path: '/etc/ssl/certs' }])))
      .toMatch(/volumeMounts\[1\]\.path "\/etc\/ssl\/certs" is invalid: it overlaps volumeMounts\[0\] mounted at \/etc\/ssl\. Fix: mount it at another path/);
    expect(errorOf(props([{ volume: a, path: '/a' }, { volume: b, path: '/b' }])))
      .toMatch(/volumeMounts\[1\]\.volume "certs" is invalid: another volume of the provider pod has this name/);
    expect(errorOf(props([{ volume: reserved, path: '/a' }]))).toMatch(/volumeMounts\[0\]\.volume "providervol" is invalid/);
    expect(errorOf(props([{ volume: a, path: '/a' }], { linux: false, windows: true })))
      .toMatch(/volumeMounts 1 is invalid: extra volumes are mounted into the Linux DaemonSet, which is not installed/);
  });
});
