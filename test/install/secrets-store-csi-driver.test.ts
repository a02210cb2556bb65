import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  AzureKeyVaultProvider, IdentityMode, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
  SecretsStoreCsiDriverProps, SyncedSecretType,
} from '../../src';
import { AppRegistry } from '../../src/app/registry';
import { CLUSTER_CONTEXT_KEY } from '../../src/facts/constants';
import { secretProviderClassCrd, secretProviderClassPodStatusCrd } from '../../src/install/crds';
import { describeIfReference, errorOf, expectProblem, ofKind, only, synth, upstreamDocuments } from '../util';

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

/**
 * The one deliberate difference from deploy/: the CSIDriver requests the two audiences the
 * provider's Helm chart v1.8.2 requests (`secrets-store-csi-driver.tokenRequests`, in its order), so
 * an install-only app serves workload identity and identity binding in any app.
 */
function withDefaultAudiences(object: any): any {
  if (object.kind !== 'CSIDriver') return object;
  return { ...object, spec: { ...object.spec, tokenRequests: [{ audience: WORKLOAD_IDENTITY }, { audience: IDENTITY_BINDING }] } };
}

describeIfReference('parity with upstream deploy/ v1.6.0', () => {
  // Every upstream object is compared as written, whole, but for the CSIDriver's default audiences.
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

  test('the default output is exactly deploy/ minus the optional Windows DaemonSet and secret-sync RBAC, plus the chart\'s audiences', () => {
    const expected = sorted(DEFAULT_FILES.flatMap(upstream).map(withDefaultAudiences));
    expect(sorted(synth(driverChart().chart))).toEqual(expected);
  });

  test('with tokenAudiences: [] the CSIDriver is deploy/csidriver.yaml as written', () => {
    expect(only(synth(driverChart({ tokenAudiences: [] }).chart), 'CSIDriver')).toEqual(upstream('csidriver.yaml')[0]);
  });

  test('inside a namespaced chart too: cluster-scoped objects get no namespace, namespaced ones kube-system', () => {
    const manifests = synth(driverChart({}, 'demo').chart);
    expect(sorted(manifests)).toEqual(sorted(DEFAULT_FILES.flatMap(upstream).map(withDefaultAudiences)));
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
    expect(csiDriver.spec).toEqual({
      attachRequired: false,
      podInfoOnMount: true,
      requiresRepublish: true,
      volumeLifecycleModes: ['Ephemeral'],
      tokenRequests: [{ audience: WORKLOAD_IDENTITY }, { audience: IDENTITY_BINDING }],
    });
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
    // No secret-sync or legacy RBAC without classes.
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
    expect(driver.serviceAccount?.name).toBe('secrets-store-csi-driver');
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

  test.each([
    ['seconds(90)', Duration.seconds(90), '1m30s'],
    ['minutes(2)', Duration.minutes(2), '2m'],
    ['seconds(120)', Duration.seconds(120), '2m'],
    ['hours(1)', Duration.hours(1), '1h'],
    ['minutes(61)', Duration.minutes(61), '1h1m'],
    ['seconds(3661)', Duration.seconds(3661), '1h1m1s'],
    ['days(1)', Duration.days(1), '24h'],
    ['seconds(30)', Duration.seconds(30), '30s'],
  ])('poll interval Duration.%s is written as the Go duration %s', (_name, pollInterval, written) => {
    const manifests = synth(driverChart({ rotation: { pollInterval } }).chart);
    expect(driverArgs(manifests)).toEqual(expect.arrayContaining(['--enable-secret-rotation=true', `--rotation-poll-interval=${written}`]));
  });

  test('enabled: false keeps it off', () => {
    const manifests = synth(driverChart({ rotation: { enabled: false, pollInterval: Duration.minutes(5) } }).chart);
    expect(driverArgs(manifests)).toEqual(expect.arrayContaining(['--enable-secret-rotation=false', '--rotation-poll-interval=5m']));
  });

  test('fails on a poll interval that is not a positive whole number of seconds', () => {
    expectProblem(errorOf(() => driverChart({ rotation: { pollInterval: Duration.millis(1500) } })), {
      path: 'test/driver', field: 'rotation.pollInterval', value: Duration.millis(1500).toHumanString(), rule: /positive whole number of seconds/, fix: /Duration\.minutes\(2\)/,
    });
    expectProblem(errorOf(() => driverChart({ rotation: { pollInterval: Duration.seconds(0) } })), {
      path: 'test/driver', field: 'rotation.pollInterval', value: Duration.seconds(0).toHumanString(), rule: /positive/, fix: /Duration/,
    });
  });
});

describe('token audiences', () => {
  const DEFAULT = [{ audience: WORKLOAD_IDENTITY }, { audience: IDENTITY_BINDING }];

  /** A registered class needing `audience` (no identity of the library needs a third one today). */
  function classNeeding(chart: Chart, id: string, audience: string) {
    const node = new Chart(chart, id).node;
    AppRegistry.of(chart).classes.push({ node, tokenAudience: audience, syncsSecrets: false, identityMode: IdentityMode.WORKLOAD_IDENTITY, keyVaultName: 'kvname', objects: [] });
  }

  test('default: the provider chart\'s two audiences, in its order, without any class (snapshot)', () => {
    const { chart, driver } = driverChart();
    const csiDriver = only(synth(chart), 'CSIDriver');
    expect(csiDriver).toMatchSnapshot();
    expect(csiDriver.spec.tokenRequests).toEqual(DEFAULT);
    expect(driver.tokenAudiences).toEqual([WORKLOAD_IDENTITY, IDENTITY_BINDING]);
  });

  test('an install-only app serves identity binding and workload identity in other apps', () => {
    const install = new Chart(Testing.app(), 'install');
    new SecretsStoreCsiDriver(install, 'driver');
    const workloads = new Chart(Testing.app(), 'workloads', { namespace: 'demo' });
    addClass(workloads, 'ib', identityBinding());
    addClass(workloads, 'wi', workloadIdentity());
    const requested = only(synth(install), 'CSIDriver').spec.tokenRequests.map((r: any) => r.audience);
    expect(requested).toEqual(expect.arrayContaining([IDENTITY_BINDING, WORKLOAD_IDENTITY]));
  });

  test.each([
    ['identity binding', identityBinding],
    ['workload identity', workloadIdentity],
    ['VM managed identity', () => KeyVaultIdentity.vmManagedIdentity()],
    ['service principal', () => KeyVaultIdentity.servicePrincipal({ secretName: 'creds' })],
    ['pod identity', () => KeyVaultIdentity.podIdentity({ selector: 'app' })],
  ])('a class using %s changes nothing', (_name, identity) => {
    const { chart } = driverChart();
    addClass(chart, 'spc', identity());
    expect(only(synth(chart), 'CSIDriver').spec.tokenRequests).toEqual(DEFAULT);
  });

  test('another audience a class of the cluster needs is added after the two, de-duplicated and sorted', () => {
    const app = Testing.app();
    const install = new Chart(app, 'install');
    const driver = new SecretsStoreCsiDriver(install, 'driver');
    const other = new Chart(app, 'other');
    classNeeding(other, 'b', 'api://b');
    classNeeding(other, 'a', 'api://a');
    classNeeding(other, 'b2', 'api://b');
    addClass(other, 'wi', workloadIdentity());
    const west = new Chart(app, 'west');
    west.node.setContext(CLUSTER_CONTEXT_KEY, 'west');
    classNeeding(west, 'c', 'api://c');
    expect(only(synth(install), 'CSIDriver').spec.tokenRequests).toEqual([...DEFAULT, { audience: 'api://a' }, { audience: 'api://b' }]);
    expect(driver.tokenAudiences).toEqual([WORKLOAD_IDENTITY, IDENTITY_BINDING, 'api://a', 'api://b']);
  });

  test('tokenAudiences: [] requests none', () => {
    const { chart, driver } = driverChart({ tokenAudiences: [] });
    expect(only(synth(chart), 'CSIDriver').spec.tokenRequests).toBeUndefined();
    expect(driver.tokenAudiences).toEqual([]);
  });

  test('tokenAudiences overrides the derived list', () => {
    const { chart } = driverChart({ tokenAudiences: [WORKLOAD_IDENTITY, 'vault'] });
    addClass(chart, 'spc', workloadIdentity());
    expect(only(synth(chart), 'CSIDriver').spec.tokenRequests).toEqual([{ audience: WORKLOAD_IDENTITY }, { audience: 'vault' }]);
  });

  test('serviceAccountTokenInSecrets: set only when there are audiences (by default there are)', () => {
    const spec = only(synth(driverChart({ serviceAccountTokenInSecrets: true }).chart), 'CSIDriver').spec;
    expect(spec.serviceAccountTokenInSecrets).toBe(true);
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
    const none = only(synth(driverChart({ serviceAccountTokenInSecrets: true, tokenAudiences: [] }).chart), 'CSIDriver').spec;
    expect(none.serviceAccountTokenInSecrets).toBeUndefined();
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

  test('syncSecrets: true installs it without classes', () => {
    expect(syncObjects(synth(driverChart({ syncSecrets: true }).chart))).toHaveLength(2);
  });

  test('syncSecrets: false with a class that syncs fails synth: the driver could not create the Secret', () => {
    const { chart } = driverChart({ syncSecrets: false });
    syncing(chart);
    const message = errorOf(() => Testing.synth(chart));
    expectProblem(message, {
      path: 'test/driver',
      field: 'syncSecrets',
      value: 'kube-system/secrets-store-csi-driver',
      rule: /syncs Kubernetes Secrets \(secretObjects\), and the driver's ServiceAccount kube-system\/secrets-store-csi-driver may not create them/,
      fix: /leave syncSecrets unset \(derived from the classes\) or set it to true/,
    });
    // Reported once: the rendered check finds the same rule (driver-sync-rbac) and defers to the prop's fix.
    expect(message.match(/may not create them/g)).toHaveLength(1);
  });

  test('syncSecrets: false with installRbac: false leaves the sync RBAC to whoever manages the driver\'s RBAC', () => {
    const { chart } = driverChart({ syncSecrets: false, installRbac: false, serviceAccountName: 'external' });
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
    const names = (props: SecretsStoreCsiDriverProps) => legacyObjects(synth(driverChart(props).chart)).map(m => m.metadata.name);
    // The default audiences are token requests: v1.5.x drivers need the role without any class (as the provider chart renders it).
    expect(names({ version: 'v1.5.6' })).toEqual(['secretprovidertokenrequest-role', 'secretprovidertokenrequest-rolebinding']);
    expect(names({ version: 'v1.5.6', tokenAudiences: [] })).toEqual([]);
    expect(names({ legacyRbac: true, rotation: {}, tokenAudiences: [] })).toEqual(['secretproviderrotation-role', 'secretproviderrotation-rolebinding']);
    expect(names({ legacyRbac: true, tokenAudiences: ['vault'] })).toEqual(['secretprovidertokenrequest-role', 'secretprovidertokenrequest-rolebinding']);
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
    let manifests = synth(driverChart({ imageRegistry: 'mirror.example.com/k8s', version: 'v1.5.6' }).chart);
    expect(driverPod(manifests).containers.map((c: any) => c.image)).toEqual([
      'mirror.example.com/k8s/sig-storage/csi-node-driver-registrar:v2.16.0',
      'mirror.example.com/k8s/csi-secrets-store/driver:v1.5.6',
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
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      requiredNodeAffinity: [{ key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] }],
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
      providerHealthCheckInterval: Duration.seconds(75),
      maxCallRecvMsgSize: 8388608,
    }).chart);
    expect(driverArgs(manifests)).toEqual([
      '-v=3', '--log-format-json=true',
      '--endpoint=$(CSI_ENDPOINT)', '--nodeid=$(KUBE_NODE_NAME)',
      '--provider-volume=/var/run/secrets-store-csi-providers',
      '--additional-provider-volume-paths=/etc/kubernetes/secrets-store-csi-providers',
      '--metrics-addr=0.0.0.0:9090', '--enable-secret-rotation=false', '--rotation-poll-interval=2m',
      '--provider-health-check=true', '--provider-health-check-interval=1m15s', '--max-call-recv-msg-size=8388608',
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

  test('version', () => fails({ version: '1.6' }, 'version', '1.6', /must be a driver release tag like "v1\.6\.0"/, /v1\.6\.0/));
  test('neither Linux nor Windows', () => fails({ linux: false }, 'linux', false, /no DaemonSet/, /windows: true/));
  test('namespace', () => fails({ namespace: 'Kube_System' }, 'namespace', 'Kube_System', /DNS-1123 label/, /secrets-store/));
  test('imageRegistry', () => fails({ imageRegistry: 'mirror.example.com/' }, 'imageRegistry', 'mirror.example.com/', /trailing "\/"/, /myregistry/));
  test('image', () => fails({ image: 'Driver Image' }, 'image', 'Driver Image', /image reference/, /myregistry/));
  test('registrarImage', () => fails({ registrarImage: 'a b' }, 'registrarImage', 'a b', /image reference/, /myregistry/));
  test('livenessProbeImage', () => fails({ livenessProbeImage: '' }, 'livenessProbeImage', '', /image reference/, /myregistry/));
  test('imagePullSecrets', () => fails({ imagePullSecrets: ['Pull'] }, 'imagePullSecrets[0]', 'Pull', /DNS-1123 subdomain/, /app-secrets/));
  test('providerHealthCheckInterval', () => fails({ providerHealthCheckInterval: Duration.millis(500) }, 'providerHealthCheckInterval', Duration.millis(500).toHumanString(), /positive whole number of seconds/, /Duration\.minutes\(2\)/));
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

describe('Helm chart values', () => {
  const DAEMONSETS = ['csi-secrets-store', 'csi-secrets-store-windows'];

  test('every knob at once (snapshot)', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ca = kplus.Volume.fromConfigMap(chart, 'ca', kplus.ConfigMap.fromConfigMapName(chart, 'ca-map', 'ca-bundle'), { name: 'ca' });
    new SecretsStoreCsiDriver(chart, 'driver', {
      windows: true,
      commonLabels: { team: 'platform' },
      podLabels: { tier: 'node' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      daemonSetAnnotations: { 'deployed-by': 'cdk8s' },
      maxUnavailable: kplus.PercentOrAbsolute.percent(10),
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      preferredNodeAffinity: [{ weight: 50, labels: [{ key: 'agentpool', operator: 'In', values: ['system'] }] }],
      podAntiAffinity: [{ labels: { app: 'other-csi' } }],
      windowsNodeSelector: { pool: 'win' },
      env: { HTTPS_PROXY: kplus.EnvValue.fromValue('http://proxy:3128') },
      volumeMounts: [{ volume: ca, path: '/etc/ssl/certs/ca' }],
      registrarLogVerbosity: 3,
      livenessProbePort: 9809,
      livenessProbeLogVerbosity: 4,
      automountServiceAccountToken: true,
    });
    expect(withoutCrds(synth(chart))).toMatchSnapshot();
  });

  test('commonLabels: on every object (derived ones too) and the pod templates, never on the selectors', () => {
    const { chart } = driverChart({ windows: true, commonLabels: { 'team': 'platform', 'example.com/cost-center': 'a1' }, syncSecrets: true, legacyRbac: true, rotation: {} });
    const manifests = synth(chart);
    expect(manifests.length).toBeGreaterThan(15);
    for (const m of manifests) expect(m.metadata.labels).toEqual(expect.objectContaining({ 'team': 'platform', 'example.com/cost-center': 'a1' }));
    expect(only(manifests, 'ClusterRole', 'secretproviderclasses-admin-role').metadata.labels).toEqual({
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'team': 'platform', 'example.com/cost-center': 'a1',
    });
    for (const name of DAEMONSETS) {
      const ds = only(manifests, 'DaemonSet', name);
      expect(ds.spec.selector).toEqual({ matchLabels: { app: 'csi-secrets-store' } });
      expect(ds.spec.template.metadata.labels).toEqual({ 'app': 'csi-secrets-store', 'team': 'platform', 'example.com/cost-center': 'a1' });
    }
    // Derived objects created at synth are labelled once, however often the app is synthesized.
    expect(only(synth(chart), 'ClusterRole', 'secretprovidersyncing-role').metadata.labels).toEqual({ 'team': 'platform', 'example.com/cost-center': 'a1' });
  });

  test('podLabels, podAnnotations and daemonSetAnnotations on both DaemonSets', () => {
    const manifests = synth(driverChart({
      windows: true,
      commonLabels: { team: 'platform' },
      podLabels: { tier: 'node', team: 'csi' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      daemonSetAnnotations: { 'deployed-by': 'cdk8s' },
    }).chart);
    for (const name of DAEMONSETS) {
      const ds = only(manifests, 'DaemonSet', name);
      expect(ds.metadata.annotations).toEqual({ 'deployed-by': 'cdk8s' });
      expect(ds.metadata.labels).toEqual({ team: 'platform' });
      expect(ds.spec.template.metadata.labels).toEqual({ app: 'csi-secrets-store', team: 'csi', tier: 'node' });
      expect(ds.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'secrets-store', 'prometheus.io/scrape': 'true' });
    }
    expect(only(manifests, 'ServiceAccount').metadata.annotations).toBeUndefined();
  });

  test('maxUnavailable writes a RollingUpdate strategy (none by default, as deploy/)', () => {
    expect(only(synth(driverChart().chart), 'DaemonSet').spec.updateStrategy).toBeUndefined();
    const strategy = (maxUnavailable: kplus.PercentOrAbsolute) =>
      ofKind(synth(driverChart({ windows: true, maxUnavailable }).chart), 'DaemonSet').map(d => d.spec.updateStrategy);
    expect(strategy(kplus.PercentOrAbsolute.absolute(2))).toEqual(Array(2).fill({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } }));
    expect(strategy(kplus.PercentOrAbsolute.percent(10))).toEqual(Array(2).fill({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } }));
  });

  test('imagePullPolicy on all three containers of both DaemonSets', () => {
    const manifests = synth(driverChart({ windows: true, imagePullPolicy: kplus.ImagePullPolicy.ALWAYS }).chart);
    for (const name of DAEMONSETS) expect(driverPod(manifests, name).containers.map((c: any) => c.imagePullPolicy)).toEqual(['Always', 'Always', 'Always']);
  });

  test('affinity: required and preferred node affinity, pod affinity and anti-affinity', () => {
    const manifests = synth(driverChart({
      requiredNodeAffinity: [{ key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] }],
      preferredNodeAffinity: [{ weight: 50, labels: [{ key: 'agentpool', operator: 'In', values: ['system'] }, { key: 'gpu', operator: 'Exists' }] }],
      podAffinity: [{ labels: { app: 'csi-secrets-store-provider-azure' }, weight: 10 }],
      podAntiAffinity: [{
        expressions: [kplus.LabelExpression.in('app', ['legacy-csi'])], namespaces: ['legacy'], topology: kplus.Topology.ZONE,
      }],
    }).chart);
    expect(driverPod(manifests).affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 50,
          preference: { matchExpressions: [{ key: 'agentpool', operator: 'In', values: ['system'] }, { key: 'gpu', operator: 'Exists' }] },
        }],
      },
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 10,
          podAffinityTerm: { labelSelector: { matchLabels: { app: 'csi-secrets-store-provider-azure' } }, topologyKey: 'kubernetes.io/hostname' },
        }],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{
          labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['legacy-csi'] }] },
          namespaces: ['legacy'],
          topologyKey: 'topology.kubernetes.io/zone',
        }],
      },
    });
  });

  test('Windows scheduling: its own node selector, tolerations and priority class; the shared ones by default', () => {
    const manifests = synth(driverChart({
      windows: true,
      nodeSelector: { pool: 'linux' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      priorityClassName: 'system-node-critical',
      windowsNodeSelector: { pool: 'win' },
      windowsTolerations: [{ key: 'os', operator: 'Equal', value: 'windows', effect: 'NoSchedule' }],
      windowsPriorityClassName: 'windows-critical',
    }).chart);
    const linux = driverPod(manifests);
    const windows = driverPod(manifests, 'csi-secrets-store-windows');
    expect([linux.nodeSelector, linux.tolerations, linux.priorityClassName]).toEqual([
      { 'kubernetes.io/os': 'linux', 'pool': 'linux' }, [{ key: 'CriticalAddonsOnly', operator: 'Exists' }], 'system-node-critical',
    ]);
    expect([windows.nodeSelector, windows.tolerations, windows.priorityClassName]).toEqual([
      { 'kubernetes.io/os': 'windows', 'pool': 'win' }, [{ key: 'os', operator: 'Equal', value: 'windows', effect: 'NoSchedule' }], 'windows-critical',
    ]);
    const fallback = driverPod(synth(driverChart({ windows: true, nodeSelector: { pool: 'x' }, priorityClassName: 'p' }).chart), 'csi-secrets-store-windows');
    expect([fallback.nodeSelector, fallback.tolerations, fallback.priorityClassName]).toEqual([{ 'kubernetes.io/os': 'windows', 'pool': 'x' }, [{ operator: 'Exists' }], 'p']);
  });

  test('env: extra variables of the driver container, before the construct\'s (as the chart), per OS', () => {
    const chart = new Chart(Testing.app(), 'test');
    const secret = kplus.Secret.fromSecretName(chart, 'proxy', 'proxy-credentials');
    new SecretsStoreCsiDriver(chart, 'driver', {
      windows: true,
      env: { HTTPS_PROXY: kplus.EnvValue.fromValue('http://proxy:3128'), PROXY_TOKEN: kplus.EnvValue.fromSecretValue({ secret, key: 'token' }) },
      windowsEnv: { NO_PROXY: kplus.EnvValue.fromValue('.svc') },
    });
    const manifests = synth(chart);
    expect(container(manifests, 'secrets-store').env).toEqual([
      { name: 'HTTPS_PROXY', value: 'http://proxy:3128' },
      { name: 'PROXY_TOKEN', valueFrom: { secretKeyRef: { name: 'proxy-credentials', key: 'token' } } },
      { name: 'CSI_ENDPOINT', value: 'unix:///csi/csi.sock' },
      { name: 'KUBE_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
    ]);
    expect(container(manifests, 'secrets-store', 'csi-secrets-store-windows').env.map((e: any) => e.name)).toEqual(['NO_PROXY', 'CSI_ENDPOINT', 'KUBE_NODE_NAME']);
    expect(container(manifests, 'node-driver-registrar').env).toBeUndefined();
  });

  test('volumeMounts: extra volumes of the pod, mounted into the driver container, per OS', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ca = kplus.Volume.fromConfigMap(chart, 'ca', kplus.ConfigMap.fromConfigMapName(chart, 'ca-map', 'ca-bundle'), { name: 'ca' });
    const token = kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch');
    new SecretsStoreCsiDriver(chart, 'driver', {
      windows: true,
      volumeMounts: [{ volume: ca, path: '/etc/ssl/certs/ca' }, { volume: token, path: '/scratch', readOnly: false }],
      windowsVolumeMounts: [{ volume: ca, path: 'C:\\ca' }],
    });
    const manifests = synth(chart);
    const linux = driverPod(manifests);
    expect(linux.volumes.slice(-2)).toEqual([
      { name: 'ca', configMap: { name: 'ca-bundle' } },
      { name: 'scratch', emptyDir: {} },
    ]);
    expect(container(manifests, 'secrets-store').volumeMounts.slice(-2)).toEqual([
      { name: 'ca', mountPath: '/etc/ssl/certs/ca', readOnly: true },
      { name: 'scratch', mountPath: '/scratch', readOnly: false },
    ]);
    expect(container(manifests, 'liveness-probe').volumeMounts).toEqual([{ name: 'plugin-dir', mountPath: '/csi' }]);
    const windows = driverPod(manifests, 'csi-secrets-store-windows');
    expect(windows.volumes.slice(-1)).toEqual([{ name: 'ca', configMap: { name: 'ca-bundle' } }]);
    expect(container(manifests, 'secrets-store', 'csi-secrets-store-windows').volumeMounts.slice(-1)).toEqual([{ name: 'ca', mountPath: 'C:\\ca', readOnly: true }]);
  });

  test('registrar and liveness-probe verbosity, liveness-probe port (flags as the chart writes them)', () => {
    const manifests = synth(driverChart({ windows: true, registrarLogVerbosity: 3, livenessProbePort: 9809, livenessProbeLogVerbosity: 4 }).chart);
    for (const name of DAEMONSETS) {
      const pod = driverPod(manifests, name);
      const [registrar, driver, liveness] = pod.containers;
      expect(registrar.args[0]).toBe('--v=3');
      expect(liveness.args).toEqual(expect.arrayContaining(['--http-endpoint=0.0.0.0:9809', '-v=4']));
      expect(driver.ports[0]).toEqual({ containerPort: 9809, name: 'healthz', protocol: 'TCP' });
      expect(driver.livenessProbe.httpGet.port).toBe('healthz');
    }
    // The default ":9808" is free again once the probe moved.
    expect(() => driverChart({ livenessProbePort: 9809, metricsAddress: ':9808' })).not.toThrow();
  });

  test('installRbac: false runs as an existing ServiceAccount: no ServiceAccount, no base role; other roles bind it', () => {
    const { chart, driver } = driverChart({ installRbac: false, serviceAccountName: 'csi-driver', syncSecrets: true });
    const manifests = synth(chart);
    expect(ofKind(manifests, 'ServiceAccount')).toEqual([]);
    expect(driver.serviceAccount).toBeUndefined();
    expect(driver.serviceAccountName).toBe('csi-driver');
    expect(ofKind(manifests, 'ClusterRole').map(r => r.metadata.name).sort()).toEqual([
      'secretproviderclasses-admin-role', 'secretproviderclasses-viewer-role', 'secretproviderclasspodstatuses-viewer-role', 'secretprovidersyncing-role',
    ]);
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'csi-driver', namespace: 'kube-system' }]);
    expect(driverPod(manifests).serviceAccountName).toBe('csi-driver');
  });

  test('serviceAccountName with installRbac (default) names the created ServiceAccount and every binding', () => {
    const manifests = synth(driverChart({ serviceAccountName: 'csi-driver' }).chart);
    expect(only(manifests, 'ServiceAccount').metadata.name).toBe('csi-driver');
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'csi-driver', namespace: 'kube-system' }]);
  });

  test('automountServiceAccountToken is written only when set', () => {
    expect(driverPod(synth(driverChart().chart)).automountServiceAccountToken).toBeUndefined();
    const manifests = synth(driverChart({ windows: true, automountServiceAccountToken: false }).chart);
    for (const name of DAEMONSETS) expect(driverPod(manifests, name).automountServiceAccountToken).toBe(false);
  });
});

