import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Cron, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import { Construct, IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { AksIdentityBinding, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SyncedSecretType } from '../../src';
import { errorOf, expectProblem, only, podSpecOf, synth, validateManifests } from '../util';

// What the driver requires of the pod volume (driver name, readOnly, secretProviderClass, same namespace) and
// recommends for mounts (readOnly): https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/0aad886f70e94a6037325f4eaba4660338dde448/pkg/secrets-store/nodeserver.go and
// https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/0aad886f70e94a6037325f4eaba4660338dde448/docs/book/src/getting-started/usage.md; default path: upstream examples.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const DEFAULT_PATH = '/mnt/secrets-store';

/** The CSI volume the driver accepts for class `name`. */
function csiVolume(name: string, volumeName = name) {
  return { name: volumeName, csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: name } } };
}

function setup(identity: KeyVaultIdentity = KeyVaultIdentity.vmManagedIdentity(), namespace = 'demo') {
  const app = Testing.app();
  const chart = new Chart(app, 'kv', { namespace });
  const spc = newClass(chart, 'spc', 'azure-kv', identity);
  return { app, chart, spc };
}

function newClass(chart: Chart, id: string, name: string, identity: KeyVaultIdentity = KeyVaultIdentity.vmManagedIdentity(), objects = [KeyVaultObject.secret('secret1')]) {
  return new KeyVaultSecretProviderClass(chart, id, { metadata: { name }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity, objects });
}

/** Asserts the pod spec has the class's CSI volume once and every listed container mounts it read-only at `path`. */
function expectMounted(spec: any, className: string, containers: string[], mountPath = DEFAULT_PATH, volumeName = className) {
  expect(spec.volumes.filter((v: any) => v.name === volumeName)).toEqual([csiVolume(className, volumeName)]);
  expect(spec.containers.map((c: any) => c.name).sort()).toEqual(expect.arrayContaining(containers));
  for (const container of spec.containers) {
    const mounts = (container.volumeMounts ?? []).filter((m: any) => m.name === volumeName);
    expect(mounts).toEqual(containers.includes(container.name) ? [{ name: volumeName, mountPath, readOnly: true }] : []);
  }
}

const CONTAINERS = [{ name: 'app', image: 'app' }, { name: 'sidecar', image: 'sidecar' }];
const SELECTOR = { matchLabels: { app: 'web' } };
const TEMPLATE_METADATA = { labels: { app: 'web' } };

/** Pod template spec for the imported kinds below. */
function podSpec(extra: Record<string, unknown> = {}) {
  return { serviceAccountName: 'workload', containers: CONTAINERS.map(c => ({ ...c })), ...extra };
}

/**
 * Every way to build a workload: [name, kind, build(chart, containers)], where `containers` is the
 * (mutable) list the workload's pod template reads — empty to add containers after `mount()`.
 */
