import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass } from '../src';
import { errorOf, expectProblem, only, podSpecOf, synth } from './util';

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

function newClass(chart: Chart, id: string, name: string, identity: KeyVaultIdentity = KeyVaultIdentity.vmManagedIdentity()) {
  return new KeyVaultSecretProviderClass(chart, id, {
    metadata: { name }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity, objects: [KeyVaultObject.secret('secret1')],
  });
}

/** Asserts the pod spec has the class's CSI volume once and every listed container mounts it read-only at `path`. */
function expectMounted(spec: any, className: string, containers: string[], path = DEFAULT_PATH, volumeName = className) {
  expect(spec.volumes.filter((v: any) => v.name === volumeName)).toEqual([csiVolume(className, volumeName)]);
  for (const container of spec.containers) {
    const mounts = (container.volumeMounts ?? []).filter((m: any) => m.name === volumeName);
    expect(mounts).toEqual(containers.includes(container.name) ? [{ name: volumeName, mountPath: path, readOnly: true }] : []);
  }
}

const CONTAINERS = [{ name: 'app', image: 'app' }, { name: 'sidecar', image: 'sidecar' }];

describe('mount (cdk8s-plus workloads)', () => {
  test.each<[string, (chart: Chart) => kplus.AbstractPod]>([
    ['Pod', c => new kplus.Pod(c, 'w', { containers: CONTAINERS })],
    ['Deployment', c => new kplus.Deployment(c, 'w', { containers: CONTAINERS })],
    ['StatefulSet', c => new kplus.StatefulSet(c, 'w', { containers: [{ ...CONTAINERS[0], ports: [{ number: 8080 }] }, CONTAINERS[1]] })],
    ['DaemonSet', c => new kplus.DaemonSet(c, 'w', { containers: CONTAINERS })],
    ['Job', c => new kplus.Job(c, 'w', { containers: CONTAINERS })],
  ])('%s: a read-only CSI volume and a read-only mount at /mnt/secrets-store in every container', (kind, build) => {
    // GIVEN
    const { chart, spc } = setup();
    const workload = build(chart);

    // WHEN
    spc.mount(workload);

    // THEN
    const manifests = synth(chart);
    expectMounted(podSpecOf(only(manifests, kind)), 'azure-kv', ['app', 'sidecar']);
    expect(manifests).toMatchSnapshot();
  });

  test('containers added after mount() are not mounted (the default is the containers at mount time)', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
    spc.mount(pod);
    pod.addContainer(CONTAINERS[1]);
    expectMounted(only(synth(chart), 'Pod').spec, 'azure-kv', ['app']);
  });

  test('path, containers and volumeName options', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { containers: CONTAINERS });
    spc.mount(pod, { path: '/etc/secrets', containers: [pod.containers[1]], volumeName: 'kv' });
    expectMounted(only(synth(chart), 'Pod').spec, 'azure-kv', ['sidecar'], '/etc/secrets', 'kv');
  });

  test('a Windows mount path', () => {
    const { chart, spc } = setup();
    spc.mount(new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] }), { path: 'C:\\secrets' });
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

  test('keeps the pod\'s other volumes and mounts', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
    pod.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp'));
    spc.mount(pod);
    const spec = only(synth(chart), 'Pod').spec;
    expect(spec.volumes.map((v: any) => v.name).sort()).toEqual(['azure-kv', 'tmp']);
    expect(spec.containers[0].volumeMounts.map((m: any) => m.mountPath).sort()).toEqual([DEFAULT_PATH, '/tmp']);
  });

  test('fails to mount into a pod in another namespace', () => {
    // GIVEN the class in "demo" and a pod in another chart's namespace
    const { app, spc } = setup();
    const other = new Chart(app, 'other', { namespace: 'team-b' });
    const pod = new kplus.Pod(other, 'pod', { containers: [CONTAINERS[0]] });

    // THEN
    expectProblem(errorOf(() => spc.mount(pod)), {
      path: 'other/pod',
      field: 'metadata.namespace',
      value: 'team-b',
      rule: /the driver reads the SecretProviderClass "azure-kv" from the pod's namespace, and the class is in namespace "demo"/,
      fix: /same chart\/namespace as the workload/,
    });
  });

  test('fails to mount a class with no namespace into a pod with one', () => {
    const app = Testing.app();
    const spc = newClass(new Chart(app, 'global'), 'spc', 'azure-kv');
    const pod = new kplus.Pod(new Chart(app, 'other', { namespace: 'team-b' }), 'pod', { containers: [CONTAINERS[0]] });
    expectProblem(errorOf(() => spc.mount(pod)), {
      path: 'other/pod', field: 'metadata.namespace', value: 'team-b', rule: /the class is in no namespace/, fix: /same chart\/namespace/,
    });
  });

  test('fails to mount into a pod whose metadata overrides the namespace', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { metadata: { namespace: 'team-b' }, containers: [CONTAINERS[0]] });
    expectProblem(errorOf(() => spc.mount(pod)), {
      path: 'kv/pod', field: 'metadata.namespace', value: 'team-b', rule: /class is in namespace "demo"/, fix: /same chart/,
    });
  });

  test('fails to mount a class twice into one pod (volume name clash)', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
    spc.mount(pod);
    expectProblem(errorOf(() => spc.mount(pod, { path: '/mnt/again' })), {
      path: 'kv/pod', field: 'volumeName', value: 'azure-kv', rule: /the pod already has a volume with this name/, fix: /different `volumeName`/,
    });
  });

  test('fails with a volumeName the pod already uses for another volume', () => {
    const { chart, spc } = setup();
    const pod = new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] });
    pod.addVolume(kplus.Volume.fromEmptyDir(chart, 'cache', 'cache'));
    expectProblem(errorOf(() => spc.mount(pod, { volumeName: 'cache' })), {
      path: 'kv/pod', field: 'volumeName', value: 'cache', rule: /already has a volume with this name/, fix: /volumeName/,
    });
  });

  test('fails to mount two classes at the same path (mount path clash)', () => {
    const { chart, spc } = setup();
    const other = newClass(chart, 'other', 'azure-kv-other');
    const pod = new kplus.Pod(chart, 'pod', { containers: CONTAINERS });
    spc.mount(pod);
    expectProblem(errorOf(() => other.mount(pod)), {
      path: 'kv/pod', field: 'containers[app].path', value: DEFAULT_PATH, rule: /the container already mounts something at this path/, fix: /different `path`/,
    });
  });

  test('fails with a relative path', () => {
    const { chart, spc } = setup();
    expectProblem(errorOf(() => spc.mount(new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] }), { path: 'mnt/secrets' })), {
      path: 'kv/pod', field: 'path', value: 'mnt/secrets', rule: /absolute path/, fix: /"\/mnt\/secrets-store"/,
    });
  });

  test('fails when the class name is not a DNS-1123 label and no volumeName is given; succeeds with one', () => {
    const { chart } = setup();
    const dotted = newClass(chart, 'dotted', 'azure.kv');
    expectProblem(errorOf(() => dotted.mount(new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] }))), {
      path: 'kv/pod', field: 'volumeName', value: 'azure.kv', rule: /DNS-1123 label/, fix: /pass `volumeName` \(it defaults to the class name/,
    });
    const pod = new kplus.Pod(chart, 'pod2', { containers: [CONTAINERS[0]] });
    dotted.mount(pod, { volumeName: 'azure-kv' });
    expectMounted(only(synth(chart), 'Pod', pod.name).spec, 'azure.kv', ['app'], DEFAULT_PATH, 'azure-kv');
  });

  test('fails with a volumeName that is not a DNS-1123 label', () => {
    const { chart, spc } = setup();
    expectProblem(errorOf(() => spc.mount(new kplus.Pod(chart, 'pod', { containers: [CONTAINERS[0]] }), { volumeName: 'Secrets_Store' })), {
      path: 'kv/pod', field: 'volumeName', value: 'Secrets_Store', rule: /DNS-1123 label/, fix: /secrets-store/,
    });
  });
});

