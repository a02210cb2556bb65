import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  AzureKeyVaultProvider, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
  SecretsStoreCsiDriverProps, SyncedSecretType,
} from '../src';
import { describeIfReference, errorOf, expectProblem, ofKind, only, synth, upstreamDocuments } from './util';
import { CLUSTER_CONTEXT_KEY } from '../src/constants';
import { secretProviderClassCrd, secretProviderClassPodStatusCrd } from '../src/install/crds';

// Upstream: https://github.com/kubernetes-sigs/secrets-store-csi-driver/tree/0aad886f70e94a6037325f4eaba4660338dde448/deploy
// (v1.6.0; the parity tests read these files, pinned in projenrc/upstream.ts) and the driver's flags in
// https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/v1.6.0/cmd/secrets-store-csi-driver/main.go.

const DEPLOY = 'secrets-store-csi-driver/deploy';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const IDENTITY_BINDING = 'api://AKSIdentityBinding';
const WORKLOAD_IDENTITY = 'api://AzureADTokenExchange';

/** Every document of an upstream file. */
function upstream(file: string): any[] {
  return upstreamDocuments(`${DEPLOY}/${file}`);
}

/** Objects ordered by kind and name, for order-independent comparison. */
function sorted(objects: any[]): any[] {
  const key = (o: any) => `${o.kind}/${o.metadata.name}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Everything but the CRDs (compared once in the parity tests; left out of the variant snapshots). */
function withoutCrds(manifests: any[]): any[] {
  return manifests.filter(m => m.kind !== 'CustomResourceDefinition');
}

function driverPod(manifests: any[], name = 'csi-secrets-store'): any {
  return only(manifests, 'DaemonSet', name).spec.template.spec;
}

function container(manifests: any[], name: string, daemonSet = 'csi-secrets-store'): any {
  return driverPod(manifests, daemonSet).containers.find((c: any) => c.name === name);
}

function driverArgs(manifests: any[], daemonSet = 'csi-secrets-store'): string[] {
  return container(manifests, 'secrets-store', daemonSet).args;
}

/** A class in `chart` signing in with `identity`. */
function addClass(chart: Chart, id: string, identity: KeyVaultIdentity): KeyVaultSecretProviderClass {
  return new KeyVaultSecretProviderClass(chart, id, {
    keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity, objects: [KeyVaultObject.secret('secret1')],
  });
}

const identityBinding = () => KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID, externallyManagedRbac: true });
const workloadIdentity = () => KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID });

function driverChart(props: SecretsStoreCsiDriverProps = {}, namespace?: string) {
  const chart = new Chart(Testing.app(), 'test', { namespace });
  const driver = new SecretsStoreCsiDriver(chart, 'driver', props);
  return { chart, driver };
}

describeIfReference('parity with upstream deploy/ v1.6.0', () => {
  // No normalization: every upstream object is compared as written, whole.
  const DEFAULT_FILES = [
    'csidriver.yaml',
    'rbac-secretproviderclass.yaml',
    'role-secretproviderclasses-admin.yaml',
    'role-secretproviderclasses-viewer.yaml',
    'role-secretproviderclasspodstatuses-viewer.yaml',
    'secrets-store-csi-driver.yaml',
    'secrets-store.csi.x-k8s.io_secretproviderclasses.yaml',
    'secrets-store.csi.x-k8s.io_secretproviderclasspodstatuses.yaml',
  ];

  test('the default output is exactly deploy/ minus the optional Windows DaemonSet and secret-sync RBAC', () => {
    const expected = sorted(DEFAULT_FILES.flatMap(upstream));
    expect(sorted(synth(driverChart().chart))).toEqual(expected);
  });

  test('inside a namespaced chart too: cluster-scoped objects get no namespace, namespaced ones kube-system', () => {
    const manifests = synth(driverChart({}, 'demo').chart);
    expect(sorted(manifests)).toEqual(sorted(DEFAULT_FILES.flatMap(upstream)));
    for (const kind of ['CSIDriver', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']) {
      for (const object of ofKind(manifests, kind)) expect(object.metadata.namespace).toBeUndefined();
    }
  });

  test('windows: true adds deploy/secrets-store-csi-driver-windows.yaml as is', () => {
    const manifests = synth(driverChart({ windows: true }).chart);
    expect(only(manifests, 'DaemonSet', 'csi-secrets-store-windows')).toEqual(upstream('secrets-store-csi-driver-windows.yaml')[0]);
    // Kept byte-for-byte: upstream's CSI_ENDPOINT has doubled backslashes (a plain YAML scalar), its args single ones.
    expect(container(manifests, 'secrets-store', 'csi-secrets-store-windows').env[0].value).toBe('unix://C:\\\\csi\\\\csi.sock');
  });

  test('a class syncing a Secret adds exactly deploy/rbac-secretprovidersyncing.yaml', () => {
    const { chart } = driverChart();
    addClass(chart, 'spc', workloadIdentity()).syncSecret({
      secretName: 'app', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'secret1' }],
    });
    const manifests = synth(chart);
    const sync = manifests.filter(m => m.metadata.name.startsWith('secretprovidersyncing'));
    expect(sorted(sync)).toEqual(sorted(upstream('rbac-secretprovidersyncing.yaml')));
  });

  test('secretProviderClassCrd() and secretProviderClassPodStatusCrd() return the upstream CRDs (deploy/ and crds/)', () => {
    expect(secretProviderClassCrd()).toEqual(upstream('secrets-store.csi.x-k8s.io_secretproviderclasses.yaml')[0]);
    expect(secretProviderClassPodStatusCrd()).toEqual(upstream('secrets-store.csi.x-k8s.io_secretproviderclasspodstatuses.yaml')[0]);
    expect(secretProviderClassCrd()).toEqual(upstreamDocuments('secrets-store-csi-driver/crds/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml')[0]);
  });
});

describe('CRD functions', () => {
  test('return fresh copies: mutating one does not change the next', () => {
    const crd = secretProviderClassCrd();
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.secretObjects.items.type = 'changed';
    expect(secretProviderClassCrd().spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.secretObjects.items.type).toBe('object');
  });

  test('the SecretProviderClass v1 schema has spec.provider, parameters and secretObjects', () => {
    const v1 = secretProviderClassCrd().spec.versions.find((v: any) => v.name === 'v1');
    expect(v1.storage).toBe(true);
    expect(Object.keys(v1.schema.openAPIV3Schema.properties.spec.properties).sort()).toEqual(['parameters', 'provider', 'secretObjects']);
  });
});

describe('default (Linux)', () => {
  test('snapshot, and what matters', () => {
    const manifests = synth(driverChart().chart);
    expect(manifests).toMatchSnapshot();

    const csiDriver = only(manifests, 'CSIDriver', 'secrets-store.csi.k8s.io');
    expect(csiDriver.spec).toEqual({ attachRequired: false, podInfoOnMount: true, requiresRepublish: true, volumeLifecycleModes: ['Ephemeral'] });
    expect(ofKind(manifests, 'DaemonSet').map(d => d.metadata.name)).toEqual(['csi-secrets-store']);
    const pod = driverPod(manifests);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    const driver = container(manifests, 'secrets-store');
    expect(driver.securityContext).toEqual({ privileged: true });
    expect(driver.volumeMounts.find((m: any) => m.name === 'mountpoint-dir')).toEqual({
      name: 'mountpoint-dir', mountPath: '/var/lib/kubelet/pods', mountPropagation: 'Bidirectional',
    });
    expect(driverArgs(manifests)).toEqual(expect.arrayContaining(['--enable-secret-rotation=false', '--rotation-poll-interval=2m']));
    // No secret-sync or legacy RBAC, no token requests without classes.
    expect(ofKind(manifests, 'ClusterRole').map(r => r.metadata.name).sort()).toEqual([
      'secretproviderclasses-admin-role', 'secretproviderclasses-role', 'secretproviderclasses-viewer-role', 'secretproviderclasspodstatuses-viewer-role',
    ]);
  });

  test('public properties', () => {
    const { driver } = driverChart();
    expect(driver.version).toBe('v1.6.0');
    expect(driver.namespace).toBe('kube-system');
    expect(driver.providersDir).toBe('/var/run/secrets-store-csi-providers');
    expect(driver.additionalProvidersDirs).toEqual(['/etc/kubernetes/secrets-store-csi-providers']);
    expect(driver.windowsProvidersDir).toBe('C:\\k\\secrets-store-csi-providers');
    expect(driver.rotationEnabled).toBe(false);
    expect(driver.windowsDaemonSet).toBeUndefined();
    expect(driver.linuxDaemonSet?.name).toBe('csi-secrets-store');
    expect(driver.csiDriver.name).toBe('secrets-store.csi.k8s.io');
    expect(driver.serviceAccount.name).toBe('secrets-store-csi-driver');
  });
});

describe('Windows', () => {
  test('windows: true, linux: false installs only the Windows DaemonSet (snapshot)', () => {
    const manifests = synth(driverChart({ windows: true, linux: false }).chart);
    expect(withoutCrds(manifests)).toMatchSnapshot();
    expect(ofKind(manifests, 'DaemonSet').map(d => d.metadata.name)).toEqual(['csi-secrets-store-windows']);
    const pod = driverPod(manifests, 'csi-secrets-store-windows');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'windows' });
    const driver = pod.containers.find((c: any) => c.name === 'secrets-store');
    expect(driver.securityContext).toBeUndefined();
    expect(driver.args).toContain('--provider-volume=C:\\k\\secrets-store-csi-providers');
    expect(driver.args.some((a: string) => a.startsWith('--additional-provider-volume-paths'))).toBe(false);
    expect(pod.volumes.find((v: any) => v.name === 'providers-dir').hostPath.path).toBe('C:\\k\\secrets-store-csi-providers\\');
  });

  test('custom Windows kubelet root and providers directory (trailing separators trimmed)', () => {
    const manifests = synth(driverChart({ windows: true, linux: false, windowsKubeletRootDir: 'D:\\kubelet\\', windowsProvidersDir: 'D:\\providers\\' }).chart);
    const pod = driverPod(manifests, 'csi-secrets-store-windows');
    expect(pod.containers[0].args).toContain('--kubelet-registration-path=D:\\kubelet\\plugins\\csi-secrets-store\\csi.sock');
    expect(pod.volumes.map((v: any) => v.hostPath.path)).toEqual([
      'D:\\kubelet\\pods\\', 'D:\\kubelet\\plugins_registry\\', 'D:\\kubelet\\plugins\\csi-secrets-store\\', 'D:\\providers\\',
    ]);
    expect(pod.containers[1].args).toContain('--provider-volume=D:\\providers');
  });
});

describe('rotation', () => {
  test('rotation: {} enables it with the default poll interval (snapshot)', () => {
    const { chart, driver } = driverChart({ rotation: {} });
    const manifests = synth(chart);
    expect(withoutCrds(manifests)).toMatchSnapshot();
    expect(driver.rotationEnabled).toBe(true);
    expect(driverArgs(manifests)).toEqual(expect.arrayContaining(['--enable-secret-rotation=true', '--rotation-poll-interval=2m']));
    expect(only(manifests, 'CSIDriver').spec.requiresRepublish).toBe(true);
    // v1.6 rotates through RequiresRepublish: no extra RBAC.
    expect(ofKind(manifests, 'ClusterRole').some(r => r.metadata.name === 'secretproviderrotation-role')).toBe(false);
  });

  test('poll interval', () => {
    const manifests = synth(driverChart({ rotation: { pollInterval: '90s' } }).chart);
    expect(driverArgs(manifests)).toEqual(expect.arrayContaining(['--enable-secret-rotation=true', '--rotation-poll-interval=90s']));
  });

  test('enabled: false keeps it off', () => {
    const manifests = synth(driverChart({ rotation: { enabled: false, pollInterval: '5m' } }).chart);
    expect(driverArgs(manifests)).toEqual(expect.arrayContaining(['--enable-secret-rotation=false', '--rotation-poll-interval=5m']));
  });

  test('fails on a poll interval that is not a Go duration', () => {
    expectProblem(errorOf(() => driverChart({ rotation: { pollInterval: '2 minutes' } })), {
      path: 'test/driver', field: 'rotation.pollInterval', value: '2 minutes', rule: /Go duration/, fix: /"2m"/,
    });
  });
});

describe('token audiences derived from the classes', () => {
  test('identity binding: api://AKSIdentityBinding (snapshot)', () => {
    const { chart, driver } = driverChart();
    addClass(chart, 'spc', identityBinding());
    const manifests = synth(chart);
    expect(withoutCrds(manifests)).toMatchSnapshot();
    expect(only(manifests, 'CSIDriver').spec.tokenRequests).toEqual([{ audience: IDENTITY_BINDING }]);
    expect(driver.tokenAudiences).toEqual([IDENTITY_BINDING]);
  });

  test('workload identity: api://AzureADTokenExchange (snapshot)', () => {
    const { chart } = driverChart();
    addClass(chart, 'spc', workloadIdentity());
    const manifests = synth(chart);
    expect(only(manifests, 'CSIDriver')).toMatchSnapshot();
    expect(only(manifests, 'CSIDriver').spec.tokenRequests).toEqual([{ audience: WORKLOAD_IDENTITY }]);
  });

  test.each([
    ['VM managed identity', () => KeyVaultIdentity.vmManagedIdentity()],
    ['service principal', () => KeyVaultIdentity.servicePrincipal({ secretName: 'creds' })],
    ['pod identity', () => KeyVaultIdentity.podIdentity({ selector: 'app' })],
  ])('%s: none', (_name, identity) => {
    const { chart } = driverChart();
    addClass(chart, 'spc', identity());
    const csiDriver = only(synth(chart), 'CSIDriver');
    expect(csiDriver.spec.tokenRequests).toBeUndefined();
    expect(csiDriver).toMatchSnapshot();
  });

  test('several classes, created before and after the driver, in other charts: de-duplicated and sorted', () => {
    const app = Testing.app();
    const before = new Chart(app, 'before', { namespace: 'a' });
    addClass(before, 'wi1', workloadIdentity());
    const install = new Chart(app, 'install');
    const driver = new SecretsStoreCsiDriver(install, 'driver');
    const after = new Chart(app, 'after', { namespace: 'b' });
    addClass(after, 'wi2', workloadIdentity());
    addClass(after, 'ib', identityBinding());
    addClass(after, 'vm', KeyVaultIdentity.vmManagedIdentity());
    expect(only(synth(install), 'CSIDriver').spec.tokenRequests).toEqual([{ audience: IDENTITY_BINDING }, { audience: WORKLOAD_IDENTITY }]);
    expect(driver.tokenAudiences).toEqual([IDENTITY_BINDING, WORKLOAD_IDENTITY]);
  });

  test('classes of another cluster (context key) do not count', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    a.node.setContext(CLUSTER_CONTEXT_KEY, 'east');
    new SecretsStoreCsiDriver(a, 'driver');
    const b = new Chart(app, 'b', { namespace: 'b' });
    b.node.setContext(CLUSTER_CONTEXT_KEY, 'west');
    addClass(b, 'spc', workloadIdentity());
    expect(only(synth(a), 'CSIDriver').spec.tokenRequests).toBeUndefined();
  });

  test('tokenAudiences overrides the derived list', () => {
    const { chart } = driverChart({ tokenAudiences: [WORKLOAD_IDENTITY, 'vault'] });
    addClass(chart, 'spc', workloadIdentity());
    expect(only(synth(chart), 'CSIDriver').spec.tokenRequests).toEqual([{ audience: WORKLOAD_IDENTITY }, { audience: 'vault' }]);
  });

  test('serviceAccountTokenInSecrets: set only when there are audiences', () => {
    const { chart } = driverChart({ serviceAccountTokenInSecrets: true });
    expect(only(synth(chart), 'CSIDriver').spec.serviceAccountTokenInSecrets).toBeUndefined();
    addClass(chart, 'spc', identityBinding());
    const spec = only(synth(chart), 'CSIDriver').spec;
    expect(spec.serviceAccountTokenInSecrets).toBe(true);
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
  });

  test('fails when an override leaves out an audience a class needs', () => {
    const { chart } = driverChart({ tokenAudiences: [] });
    addClass(chart, 'spc', workloadIdentity());
    expectProblem(errorOf(() => synth(chart)), {
      path: 'test/driver',
      field: 'tokenAudiences',
      value: [],
      rule: /test\/spc signs in with a service-account token for audience "api:\/\/AzureADTokenExchange"/,
      fix: /add "api:\/\/AzureADTokenExchange" to tokenAudiences/,
    });
  });

  test('fails on an empty or repeated audience', () => {
    expectProblem(errorOf(() => driverChart({ tokenAudiences: [' '] })), {
      path: 'test/driver', field: 'tokenAudiences[0]', value: ' ', rule: /non-empty audience/, fix: /api:\/\/AKSIdentityBinding/,
    });
    expectProblem(errorOf(() => driverChart({ tokenAudiences: ['a', 'a'] })), {
      path: 'test/driver', field: 'tokenAudiences[1]', value: 'a', rule: /distinct/, fix: /once/,
    });
  });

  test('fails on serviceAccountTokenInSecrets with a driver before v1.6.0', () => {
    expectProblem(errorOf(() => driverChart({ version: 'v1.5.6', serviceAccountTokenInSecrets: true })), {
      path: 'test/driver', field: 'serviceAccountTokenInSecrets', value: true, rule: /before v1\.6\.0/, fix: /v1\.6\.0/,
    });
  });
});

describe('secret-sync RBAC derived from the classes', () => {
  const SYNC = ['secretprovidersyncing-role', 'secretprovidersyncing-rolebinding'];
  const syncObjects = (manifests: any[]) => manifests.filter(m => SYNC.includes(m.metadata.name)).map(m => `${m.kind}/${m.metadata.name}`).sort();
  const syncing = (chart: Chart, id = 'spc') => addClass(chart, id, workloadIdentity()).syncSecret({
    secretName: `${id}-secret`, type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'secret1' }],
  });

  test('off without a syncing class', () => {
    const { chart, driver } = driverChart();
    addClass(chart, 'spc', workloadIdentity());
    expect(syncObjects(synth(chart))).toEqual([]);
    expect(driver.syncSecrets).toBe(false);
  });

  test('on with a syncing class, even one synced after the driver was created (snapshot)', () => {
    const { chart, driver } = driverChart();
    const spc = addClass(chart, 'spc', workloadIdentity());
    expect(driver.syncSecrets).toBe(false);
    spc.syncSecret({ secretName: 'app', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'secret1' }] });
    const manifests = synth(chart);
    expect(withoutCrds(manifests)).toMatchSnapshot();
    expect(syncObjects(manifests)).toEqual(['ClusterRole/secretprovidersyncing-role', 'ClusterRoleBinding/secretprovidersyncing-rolebinding']);
    const role = only(manifests, 'ClusterRole', 'secretprovidersyncing-role');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }]);
    expect(driver.syncSecrets).toBe(true);
  });

  test('created once however often the app is synthesized, and written by app.synth() and synthYaml()', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'driver-sync-'));
    const app = new App({ outdir });
    const install = new Chart(app, 'install');
    new SecretsStoreCsiDriver(install, 'driver');
    syncing(new Chart(app, 'workloads', { namespace: 'demo' }));
    app.synth();
    const written = YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, 'install.k8s.yaml'), 'utf-8')).map(d => d.toJS());
    expect(syncObjects(written)).toHaveLength(2);
    expect(syncObjects(YAML.parseAllDocuments(app.synthYaml()).map(d => d.toJS()))).toHaveLength(2);
    expect(syncObjects(synth(install))).toHaveLength(2);
    app.synth();
    expect(syncObjects(synth(install))).toHaveLength(2);
  });

  test('syncSecrets: true installs it without classes; false leaves it out despite one', () => {
    expect(syncObjects(synth(driverChart({ syncSecrets: true }).chart))).toHaveLength(2);
    const { chart } = driverChart({ syncSecrets: false });
    syncing(chart);
    expect(syncObjects(synth(chart))).toEqual([]);
  });

  test('classes of another cluster do not count', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    a.node.setContext(CLUSTER_CONTEXT_KEY, 'east');
    new SecretsStoreCsiDriver(a, 'driver');
    const b = new Chart(app, 'b', { namespace: 'b' });
    b.node.setContext(CLUSTER_CONTEXT_KEY, 'west');
    syncing(b);
    expect(syncObjects(synth(a))).toEqual([]);
  });
});

describe('driver v1.5.x compatibility (legacyRbac)', () => {
  const LEGACY = ['secretproviderrotation-role', 'secretproviderrotation-rolebinding', 'secretprovidertokenrequest-role', 'secretprovidertokenrequest-rolebinding'];
  const legacyObjects = (manifests: any[]) => manifests.filter(m => LEGACY.includes(m.metadata.name));

  test('version v1.5.6 with rotation and a token audience: both legacy roles (snapshot)', () => {
    const { chart } = driverChart({ version: 'v1.5.6', rotation: {} });
    addClass(chart, 'spc', identityBinding());
    const manifests = synth(chart);
    expect(legacyObjects(manifests)).toMatchSnapshot();
    expect(container(manifests, 'secrets-store').image).toBe('registry.k8s.io/csi-secrets-store/driver:v1.5.6');
    expect(only(manifests, 'ClusterRole', 'secretproviderrotation-role').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(only(manifests, 'ClusterRole', 'secretprovidertokenrequest-role').rules).toEqual([
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    ]);
    for (const name of ['secretproviderrotation-rolebinding', 'secretprovidertokenrequest-rolebinding']) {
      expect(only(manifests, 'ClusterRoleBinding', name).subjects).toEqual([{ kind: 'ServiceAccount', name: 'secrets-store-csi-driver', namespace: 'kube-system' }]);
    }
  });

  test('only what is needed: rotation role with rotation, token-request role with audiences', () => {
    expect(legacyObjects(synth(driverChart({ version: 'v1.5.6' }).chart))).toEqual([]);
    expect(legacyObjects(synth(driverChart({ legacyRbac: true, rotation: {} }).chart)).map(m => m.metadata.name))
      .toEqual(['secretproviderrotation-role', 'secretproviderrotation-rolebinding']);
    const { chart } = driverChart({ legacyRbac: true });
    addClass(chart, 'spc', workloadIdentity());
    expect(legacyObjects(synth(chart)).map(m => m.metadata.name)).toEqual(['secretprovidertokenrequest-role', 'secretprovidertokenrequest-rolebinding']);
  });

  test('legacyRbac: false overrides the version default; v1.6.0 has none', () => {
    expect(legacyObjects(synth(driverChart({ version: 'v1.5.6', legacyRbac: false, rotation: {} }).chart))).toEqual([]);
    expect(legacyObjects(synth(driverChart({ rotation: {}, tokenAudiences: ['x'] }).chart))).toEqual([]);
  });
});

describe('options', () => {
  test('namespace', () => {
    const manifests = synth(driverChart({ namespace: 'secrets-store' }).chart);
    expect(only(manifests, 'ServiceAccount').metadata.namespace).toBe('secrets-store');
    expect(only(manifests, 'DaemonSet').metadata.namespace).toBe('secrets-store');
    expect(only(manifests, 'ClusterRoleBinding').subjects[0].namespace).toBe('secrets-store');
  });

  test('images: registry mirror, version, and full overrides', () => {
    let manifests = synth(driverChart({ imageRegistry: 'mirror.example.com/k8s', version: 'v1.6.1' }).chart);
    expect(driverPod(manifests).containers.map((c: any) => c.image)).toEqual([
      'mirror.example.com/k8s/sig-storage/csi-node-driver-registrar:v2.16.0',
      'mirror.example.com/k8s/csi-secrets-store/driver:v1.6.1',
      'mirror.example.com/k8s/sig-storage/livenessprobe:v2.18.0',
    ]);
    manifests = synth(driverChart({
      image: 'mcr.microsoft.com/oss/v2/kubernetes-csi/secrets-store/driver:v1.6.0',
      registrarImage: 'mcr.microsoft.com/oss/v2/kubernetes-csi/csi-node-driver-registrar:v2.16.0',
      livenessProbeImage: 'mcr.microsoft.com/oss/v2/kubernetes-csi/livenessprobe:v2.18.0',
      imagePullSecrets: ['pull'],
    }).chart);
    expect(driverPod(manifests).containers.map((c: any) => c.image)).toEqual([
      'mcr.microsoft.com/oss/v2/kubernetes-csi/csi-node-driver-registrar:v2.16.0',
      'mcr.microsoft.com/oss/v2/kubernetes-csi/secrets-store/driver:v1.6.0',
      'mcr.microsoft.com/oss/v2/kubernetes-csi/livenessprobe:v2.18.0',
    ]);
    expect(driverPod(manifests).imagePullSecrets).toEqual([{ name: 'pull' }]);
  });

  test('scheduling: priority class, node selector, tolerations, node affinity', () => {
    const manifests = synth(driverChart({
      windows: true,
      priorityClassName: 'system-node-critical',
      nodeSelector: { agentpool: 'system' },
      tolerations: [kplus.NodeTaintQuery.exists('CriticalAddonsOnly')],
      requiredNodeAffinity: [kplus.NodeLabelQuery.notIn('type', ['virtual-kubelet'])],
    }).chart);
    for (const name of ['csi-secrets-store', 'csi-secrets-store-windows']) {
      const pod = driverPod(manifests, name);
      expect(pod.priorityClassName).toBe('system-node-critical');
      expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': name.endsWith('windows') ? 'windows' : 'linux', 'agentpool': 'system' });
      expect(pod.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }]);
      expect(pod.affinity).toEqual({
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] }] }] } },
      });
    }
    expect(driverPod(synth(driverChart({ tolerations: [] }).chart)).tolerations).toBeUndefined();
  });

  test('resources per container replace the defaults', () => {
    const manifests = synth(driverChart({
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(128), limit: Size.gibibytes(1) },
      },
      registrarResources: { memory: { limit: Size.mebibytes(64) } },
      livenessProbeResources: {},
    }).chart);
    expect(container(manifests, 'secrets-store').resources).toEqual({ limits: { cpu: '1', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(container(manifests, 'node-driver-registrar').resources).toEqual({ limits: { memory: '64Mi' } });
    expect(container(manifests, 'liveness-probe').resources).toBeUndefined();
  });

  test('kubelet root directory moves every kubelet path', () => {
    const manifests = synth(driverChart({ kubeletRootDir: '/var/snap/microk8s/common/var/lib/kubelet/' }).chart);
    const root = '/var/snap/microk8s/common/var/lib/kubelet';
    expect(container(manifests, 'node-driver-registrar').args).toContain(`--kubelet-registration-path=${root}/plugins/csi-secrets-store/csi.sock`);
    expect(container(manifests, 'secrets-store').volumeMounts.find((m: any) => m.name === 'mountpoint-dir').mountPath).toBe(`${root}/pods`);
    expect(driverPod(manifests).volumes.slice(0, 3).map((v: any) => v.hostPath.path)).toEqual([
      `${root}/pods`, `${root}/plugins_registry/`, `${root}/plugins/csi-secrets-store/`,
    ]);
  });

  test('providers directories', () => {
    let manifests = synth(driverChart({ providersDir: '/run/providers', additionalProvidersDirs: [] }).chart);
    expect(driverArgs(manifests)).toContain('--provider-volume=/run/providers');
    expect(driverArgs(manifests).some(a => a.startsWith('--additional-provider-volume-paths'))).toBe(false);
    expect(driverPod(manifests).volumes.filter((v: any) => v.name.startsWith('providers-dir'))).toEqual([
      { name: 'providers-dir', hostPath: { path: '/run/providers', type: 'DirectoryOrCreate' } },
    ]);
    manifests = synth(driverChart({ additionalProvidersDirs: ['/a', '/b', '/var/run/secrets-store-csi-providers'] }).chart);
    expect(driverArgs(manifests)).toContain('--additional-provider-volume-paths=/a,/b,/var/run/secrets-store-csi-providers');
    expect(container(manifests, 'secrets-store').volumeMounts.filter((m: any) => m.name.startsWith('providers-dir'))).toEqual([
      { name: 'providers-dir', mountPath: '/a' },
      { name: 'providers-dir-0', mountPath: '/b' },
      { name: 'providers-dir-1', mountPath: '/var/run/secrets-store-csi-providers' },
    ]);
  });

  test('logging, metrics, health check, gRPC message size', () => {
    const manifests = synth(driverChart({
      logVerbosity: 3,
      logFormatJson: true,
      metricsAddress: '0.0.0.0:9090',
      providerHealthCheck: true,
      providerHealthCheckInterval: '1m',
      maxCallRecvMsgSize: 8388608,
    }).chart);
    expect(driverArgs(manifests)).toEqual([
      '-v=3', '--log-format-json=true',
      '--endpoint=$(CSI_ENDPOINT)', '--nodeid=$(KUBE_NODE_NAME)',
      '--provider-volume=/var/run/secrets-store-csi-providers',
      '--additional-provider-volume-paths=/etc/kubernetes/secrets-store-csi-providers',
      '--metrics-addr=0.0.0.0:9090', '--enable-secret-rotation=false', '--rotation-poll-interval=2m',
      '--provider-health-check=true', '--provider-health-check-interval=1m', '--max-call-recv-msg-size=8388608',
    ]);
    expect(container(manifests, 'secrets-store').ports).toContainEqual({ containerPort: 9090, name: 'metrics', protocol: 'TCP' });
  });

  test('installCrds: false and aggregatedRoles: false leave those out', () => {
    const manifests = synth(driverChart({ installCrds: false, aggregatedRoles: false }).chart);
    expect(ofKind(manifests, 'CustomResourceDefinition')).toEqual([]);
    expect(ofKind(manifests, 'ClusterRole').map(r => r.metadata.name)).toEqual(['secretproviderclasses-role']);
  });

  test('RBAC has no wildcards', () => {
    const { chart } = driverChart({ legacyRbac: true, rotation: {}, syncSecrets: true, tokenAudiences: ['x'] });
    for (const role of ofKind(synth(chart), 'ClusterRole')) {
      for (const rule of role.rules) {
        for (const list of [rule.apiGroups, rule.resources, rule.verbs, rule.resourceNames ?? []]) expect(list).not.toContain('*');
      }
    }
  });
});

describe('validation', () => {
  const fails = (props: SecretsStoreCsiDriverProps, field: string, value: unknown, rule: RegExp, fix: RegExp) =>
    expectProblem(errorOf(() => driverChart(props)), { path: 'test/driver', field, value, rule, fix });

  test('version', () => fails({ version: '1.6' }, 'version', '1.6', /release version/, /v1\.8\.2/));
  test('neither Linux nor Windows', () => fails({ linux: false }, 'linux', false, /no DaemonSet/, /windows: true/));
  test('namespace', () => fails({ namespace: 'Kube_System' }, 'namespace', 'Kube_System', /DNS-1123 label/, /secrets-store/));
  test('imageRegistry', () => fails({ imageRegistry: 'mirror.example.com/' }, 'imageRegistry', 'mirror.example.com/', /trailing "\/"/, /myregistry/));
  test('image', () => fails({ image: 'Driver Image' }, 'image', 'Driver Image', /image reference/, /myregistry/));
  test('registrarImage', () => fails({ registrarImage: 'a b' }, 'registrarImage', 'a b', /image reference/, /myregistry/));
  test('livenessProbeImage', () => fails({ livenessProbeImage: '' }, 'livenessProbeImage', '', /image reference/, /myregistry/));
  test('imagePullSecrets', () => fails({ imagePullSecrets: ['Pull'] }, 'imagePullSecrets[0]', 'Pull', /DNS-1123 subdomain/, /app-secrets/));
  test('providerHealthCheckInterval', () => fails({ providerHealthCheckInterval: '2' }, 'providerHealthCheckInterval', '2', /Go duration/, /2m/));
  test('metricsAddress format', () => fails({ metricsAddress: '8095' }, 'metricsAddress', '8095', /\[host\]:port/, /":8095"/));
  test('metricsAddress on the healthz port', () => fails({ metricsAddress: ':9808' }, 'metricsAddress', ':9808', /liveness-probe sidecar/, /another port/));
  test('logVerbosity', () => fails({ logVerbosity: -1 }, 'logVerbosity', -1, /klog verbosity/, /0/));
  test('maxCallRecvMsgSize', () => fails({ maxCallRecvMsgSize: 1.5 }, 'maxCallRecvMsgSize', 1.5, /positive integer/, /4194304/));
  test('kubeletRootDir', () => fails({ kubeletRootDir: 'var/lib/kubelet' }, 'kubeletRootDir', 'var/lib/kubelet', /absolute Linux path/, /\/var\/run/));
  test('providersDir', () => fails({ providersDir: '/a/../b' }, 'providersDir', '/a/../b', /absolute Linux path/, /\/var\/run/));
  test('additionalProvidersDirs path', () => fails({ additionalProvidersDirs: ['rel'] }, 'additionalProvidersDirs[0]', 'rel', /absolute Linux path/, /\/var\/run/));
  test('additionalProvidersDirs comma', () => fails({ additionalProvidersDirs: ['/a,b'] }, 'additionalProvidersDirs[0]', '/a,b', /splits .* at commas/, /without commas/));
  test('windowsKubeletRootDir', () => fails({ windowsKubeletRootDir: 'C:/var' }, 'windowsKubeletRootDir', 'C:/var', /Windows path/, /C:\\k/));
  test('windowsProvidersDir', () => fails({ windowsProvidersDir: '/k' }, 'windowsProvidersDir', '/k', /Windows path/, /C:\\k/));
  test('priorityClassName', () => fails({ priorityClassName: 'High' }, 'priorityClassName', 'High', /DNS-1123 subdomain/, /app-secrets/));
  test('nodeSelector key', () => fails({ nodeSelector: { 'bad key': 'x' } }, 'nodeSelector', 'bad key', /label key/, /agentpool/));
  test('nodeSelector value', () => fails({ nodeSelector: { pool: 'a b' } }, 'nodeSelector["pool"]', 'a b', /label value/, /node label value/));
  test('nodeSelector OS label', () => fails({ nodeSelector: { 'kubernetes.io/os': 'linux' } }, 'nodeSelector', 'kubernetes.io/os', /set by the construct/, /`linux` and `windows`/));

  test('one driver per cluster', () => {
    const { chart } = driverChart();
    expectProblem(errorOf(() => new SecretsStoreCsiDriver(chart, 'again')), {
      path: 'test/again',
      field: 'context "cdk8s-azure-keyvault-csi/cluster"',
      value: '',
      rule: /test\/driver already installs the driver, and the CSIDriver, CRDs and ClusterRoles have fixed names/,
      fix: /once per cluster/,
    });
  });

  test('one driver per cluster: two clusters are fine', () => {
    const app = Testing.app();
    for (const cluster of ['east', 'west']) {
      const chart = new Chart(app, cluster);
      chart.node.setContext(CLUSTER_CONTEXT_KEY, cluster);
      new SecretsStoreCsiDriver(chart, 'driver');
    }
    expect(() => app.synthYaml()).not.toThrow();
  });
});

test('works next to the provider with no cross-check errors by default', () => {
  const { chart } = driverChart();
  new AzureKeyVaultProvider(chart, 'provider');
  addClass(chart, 'spc', identityBinding());
  expect(() => synth(chart)).not.toThrow();
});