type Build = (chart: Chart, containers: any[]) => IConstruct;
const sa27 = (c: Chart) => kplus.ServiceAccount.fromServiceAccountName(c, 'sa', 'workload');
const sa33 = (c: Chart) => kplus33.ServiceAccount.fromServiceAccountName(c, 'sa', 'workload');
const WORKLOADS: [string, string, Build][] = [
  ['cdk8s-plus-27 Pod', 'Pod', (c, containers) => new kplus.Pod(c, 'w', { serviceAccount: sa27(c), containers })],
  ['cdk8s-plus-27 Deployment', 'Deployment', (c, containers) => new kplus.Deployment(c, 'w', { serviceAccount: sa27(c), containers })],
  ['cdk8s-plus-27 StatefulSet', 'StatefulSet', (c, containers) => new kplus.StatefulSet(c, 'w', {
    serviceAccount: sa27(c), containers, service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }),
  })],
  ['cdk8s-plus-27 DaemonSet', 'DaemonSet', (c, containers) => new kplus.DaemonSet(c, 'w', { serviceAccount: sa27(c), containers })],
  ['cdk8s-plus-27 Job', 'Job', (c, containers) => new kplus.Job(c, 'w', { serviceAccount: sa27(c), containers })],
  ['cdk8s-plus-27 CronJob', 'CronJob', (c, containers) => new kplus.CronJob(c, 'w', { serviceAccount: sa27(c), containers, schedule: Cron.daily() })],
  ['cdk8s-plus-33 Pod', 'Pod', (c, containers) => new kplus33.Pod(c, 'w', { serviceAccount: sa33(c), containers })],
  ['cdk8s-plus-33 Deployment', 'Deployment', (c, containers) => new kplus33.Deployment(c, 'w', { serviceAccount: sa33(c), containers })],
  ['cdk8s-plus-33 StatefulSet', 'StatefulSet', (c, containers) => new kplus33.StatefulSet(c, 'w', {
    serviceAccount: sa33(c), containers, service: new kplus33.Service(c, 'svc', { ports: [{ port: 80 }] }),
  })],
  ['cdk8s-plus-33 DaemonSet', 'DaemonSet', (c, containers) => new kplus33.DaemonSet(c, 'w', { serviceAccount: sa33(c), containers })],
  ['cdk8s-plus-33 Job', 'Job', (c, containers) => new kplus33.Job(c, 'w', { serviceAccount: sa33(c), containers })],
  ['cdk8s-plus-33 CronJob', 'CronJob', (c, containers) => new kplus33.CronJob(c, 'w', { serviceAccount: sa33(c), containers, schedule: Cron.daily() })],
  ['KubePod', 'Pod', (c, containers) => new kplus.k8s.KubePod(c, 'w', { spec: { ...podSpec(), containers } })],
  ['KubeDeployment', 'Deployment', (c, containers) => new kplus.k8s.KubeDeployment(c, 'w', {
    spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: { ...podSpec(), containers } } },
  })],
  ['KubeStatefulSet', 'StatefulSet', (c, containers) => new kplus.k8s.KubeStatefulSet(c, 'w', {
    spec: { serviceName: 'web', selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: { ...podSpec(), containers } } },
  })],
  ['KubeDaemonSet', 'DaemonSet', (c, containers) => new kplus.k8s.KubeDaemonSet(c, 'w', {
    spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: { ...podSpec(), containers } } },
  })],
  ['KubeReplicaSet', 'ReplicaSet', (c, containers) => new kplus.k8s.KubeReplicaSet(c, 'w', {
    spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: { ...podSpec(), containers } } },
  })],
  ['KubeReplicationController', 'ReplicationController', (c, containers) => new kplus.k8s.KubeReplicationController(c, 'w', {
    spec: { selector: { app: 'web' }, template: { metadata: TEMPLATE_METADATA, spec: { ...podSpec(), containers } } },
  })],
  ['KubeJob', 'Job', (c, containers) => new kplus.k8s.KubeJob(c, 'w', { spec: { template: { spec: { ...podSpec({ restartPolicy: 'Never' }), containers } } } })],
  ['KubeCronJob', 'CronJob', (c, containers) => new kplus.k8s.KubeCronJob(c, 'w', {
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec({ restartPolicy: 'OnFailure' }), containers } } } } },
  })],
  ['hand-written ApiObject Deployment', 'Deployment', (c, containers) => new ApiObject(c, 'w', {
    apiVersion: 'apps/v1', kind: 'Deployment', spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: { ...podSpec(), containers } } },
  })],
];

/** Adds a container after the workload exists: `addContainer` on cdk8s-plus, the props' array otherwise. */
function addContainer(workload: IConstruct, containers: any[], container: { name: string; image: string }) {
  if ('addContainer' in workload) {
    (workload as kplus.AbstractPod).addContainer(container);
  } else {
    containers.push({ ...container });
  }
}