describe('Helm chart values: validation', () => {
  const fails = (props: SecretsStoreCsiDriverProps, field: string, value: unknown, rule: RegExp, fix: RegExp) =>
    expectProblem(errorOf(() => driverChart(props)), { path: 'test/driver', field, value, rule, fix });

  test('commonLabels', () => {
    fails({ commonLabels: { 'bad key': 'x' } }, 'commonLabels', 'bad key', /label key/, /agentpool/);
    fails({ commonLabels: { team: 'a b' } }, 'commonLabels["team"]', 'a b', /label value/, /label value/);
    fails({ commonLabels: { app: 'mine' } }, 'commonLabels', 'app', /sets "app" itself \(the DaemonSets' selector label\)/, /another label key/);
    fails({ commonLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'false' } }, 'commonLabels', 'rbac.authorization.k8s.io/aggregate-to-view', /aggregation label/, /another label key/);
  });
  test('podLabels', () => fails({ podLabels: { app: 'x' } }, 'podLabels', 'app', /selector label/, /another label key/));
  test('podAnnotations', () => fails({ podAnnotations: { 'a b': 'x' } }, 'podAnnotations', 'a b', /annotation key/, /prometheus\.io\/scrape/));
  test('daemonSetAnnotations', () => fails({ daemonSetAnnotations: { '/x': 'y' } }, 'daemonSetAnnotations', '/x', /annotation key/, /prometheus/));
  test('maxUnavailable', () => {
    fails({ maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }, 'maxUnavailable', 0, /positive whole number of pods/, /absolute\(1\)/);
    fails({ maxUnavailable: kplus.PercentOrAbsolute.percent(150) }, 'maxUnavailable', '150%', /percentage from 1 to 100/, /percent\(10\)/);
  });
  test('preferredNodeAffinity', () => {
    fails({ preferredNodeAffinity: [{ weight: 0, labels: [{ key: 'a', operator: 'Exists' }] }] }, 'preferredNodeAffinity[0].weight', 0, /weight from 1 to 100/, /50/);
    fails({ preferredNodeAffinity: [{ weight: 1, labels: [] }] }, 'preferredNodeAffinity[0].labels', 0, /matches no node/, /at least one/);
    fails({ preferredNodeAffinity: [{ weight: 1, labels: [{ key: 'a b', operator: 'In', values: ['x'] }] }] }, 'preferredNodeAffinity[0].labels[0].key', 'a b', /label key/, /agentpool/);
  });
  test('requiredNodeAffinity', () => fails({ requiredNodeAffinity: [{ key: 'pool', operator: 'In', values: ['a b'] }] }, 'requiredNodeAffinity[0].values[0]', 'a b', /label value/, /label value/));
  test('podAffinity and podAntiAffinity', () => {
    fails({ podAffinity: [{}] }, 'podAffinity[0]', '{}', /selects no pods/, /labels or expressions/);
    fails({ podAntiAffinity: [{ labels: { app: 'x' }, weight: 101 }] }, 'podAntiAffinity[0].weight', 101, /weight from 1 to 100/, /50/);
    fails({ podAntiAffinity: [{ labels: { app: 'x' }, namespaces: ['Bad'] }] }, 'podAntiAffinity[0].namespaces[0]', 'Bad', /DNS-1123 label/, /secrets-store/);
    fails({ podAffinity: [{ expressions: [kplus.LabelExpression.exists('bad key')] }] }, 'podAffinity[0].expressions[0].key', 'bad key', /label key/, /agentpool/);
  });
  test('Windows scheduling needs the Windows DaemonSet', () => {
    fails({ windowsNodeSelector: { pool: 'win' } }, 'windowsNodeSelector', { pool: 'win' }, /Windows DaemonSet, which is not installed/, /windows: true/);
    fails({ windowsPriorityClassName: 'p' }, 'windowsPriorityClassName', 'p', /not installed/, /windows: true/);
    fails({ windows: true, windowsNodeSelector: { 'kubernetes.io/os': 'windows' } }, 'windowsNodeSelector', 'kubernetes.io/os', /set by the construct/, /`linux` and `windows`/);
    fails({ windows: true, windowsPriorityClassName: 'High' }, 'windowsPriorityClassName', 'High', /DNS-1123 subdomain/, /app-secrets/);
  });
  test('env', () => {
    fails({ env: { '1X': kplus.EnvValue.fromValue('y') } }, 'env', '1X', /environment variable name/, /HTTPS_PROXY/);
    fails({ env: { CSI_ENDPOINT: kplus.EnvValue.fromValue('y') } }, 'env', 'CSI_ENDPOINT', /sets CSI_ENDPOINT itself/, /another variable name/);
    fails({ windows: true, windowsEnv: { KUBE_NODE_NAME: kplus.EnvValue.fromValue('y') } }, 'windowsEnv', 'KUBE_NODE_NAME', /itself/, /another/);
    fails({ windowsEnv: { A: kplus.EnvValue.fromValue('y') } }, 'windowsEnv', true, /Windows DaemonSet, which is not installed/, /set `windows: true`/);
    fails({ linux: false, windows: true, env: { A: kplus.EnvValue.fromValue('y') } }, 'env', true, /Linux DaemonSet, which is not installed/, /keep `linux`/);
  });
  test('volumeMounts', () => {
    const chart = new Chart(Testing.app(), 'test');
    const v = kplus.Volume.fromEmptyDir(chart, 'v', 'extra');
    const reserved = kplus.Volume.fromEmptyDir(chart, 'r', 'providers-dir-3');
    let n = 0;
    const driver = (props: SecretsStoreCsiDriverProps) => () => new SecretsStoreCsiDriver(new Chart(Testing.app(), `c${n++}`), 'driver', props);
    expect(errorOf(driver({ volumeMounts: [{ volume: v, path: '/csi/extra' }] })))
      .toMatch(/volumeMounts\[0\]\.path "\/csi\/extra" is invalid: it overlaps the CSI socket directory mounted at \/csi\. Fix: mount it at another path/);
    expect(errorOf(driver({ volumeMounts: [{ volume: v, path: '/etc/kubernetes' }] })))
      .toMatch(/volumeMounts\[0\]\.path "\/etc\/kubernetes" is invalid: it overlaps the providers directory providers-dir mounted at \/etc\/kubernetes\/secrets-store-csi-providers/);
    expect(errorOf(driver({ volumeMounts: [{ volume: v, path: 'relative' }] }))).toMatch(/volumeMounts\[0\]\.path "relative" is invalid: must be an absolute Linux path/);
    expect(errorOf(driver({ volumeMounts: [{ volume: reserved, path: '/x' }] }))).toMatch(/volumeMounts\[0\]\.volume "providers-dir-3" is invalid: another volume of the driver pod has this name/);
    expect(errorOf(driver({ windows: true, windowsVolumeMounts: [{ volume: v, path: 'c:\\CSI\\x' }] })))
      .toMatch(/windowsVolumeMounts\[0\]\.path "c:\\\\CSI\\\\x" is invalid: it overlaps the CSI socket directory mounted at C:\\csi/);
    expect(errorOf(driver({ windows: true, windowsVolumeMounts: [{ volume: v, path: '/x' }] }))).toMatch(/must be an absolute Windows path/);
    expect(errorOf(driver({ windowsVolumeMounts: [{ volume: v, path: 'C:\\x' }] }))).toMatch(/windowsVolumeMounts true is invalid: it applies to the Windows DaemonSet, which is not installed/);
  });
  test('registrarLogVerbosity', () => fails({ registrarLogVerbosity: 11 }, 'registrarLogVerbosity', 11, /klog verbosity/, /0/));
  test('livenessProbeLogVerbosity', () => fails({ livenessProbeLogVerbosity: 1.5 }, 'livenessProbeLogVerbosity', 1.5, /klog verbosity/, /0/));
  test('livenessProbePort', () => {
    fails({ livenessProbePort: 0 }, 'livenessProbePort', 0, /port number/, /8898/);
    fails({ livenessProbePort: 8095 }, 'metricsAddress', ':8095', /port 8095 is the liveness-probe sidecar's healthz port/, /another port for one of them \(defaults: metricsAddress ":8095", livenessProbePort 9808\)/);
  });
  test('serviceAccountName', () => fails({ installRbac: false, serviceAccountName: 'CSI' }, 'serviceAccountName', 'CSI', /DNS-1123 subdomain/, /app-secrets/));
});

test('works next to the provider with no cross-check errors by default', () => {
  const { chart } = driverChart();
  new AzureKeyVaultProvider(chart, 'provider');
  addClass(chart, 'spc', identityBinding());
  expect(() => synth(chart)).not.toThrow();
});