/** Pod template spec for the kinds below. */
function podSpec(extra: Record<string, unknown> = {}) {
  return { serviceAccountName: 'workload', containers: CONTAINERS.map(c => ({ ...c })), ...extra };
}
const SELECTOR = { matchLabels: { app: 'web' } };
const TEMPLATE_METADATA = { labels: { app: 'web' } };

const API_OBJECT_WORKLOADS: [string, string, (chart: Chart) => ApiObject][] = [
  ['KubePod', 'Pod', c => new kplus.k8s.KubePod(c, 'w', { spec: podSpec() })],
  ['KubeDeployment', 'Deployment', c => new kplus.k8s.KubeDeployment(c, 'w', { spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: podSpec() } } })],
  ['KubeStatefulSet', 'StatefulSet', c => new kplus.k8s.KubeStatefulSet(c, 'w', { spec: { serviceName: 'web', selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: podSpec() } } })],
  ['KubeDaemonSet', 'DaemonSet', c => new kplus.k8s.KubeDaemonSet(c, 'w', { spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: podSpec() } } })],
  ['KubeReplicaSet', 'ReplicaSet', c => new kplus.k8s.KubeReplicaSet(c, 'w', { spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: podSpec() } } })],
  ['KubeReplicationController', 'ReplicationController', c => new kplus.k8s.KubeReplicationController(c, 'w', { spec: { selector: { app: 'web' }, template: { metadata: TEMPLATE_METADATA, spec: podSpec() } } })],
  ['KubeJob', 'Job', c => new kplus.k8s.KubeJob(c, 'w', { spec: { template: { spec: podSpec({ restartPolicy: 'Never' }) } } })],
  ['KubeCronJob', 'CronJob', c => new kplus.k8s.KubeCronJob(c, 'w', { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'OnFailure' }) } } } } })],
  ['ApiObject.of(kplus.Deployment)', 'Deployment', c => ApiObject.of(new kplus.Deployment(c, 'w', {
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(c, 'sa', 'workload'), containers: CONTAINERS,
  }))],
  ['hand-written ApiObject Deployment', 'Deployment', c => new ApiObject(c, 'w', {
    apiVersion: 'apps/v1', kind: 'Deployment', spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: podSpec() } },
  })],
];