describe('mount: every kind, every cdk8s-plus major, imported and hand-written', () => {
  test.each(WORKLOADS)('%s: a read-only CSI volume and a read-only mount at /mnt/secrets-store in every container', (_name, kind, build) => {
    // GIVEN
    const { chart, spc } = setup();
    const workload = build(chart, CONTAINERS.map(c => ({ ...c })));

    // WHEN
    spc.mount(workload);

    // THEN
    const manifests = synth(chart);
    expectMounted(podSpecOf(only(manifests, kind)), 'azure-kv', ['app', 'sidecar']);
  });

  test.each(WORKLOADS)('%s: mount() before the containers exist still mounts into every container', (_name, kind, build) => {
    // GIVEN a workload without containers yet
    const { chart, spc } = setup();
    const containers: any[] = [];
    const workload = build(chart, containers);

    // WHEN mounted first, and the containers come after
    spc.mount(workload);
    for (const container of CONTAINERS) addContainer(workload, containers, container);

    // THEN
    expectMounted(podSpecOf(only(synth(chart), kind)), 'azure-kv', ['app', 'sidecar']);
  });

  test.each(WORKLOADS)('%s: identity binding grants the pod template\'s ServiceAccount', (_name, _kind, build) => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    newClass(chart, 'ib', 'azure-kv-ib', binding.identity).mount(build(chart, CONTAINERS.map(c => ({ ...c }))));
    expect(only(synth(chart), 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);
  });

  test('kplus Pod snapshot', () => {
    const { chart, spc } = setup();
    spc.mount(new kplus.Pod(chart, 'pod', { containers: CONTAINERS }));
    expect(synth(chart)).toMatchSnapshot();
  });
});

/**
 * The same scenario — a Deployment with two containers and a ServiceAccount, mounting an
 * identity-binding class — built through cdk8s-plus-27, cdk8s-plus-33 and KubeDeployment, with
 * the mount before or after the containers, the ServiceAccount and the AksIdentityBinding.
 */
describe('any workload, any order: the same volume, mounts and RBAC', () => {
  type Flavour = 'plus27' | 'plus33' | 'kube';
  function scenario(flavour: Flavour, mountFirst: boolean) {
    const app = Testing.app();
    const chart = new Chart(app, 'kv', { namespace: 'demo', disableResourceNameHashes: true });
    let binding: AksIdentityBinding | undefined;
    const identity = KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }); // granted through the app's binding, found at synth
    const spc = newClass(chart, 'spc', 'azure-kv', identity);
    if (!mountFirst) binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });

    const containers: any[] = mountFirst ? [] : CONTAINERS.map(c => ({ ...c }));
    let workload: IConstruct;
    let apiObject: ApiObject;
    switch (flavour) {
      case 'plus27':
        workload = new kplus.Deployment(chart, 'web', { containers, securityContext: { user: 1000 } });
        break;
      case 'plus33':
        workload = new kplus33.Deployment(chart, 'web', { containers, securityContext: { user: 1000 } });
        break;
      default:
        workload = new kplus.k8s.KubeDeployment(chart, 'web', { spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: { containers } } } });
    }
    apiObject = ApiObject.of(workload);
    const setServiceAccount = () => apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', 'workload'));
    if (!mountFirst) setServiceAccount();

    spc.mount(workload);

    if (mountFirst) {
      for (const container of CONTAINERS) addContainer(workload, containers, container);
      setServiceAccount();
      binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    }
    expect(binding).toBeDefined();
    const manifests = synth(chart);
    const spec = podSpecOf(only(manifests, 'Deployment'));
    return {
      volumes: spec.volumes,
      mounts: spec.containers.map((c: any) => ({ name: c.name, volumeMounts: c.volumeMounts })),
      serviceAccountName: spec.serviceAccountName,
      subjects: only(manifests, 'ClusterRoleBinding').subjects,
    };
  }

  const expected = {
    volumes: [csiVolume('azure-kv')],
    mounts: CONTAINERS.map(c => ({ name: c.name, volumeMounts: [{ name: 'azure-kv', mountPath: DEFAULT_PATH, readOnly: true }] })),
    serviceAccountName: 'workload',
    subjects: [{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }],
  };

  test.each<[Flavour, boolean]>([
    ['plus27', false], ['plus27', true], ['plus33', false], ['plus33', true], ['kube', false], ['kube', true],
  ])('%s, mount first: %s', (flavour, mountFirst) => {
    expect(scenario(flavour, mountFirst)).toEqual(expected);
  });

  test('a grant is in the ClusterRoleBinding whatever order app.synth() writes the charts in', () => {
    // GIVEN the binding in the first chart cdk8s writes, the workload in the last, its ServiceAccount set after mount()
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mount-'));
    const app = new App({ outdir });
    const rbac = new Chart(app, 'a-rbac');
    const binding = new AksIdentityBinding(rbac, 'mi', { clientId: CLIENT_ID });
    const workloads = new Chart(app, 'z-workloads', { namespace: 'team-z' });
    const spc = newClass(workloads, 'spc', 'azure-kv', binding.identity);
    const deployment = new kplus33.Deployment(workloads, 'web', { containers: [CONTAINERS[0]] });
    spc.mount(deployment);
    ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', 'web'));

    // WHEN
    app.synth();

    // THEN
    const docs = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf-8')).map(d => d.toJS());
    const all = [...docs('a-rbac.k8s.yaml'), ...docs('z-workloads.k8s.yaml')];
    validateManifests(all);
    expect(only(all, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'web', namespace: 'team-z' }]);
  });

  test('containerNames names the containers to mount into; containers added later are not mounted then', () => {
    const { chart, spc } = setup();
    const pod = new kplus33.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
    spc.mount(pod, { path: '/etc/secrets', containerNames: ['sidecar'], volumeName: 'kv' });
    pod.addContainer(CONTAINERS[1]);
    pod.addContainer({ name: 'late', image: 'late' });
    expectMounted(only(synth(chart), 'Pod').spec, 'azure-kv', ['sidecar'], '/etc/secrets', 'kv');
  });

  test('the workload may be passed as its ApiObject or as the cdk8s-plus construct: both name one workload', () => {
    const { chart, spc } = setup();
    const other = newClass(chart, 'other', 'azure-kv-other');
    const deployment = new kplus33.Deployment(chart, 'web', { containers: CONTAINERS });
    spc.mount(deployment);
    other.mount(ApiObject.of(deployment), { path: '/mnt/other' });
    const spec = podSpecOf(only(synth(chart), 'Deployment'));
    expectMounted(spec, 'azure-kv', ['app', 'sidecar']);
    expectMounted(spec, 'azure-kv-other', ['app', 'sidecar'], '/mnt/other');
  });

  // The first synth writes the manifest mount() read at synth (one resolve per workload), the
  // second resolves the workload afresh: both must be the same bytes, key order included.
  test.each(WORKLOADS)('%s: synthesizing twice gives the same bytes (mounts apply once)', (_name, _kind, build) => {
    const { chart, spc } = setup();
    const containers: any[] = [];
    const workload = build(chart, containers);
    spc.mount(workload);
    newClass(chart, 'pi', 'azure-kv-pi', KeyVaultIdentity.podIdentity({ selector: 'demo' })).mount(workload, { path: '/mnt/pi' });
    for (const container of CONTAINERS) addContainer(workload, containers, container);
    expect(JSON.stringify(synth(chart))).toEqual(JSON.stringify(synth(chart)));
  });
});

describe('mount options and the pod\'s other volumes', () => {
  test('a Windows mount path', () => {
    const { chart, spc } = setup();
    spc.mount(new kplus.k8s.KubePod(chart, 'pod', { spec: { containers: [CONTAINERS[0]] } }), { path: 'C:\\secrets' });
    expectMounted(only(synth(chart), 'Pod').spec, 'azure-kv', ['app'], 'C:\\secrets');
  });

  test('two classes in one pod, at two paths', () => {
    const { chart, spc } = setup();
    const other = newClass(chart, 'other', 'azure-kv-other');
    const pod = new kplus.Pod(chart, 'pod', { containers: CONTAINERS });
    spc.mount(pod);
    other.mount(pod, { path: '/mnt/other' });
    const spec = only(synth(chart), 'Pod').spec;
    expectMounted(spec, 'azure-kv', ['app', 'sidecar']);
    expectMounted(spec, 'azure-kv-other', ['app', 'sidecar'], '/mnt/other');
  });

  test('appends to existing volumes and volumeMounts', () => {
    const { chart, spc } = setup();
    const pod = new kplus.k8s.KubePod(chart, 'pod', {
      spec: {
        volumes: [{ name: 'tmp', emptyDir: {} }],
        containers: [{ name: 'app', image: 'app', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }, CONTAINERS[1]],
      },
    });
    spc.mount(pod);
    const spec = only(synth(chart), 'Pod').spec;
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, csiVolume('azure-kv')]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'azure-kv', mountPath: DEFAULT_PATH, readOnly: true }]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'azure-kv', mountPath: DEFAULT_PATH, readOnly: true }]);
  });

  test('keeps a cdk8s-plus pod\'s other volumes and mounts, even those added after mount()', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
    spc.mount(pod);
    pod.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp'));
    const spec = only(synth(chart), 'Pod').spec;
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'azure-kv']);
    expect(spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', DEFAULT_PATH]);
  });

  test('reads the deprecated spec.serviceAccount when serviceAccountName is absent', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    newClass(chart, 'ib', 'azure-kv-ib', binding.identity)
      .mount(new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', spec: { serviceAccount: 'legacy', containers: [CONTAINERS[0]] } }));
    expect(only(synth(chart), 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'legacy', namespace: 'demo' }]);
  });
});