describe('mountApiObject (any ApiObject workload)', () => {
  test.each(API_OBJECT_WORKLOADS)('%s: a read-only CSI volume and a read-only mount at /mnt/secrets-store in every container', (_name, kind, build) => {
    // GIVEN
    const { chart, spc } = setup();
    const workload = build(chart);

    // WHEN
    spc.mountApiObject(workload);

    // THEN
    const manifests = synth(chart);
    const manifest = only(manifests, kind);
    expectMounted(podSpecOf(manifest), 'azure-kv', ['app', 'sidecar']);
    expect(manifests).toMatchSnapshot();
  });

  test.each(API_OBJECT_WORKLOADS)('%s: identity binding grants the pod template\'s ServiceAccount', (_name, _kind, build) => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const spc = newClass(chart, 'ib', 'azure-kv-ib', binding.identity);
    spc.mountApiObject(build(chart));
    expect(only(synth(chart), 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);
  });

  test('reads the deprecated spec.serviceAccount when serviceAccountName is absent', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const spc = newClass(chart, 'ib', 'azure-kv-ib', binding.identity);
    spc.mountApiObject(new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', spec: { serviceAccount: 'legacy', containers: [CONTAINERS[0]] } }));
    expect(only(synth(chart), 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'legacy', namespace: 'demo' }]);
  });

  test('appends to existing volumes and volumeMounts', () => {
    const { chart, spc } = setup();
    const pod = new kplus.k8s.KubePod(chart, 'pod', {
      spec: {
        volumes: [{ name: 'tmp', emptyDir: {} }],
        containers: [{ name: 'app', image: 'app', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }, CONTAINERS[1]],
      },
    });
    spc.mountApiObject(pod);
    const spec = only(synth(chart), 'Pod').spec;
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, csiVolume('azure-kv')]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'azure-kv', mountPath: DEFAULT_PATH, readOnly: true }]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'azure-kv', mountPath: DEFAULT_PATH, readOnly: true }]);
  });

  test('path, containerNames and volumeName options', () => {
    const { chart, spc } = setup();
    spc.mountApiObject(new kplus.k8s.KubePod(chart, 'pod', { spec: podSpec() }), { path: '/etc/secrets', containerNames: ['sidecar'], volumeName: 'kv' });
    expectMounted(only(synth(chart), 'Pod').spec, 'azure-kv', ['sidecar'], '/etc/secrets', 'kv');
  });

  test('two classes in one workload, at two paths', () => {
    const { chart, spc } = setup();
    const other = newClass(chart, 'other', 'azure-kv-other');
    const deployment = new kplus.k8s.KubeDeployment(chart, 'd', { spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA, spec: podSpec() } } });
    spc.mountApiObject(deployment);
    other.mountApiObject(deployment, { path: '/mnt/other' });
    const spec = podSpecOf(only(synth(chart), 'Deployment'));
    expectMounted(spec, 'azure-kv', ['app', 'sidecar']);
    expectMounted(spec, 'azure-kv-other', ['app', 'sidecar'], '/mnt/other');
  });

  test('fails on a kind that has no pod template (Service)', () => {
    const { chart, spc } = setup();
    const service = new kplus.k8s.KubeService(chart, 'svc', { spec: { ports: [{ port: 80 }] } });
    expectProblem(errorOf(() => spc.mountApiObject(service)), {
      path: 'kv/svc',
      field: 'kind',
      value: 'Service',
      rule: /mountApiObject\(\) mounts into Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob/,
      fix: /the workload that owns the pod template/,
    });
  });

  test('fails with an unknown container name', () => {
    const { chart, spc } = setup();
    const pod = new kplus.k8s.KubePod(chart, 'pod', { spec: podSpec() });
    expectProblem(errorOf(() => spc.mountApiObject(pod, { containerNames: ['app', 'nginx'] })), {
      path: 'kv/pod', field: 'containerNames', value: 'nginx', rule: /the pod template has no such container \(containers: app, sidecar\)/, fix: /existing container/,
    });
  });

  test('fails on a pod template with no containers yet', () => {
    const { chart, spc } = setup();
    const deployment = new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { selector: SELECTOR, template: { metadata: TEMPLATE_METADATA } } });
    expectProblem(errorOf(() => spc.mountApiObject(deployment)), {
      path: 'kv/d', field: 'spec.containers', value: 0, rule: /no containers yet/, fix: /after the containers are defined/,
    });
  });

  test('fails to mount into a workload in another namespace', () => {
    const { chart, spc } = setup();
    const pod = new kplus.k8s.KubePod(chart, 'pod', { metadata: { namespace: 'team-b' }, spec: podSpec() });
    expectProblem(errorOf(() => spc.mountApiObject(pod)), {
      path: 'kv/pod', field: 'metadata.namespace', value: 'team-b', rule: /class is in namespace "demo"/, fix: /same chart\/namespace/,
    });
  });

  test('fails to mount a class twice into one workload (volume name clash)', () => {
    const { chart, spc } = setup();
    const pod = new kplus.k8s.KubePod(chart, 'pod', { spec: podSpec() });
    spc.mountApiObject(pod);
    expectProblem(errorOf(() => spc.mountApiObject(pod, { path: '/mnt/again' })), {
      path: 'kv/pod', field: 'volumeName', value: 'azure-kv', rule: /already has a volume with this name/, fix: /different `volumeName`/,
    });
  });

  test('fails to mount two classes at the same path (mount path clash)', () => {
    const { chart, spc } = setup();
    const other = newClass(chart, 'other', 'azure-kv-other');
    const pod = new kplus.k8s.KubePod(chart, 'pod', {
      spec: { containers: [CONTAINERS[0], { ...CONTAINERS[1], volumeMounts: [{ name: 'x', mountPath: '/mnt/other' }] }], volumes: [{ name: 'x', emptyDir: {} }] },
    });
    spc.mountApiObject(pod);
    expectProblem(errorOf(() => other.mountApiObject(pod)), {
      path: 'kv/pod', field: 'containers[app].path', value: DEFAULT_PATH, rule: /already mounts something at this path/, fix: /different `path`/,
    });
    expectProblem(errorOf(() => other.mountApiObject(pod, { path: '/mnt/other', containerNames: ['sidecar'] })), {
      path: 'kv/pod', field: 'containers[sidecar].path', value: '/mnt/other', rule: /already mounts something at this path/, fix: /different `path`/,
    });
  });

  test('fails with a relative path', () => {
    const { chart, spc } = setup();
    expectProblem(errorOf(() => spc.mountApiObject(new kplus.k8s.KubePod(chart, 'pod', { spec: podSpec() }), { path: 'secrets' })), {
      path: 'kv/pod', field: 'path', value: 'secrets', rule: /absolute path/, fix: /\/mnt\/secrets-store/,
    });
  });
});