describe('identity effects at synth', () => {
  test('identity binding: a pod without a ServiceAccount fails synth, naming the field and the fix', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    newClass(chart, 'ib', 'azure-kv-ib', binding.identity).mount(new kplus33.Deployment(chart, 'web', { containers: [CONTAINERS[0]] }));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/web', field: 'serviceAccountName', value: undefined, rule: /the pod names no ServiceAccount, and identity binding grants/, fix: /give the workload a ServiceAccount.*externallyManagedRbac: true/,
    });
  });

  test('identity binding with externallyManagedRbac: no ServiceAccount needed, nothing granted', () => {
    const { chart } = setup();
    const spc = newClass(chart, 'ib', 'azure-kv-ib', KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID, externallyManagedRbac: true }));
    spc.mount(new kplus33.Deployment(chart, 'web', { containers: [CONTAINERS[0]] }));
    const manifests = synth(chart);
    expect(manifests.filter(m => m.kind.startsWith('ClusterRole'))).toEqual([]);
    expectMounted(podSpecOf(only(manifests, 'Deployment')), 'azure-kv-ib', ['app']);
  });

  test('identity binding without any AksIdentityBinding for the client ID fails synth', () => {
    const { chart } = setup();
    newClass(chart, 'ib', 'azure-kv-ib', KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }))
      .mount(new kplus.k8s.KubePod(chart, 'pod', { spec: podSpec() }));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/pod', field: 'identity', value: CLIENT_ID, rule: /no AksIdentityBinding for this client ID/, fix: /new AksIdentityBinding/,
    });
  });

  test('service principal: nodePublishSecretRef on every kind\'s volume', () => {
    const { chart } = setup();
    const spc = newClass(chart, 'sp', 'azure-kv-sp', KeyVaultIdentity.servicePrincipal({ secretName: 'creds' }));
    spc.mount(new kplus33.Deployment(chart, 'web', { containers: [CONTAINERS[0]] }));
    expect(podSpecOf(only(synth(chart), 'Deployment')).volumes[0].csi).toEqual({
      driver: 'secrets-store.csi.k8s.io', nodePublishSecretRef: { name: 'creds' }, readOnly: true, volumeAttributes: { secretProviderClass: 'azure-kv-sp' },
    });
  });

  test('pod identity: the label goes on the pod template of a cdk8s-plus-33 Deployment', () => {
    const { chart } = setup();
    const spc = newClass(chart, 'pi', 'azure-kv-pi', KeyVaultIdentity.podIdentity({ selector: 'demo' }));
    spc.mount(new kplus33.Deployment(chart, 'web', { containers: [CONTAINERS[0]] }));
    const deployment = only(synth(chart), 'Deployment');
    expect(deployment.spec.template.metadata.labels.aadpodidbinding).toBe('demo');
    expect(deployment.metadata.labels?.aadpodidbinding).toBeUndefined();
  });
});

describe('file permissions and non-root containers', () => {
  const restricted = () => [KeyVaultObject.secret('db-password', { filePermission: '0440' })];

  test('0440 into cdk8s-plus\' default non-root container fails synth, suggesting 0444', () => {
    const { chart } = setup();
    const spc = newClass(chart, 'perm', 'azure-kv-perm', undefined, restricted());
    spc.mount(new kplus33.Deployment(chart, 'web', { containers: [CONTAINERS[0]] }));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/web',
      field: 'filePermission',
      value: '0440',
      rule: /secret "db-password" of the class "azure-kv-perm" is written as root:root with mode 0440, and container "app" runs as a non-root user \(runAsNonRoot\).*#858/,
      fix: /filePermission: "0444"/,
    });
  });

  test('caught for an object added after mount() and a user set on the pod', () => {
    const { chart } = setup();
    const spc = newClass(chart, 'perm', 'azure-kv-perm');
    spc.mount(new kplus.k8s.KubePod(chart, 'pod', { spec: { securityContext: { runAsUser: 1000 }, containers: [CONTAINERS[0]] } }));
    spc.addObject(KeyVaultObject.key('signing', { filePermission: '0600' }));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/pod', field: 'filePermission', value: '0600', rule: /key "signing".*runAsUser 1000/, fix: /"0644"/,
    });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a container running as UID 0', { securityContext: { runAsUser: 0 } }, '0440'],
    ['a non-root container in group 0 with group read', { securityContext: { runAsUser: 1000, runAsGroup: 0 } }, '0440'],
    ['an image whose user is unknown (no runAsUser, no runAsNonRoot)', {}, '0440'],
    ['a mode with read for other', { securityContext: { runAsUser: 1000 } }, '0444'],
  ])('no error for %s', (_name, container, filePermission) => {
    const { chart } = setup();
    const spc = newClass(chart, 'perm', 'azure-kv-perm', undefined, [KeyVaultObject.secret('db-password', { filePermission })]);
    spc.mount(new kplus.k8s.KubePod(chart, 'pod', { spec: { containers: [{ ...CONTAINERS[0], ...container }] } }));
    expectMounted(only(synth(chart), 'Pod').spec, 'azure-kv-perm', ['app']);
  });
});

describe('synced Secrets need a mount', () => {
  test('a synced Secret read through envValue() while no workload mounts the class fails synth', () => {
    const { chart, spc } = setup();
    const synced = spc.syncSecret({ secretName: 'foosecret', type: SyncedSecretType.OPAQUE, data: [{ key: 'username', objectName: 'secret1' }] });
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'app', envVariables: { USERNAME: synced.envValue('username') } }] });
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/spc',
      field: 'secretObjects[0].secretName',
      value: 'foosecret',
      rule: /used \(envValue\(\) or secret\), but no workload mounts the class "azure-kv".*only while a pod mounts the class/,
      fix: /mount\(workload\).*namespace "demo"/,
    });
  });

  test('a workload in another namespace reading it through envValue() fails synth, naming the workload and both namespaces', () => {
    // GIVEN the class in "demo", mounted there, and a consumer in "team-b"
    const { app, chart, spc } = setup();
    const synced = spc.syncSecret({ secretName: 'foosecret', type: SyncedSecretType.OPAQUE, data: [{ key: 'username', objectName: 'secret1' }] });
    spc.mount(new kplus33.Deployment(chart, 'mounter', { containers: [{ image: 'app', securityContext: { user: 1000 } }] }));
    const other = new Chart(app, 'other', { namespace: 'team-b' });
    new kplus33.Deployment(other, 'reader', { containers: [{ image: 'app', envVariables: { USERNAME: synced.envValue('username') } }] });

    // THEN
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/spc',
      field: 'secretObjects[0].secretName',
      value: 'foosecret',
      rule: /other\/reader \(namespace "team-b"\) reads it through envValue\(\), but the driver creates it only in namespace "demo", where the class is mounted/,
      fix: /sync it from a class in the workload's namespace and mount that class into the workload, or move the workload to namespace "demo"/,
    });
  });

  test('mounting the class anywhere in its namespace satisfies it; an unused synced Secret needs no mount', () => {
    const { chart, spc } = setup();
    spc.syncSecret({ secretName: 'unused', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'secret1' }] });
    expect(() => synth(chart)).not.toThrow();
    const synced = spc.syncSecret({ secretName: 'foosecret', type: SyncedSecretType.OPAQUE, data: [{ key: 'username', objectName: 'secret1' }] });
    const web = new kplus33.Deployment(chart, 'web', { containers: [{ image: 'app', envVariables: { USERNAME: kplus33.EnvValue.fromSecretValue({ secret: kplus33.Secret.fromSecretName(chart, 's', synced.secret.name), key: 'username' }) } }] });
    spc.mount(web);
    expect(podSpecOf(only(synth(chart), 'Deployment')).containers[0].env).toEqual([{ name: 'USERNAME', valueFrom: { secretKeyRef: { key: 'username', name: 'foosecret' } } }]);
  });
});

describe('mount errors', () => {
  test('a workload in another namespace: the fix offers moving either side', () => {
    const { app, spc } = setup();
    const pod = new kplus33.Pod(new Chart(app, 'other', { namespace: 'team-b' }), 'pod', { containers: [CONTAINERS[0]] });
    expectProblem(errorOf(() => spc.mount(pod)), {
      path: 'other/pod',
      field: 'metadata.namespace',
      value: 'team-b',
      rule: /the driver reads the SecretProviderClass "azure-kv" from the pod's namespace, and the class is in namespace "demo"/,
      fix: /move the class to namespace "team-b" \(create it in the workload's chart, or set its `metadata.namespace`\), or move the workload to namespace "demo"/,
    });
  });

  test('a class with no namespace and a workload with one', () => {
    const app = Testing.app();
    const spc = newClass(new Chart(app, 'global'), 'spc', 'azure-kv');
    const pod = new kplus.k8s.KubePod(new Chart(app, 'other', { namespace: 'team-b' }), 'pod', { spec: podSpec() });
    expectProblem(errorOf(() => spc.mount(pod)), {
      path: 'other/pod', field: 'metadata.namespace', value: 'team-b', rule: /the class is in no namespace/, fix: /move the class to namespace "team-b".*or move the workload to no namespace/,
    });
  });

  test('a workload whose metadata overrides the namespace', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { metadata: { namespace: 'team-b' }, containers: [CONTAINERS[0]] });
    expectProblem(errorOf(() => spc.mount(pod)), {
      path: 'kv/pod', field: 'metadata.namespace', value: 'team-b', rule: /class is in namespace "demo"/, fix: /move the class/,
    });
  });

  test('a kind without a pod template (Service), and a construct that is no workload', () => {
    const { chart, spc } = setup();
    expectProblem(errorOf(() => spc.mount(new kplus33.Service(chart, 'svc', { ports: [{ port: 80 }] }))), {
      path: 'kv/svc',
      field: 'kind',
      value: 'Service',
      rule: /mount\(\) mounts into Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob/,
      fix: /the workload that owns the pod template/,
    });
    expectProblem(errorOf(() => spc.mount(new Construct(chart, 'group')!)), {
      path: 'kv/group', field: 'workload', value: 'kv/group', rule: /a workload is an ApiObject .* or a construct whose default child is one/, fix: /pass the Pod, Deployment/,
    });
  });

  describe('mounting a class twice into one workload', () => {
    test('reuses the volume: one CSI volume, a mount per call (other path, other containers)', () => {
      const { chart, spc } = setup();
      const pod = new kplus33.Pod(chart, 'pod', { containers: CONTAINERS.map(c => ({ ...c, securityContext: { user: 1000 } })) });
      spc.mount(pod, { containerNames: ['app'] });
      spc.mount(ApiObject.of(pod), { path: '/etc/kv', containerNames: ['app', 'sidecar'] }); // any construct of the same workload
      const spec = podSpecOf(only(synth(chart), 'Pod'));
      expect(spec.volumes).toEqual([csiVolume('azure-kv')]);
      const mounts = (name: string) => spec.containers.find((c: any) => c.name === name).volumeMounts;
      expect(mounts('app')).toEqual([
        { name: 'azure-kv', mountPath: DEFAULT_PATH, readOnly: true },
        { name: 'azure-kv', mountPath: '/etc/kv', readOnly: true },
      ]);
      expect(mounts('sidecar')).toEqual([{ name: 'azure-kv', mountPath: '/etc/kv', readOnly: true }]);
    });

    test('with the volumeName of the first mount, or none, it reuses the volume; another name fails at once', () => {
      const { chart, spc } = setup();
      const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
      spc.mount(pod, { volumeName: 'kv' });
      spc.mount(pod, { path: '/a', volumeName: 'kv' });
      spc.mount(pod, { path: '/b' });
      expectProblem(errorOf(() => spc.mount(pod, { path: '/c', volumeName: 'other' })), {
        path: 'kv/pod',
        field: 'volumeName',
        value: 'other',
        rule: /already mounts the class "azure-kv" as volume "kv", and a second mount reuses that volume/,
        fix: /omit `volumeName`, or pass "kv"/,
      });
      const spec = podSpecOf(only(synth(chart), 'Pod'));
      expect(spec.volumes.map((v: any) => v.name)).toEqual(['kv']);
      expect(spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual([DEFAULT_PATH, '/a', '/b']);
    });

    test('at the same path in the same container fails synth', () => {
      const { chart, spc } = setup();
      const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
      spc.mount(pod);
      spc.mount(pod);
      expectProblem(errorOf(() => synth(chart)), {
        path: 'kv/pod', field: 'containers[app].path', value: DEFAULT_PATH, rule: /already mounts something at this path/, fix: /different `path`/,
      });
    });
  });

  test('a volumeName the pod uses for another volume, even one added after mount(), fails synth', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
    spc.mount(pod, { volumeName: 'cache' });
    pod.addVolume(kplus.Volume.fromEmptyDir(chart, 'cache', 'cache'));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/pod', field: 'volumeName', value: 'cache', rule: /already has a volume with this name/, fix: /volumeName/,
    });
  });

  test('two classes at the same path fail synth, naming the container', () => {
    const { chart, spc } = setup();
    const other = newClass(chart, 'other', 'azure-kv-other');
    const pod = new kplus.k8s.KubePod(chart, 'pod', {
      spec: { containers: [CONTAINERS[0], { ...CONTAINERS[1], volumeMounts: [{ name: 'x', mountPath: '/mnt/other' }] }], volumes: [{ name: 'x', emptyDir: {} }] },
    });
    spc.mount(pod);
    other.mount(pod);
    newClass(chart, 'third', 'azure-kv-third').mount(pod, { path: '/mnt/other', containerNames: ['sidecar'] });
    const message = errorOf(() => synth(chart));
    expectProblem(message, { path: 'kv/pod', field: 'containers[app].path', value: DEFAULT_PATH, rule: /already mounts something at this path/, fix: /different `path`/ });
    expectProblem(message, { path: 'kv/pod', field: 'containers[sidecar].path', value: '/mnt/other', rule: /already mounts something at this path/, fix: /different `path`/ });
  });

  test('an unknown container name, and a pod template that never gets containers, fail synth', () => {
    const { chart, spc } = setup();
    spc.mount(new kplus.k8s.KubePod(chart, 'pod', { spec: podSpec() }), { containerNames: ['app', 'nginx'] });
    spc.mount(new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA } } }));
    const message = errorOf(() => synth(chart));
    expectProblem(message, {
      path: 'kv/pod', field: 'containerNames', value: 'nginx', rule: /the pod template has no such container \(containers: app, sidecar\)/, fix: /existing container/,
    });
    expectProblem(message, { path: 'kv/d', field: 'spec.containers', value: 0, rule: /no containers/, fix: /add the workload's containers/ });
  });

  test('a relative path', () => {
    const { chart, spc } = setup();
    expectProblem(errorOf(() => spc.mount(new kplus33.Pod(chart, 'pod', { containers: [CONTAINERS[0]] }), { path: 'mnt/secrets' })), {
      path: 'kv/pod', field: 'path', value: 'mnt/secrets', rule: /absolute path/, fix: /"\/mnt\/secrets-store"/,
    });
  });

  test('a class name that is not a DNS-1123 label, without volumeName; fine with one', () => {
    const { chart } = setup();
    const dotted = newClass(chart, 'dotted', 'azure.kv');
    expectProblem(errorOf(() => dotted.mount(new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] }))), {
      path: 'kv/pod', field: 'volumeName', value: 'azure.kv', rule: /DNS-1123 label/, fix: /pass `volumeName` \(it defaults to the class name/,
    });
    const pod = new kplus.Pod(chart, 'pod2', { containers: [CONTAINERS[0]] });
    dotted.mount(pod, { volumeName: 'azure-kv' });
    expectMounted(only(synth(chart), 'Pod', pod.name).spec, 'azure.kv', ['app'], DEFAULT_PATH, 'azure-kv');
  });

  test('a volumeName that is not a DNS-1123 label', () => {
    const { chart, spc } = setup();
    expectProblem(errorOf(() => spc.mount(new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] }), { volumeName: 'Secrets_Store' })), {
      path: 'kv/pod', field: 'volumeName', value: 'Secrets_Store', rule: /DNS-1123 label/, fix: /secrets-store/,
    });
  });
});
