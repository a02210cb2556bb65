/**
 * Every example under examples/ synthesizes with the cdk8s CLI (the same code as `npx projen
 * examples`), every document it writes is valid (kubernetes-models / the CRD's schema), and each
 * scenario has the fields that make it work. Regenerates examples/<name>/dist (CI checks git diff).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ofKind, only, parseObjects, podSpecOf, validateManifests } from './util';
import { EXAMPLES_DIR, exampleNames, outputDirOf, synthAll, synthExample } from '../examples/synth-all';

jest.setTimeout(10 * 60 * 1000);

const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

const SCENARIOS = [
  'azure-side', 'cdk8s-plus-33', 'custom-cloud', 'env-from-secret', 'existing-yaml', 'identity-binding', 'ingress-tls', 'multi-cluster', 'multiple-versions',
  'openshift', 'pod-identity', 'rotation', 'service-principal', 'sync-secret', 'system-assigned-identity',
  'user-assigned-identity', 'windows', 'workload-identity',
];

/** example → YAML file name → its documents. */
const outputs = new Map<string, Map<string, any[]>>();

function readOutput(dir: string): Map<string, any[]> {
  const files = new Map<string, any[]>();
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf-8'));
    for (const doc of docs) if (doc.errors.length) throw new Error(`${dir}/${file}: ${doc.errors[0].message}`);
    files.set(file, docs.map(doc => doc.toJS()).filter(doc => doc !== null));
  }
  return files;
}

/** Every document an example wrote (all its files). */
function manifestsOf(example: string): any[] {
  const files = outputs.get(example);
  if (!files) throw new Error(`example ${example} has no output`);
  return [...files.values()].flat();
}

/** Documents of one output file of an example. */
function fileOf(example: string, file: string): any[] {
  const docs = outputs.get(example)?.get(file);
  if (!docs) throw new Error(`example ${example} has no ${file} (files: ${[...outputs.get(example)?.keys() ?? []].join(', ')})`);
  return docs;
}

function workloadsOf(manifests: any[]): any[] {
  return manifests.filter(m => WORKLOAD_KINDS.includes(m.kind));
}

/** The classes a workload mounts: volume name → SecretProviderClass name (and the CSI source). */
function csiVolumesOf(workload: any): any[] {
  return (podSpecOf(workload).volumes ?? []).filter((v: any) => v.csi?.driver === 'secrets-store.csi.k8s.io');
}

function parametersOf(manifests: any[], name: string): Record<string, string> {
  return only(manifests, 'SecretProviderClass', name).spec.parameters;
}

/** This run's output: the tests read it, not dist/, which another run (or `npx projen examples`) may be rewriting. */
const outputRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));

/** The output directory of an example in this run. */
function outputOf(name: string): string {
  return path.join(outputRoot, name);
}

beforeAll(async () => {
  const results = await synthAll(exampleNames(), { outputRoot });
  const failed = results.filter(r => !r.ok);
  if (failed.length) {
    throw new Error(failed.map(f => `example ${f.name} failed to synthesize:\n${f.log}`).join('\n\n'));
  }
  for (const name of exampleNames()) {
    outputs.set(name, readOutput(outputOf(name)));
    // Refresh the committed output (CI checks it with git diff).
    const dist = outputDirOf(name);
    fs.rmSync(dist, { recursive: true, force: true });
    fs.cpSync(outputOf(name), dist, { recursive: true });
  }
});

afterAll(() => fs.rmSync(outputRoot, { recursive: true, force: true }));

describe('every example', () => {
  test('every scenario has an example with cdk8s.yaml, main.ts and README.md', () => {
    expect(exampleNames()).toEqual(expect.arrayContaining(SCENARIOS));
    for (const name of exampleNames()) {
      for (const file of ['cdk8s.yaml', 'main.ts', 'README.md']) {
        expect(fs.existsSync(path.join(EXAMPLES_DIR, name, file))).toBe(true);
      }
      const config = YAML.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name, 'cdk8s.yaml'), 'utf-8'));
      expect(config).toMatchObject({ app: 'npx ts-node --transpile-only --project ../tsconfig.json main.ts', output: 'dist' });
    }
  });

  test.each(exampleNames())('%s: every document validates (kubernetes-models, SecretProviderClass CRD schema, ASO kinds\' schemas)', name => {
    const manifests = manifestsOf(name);
    expect(manifests.length).toBeGreaterThan(0);
    expect(() => validateManifests(manifests)).not.toThrow();
  });

  test.each(exampleNames())('%s: no Secret is generated (no secret value in the output)', name => {
    expect(ofKind(manifestsOf(name), 'Secret')).toEqual([]);
  });

  test.each(exampleNames())('%s: every mounted class exists in the workload\'s namespace and file, read-only', name => {
    for (const docs of outputs.get(name)!.values()) {
      for (const workload of workloadsOf(docs)) {
        for (const volume of csiVolumesOf(workload)) {
          expect(volume.csi.readOnly).toBe(true);
          const spc = only(docs, 'SecretProviderClass', volume.csi.volumeAttributes.secretProviderClass);
          expect(spc.metadata.namespace).toBe(workload.metadata.namespace);
          expect(spc.spec.provider).toBe('azure');
          for (const container of podSpecOf(workload).containers) {
            const mount = (container.volumeMounts ?? []).find((m: any) => m.name === volume.name);
            if (mount) expect(mount.readOnly).toBe(true);
          }
        }
      }
    }
  });

  // Except on OpenShift, whose restricted SCC assigns the user.
  test.each(exampleNames().filter(n => n !== 'openshift'))('%s: non-root containers name a user, so images that default to root still start', name => {
    for (const workload of workloadsOf(manifestsOf(name))) {
      const spec = podSpecOf(workload);
      if (spec.nodeSelector?.['kubernetes.io/os'] === 'windows') continue; // runAsUser is Linux-only
      for (const container of spec.containers) {
        const nonRoot = container.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
        if (!nonRoot) continue;
        expect(container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser).toBeGreaterThan(0);
      }
    }
  });

  test.each(exampleNames())('%s: every SecretProviderClass objects string parses the way the provider parses it', name => {
    for (const spc of ofKind(manifestsOf(name), 'SecretProviderClass')) {
      const objects = parseObjects(spc);
      expect(objects.length).toBeGreaterThan(0);
      const tenant = spc.spec.parameters.tenantID;
      expect(tenant === TENANT_ID || tenant === 'adfs').toBe(true);
      expect(spc.spec.parameters.tenantId).toBeUndefined();
    }
  });

  test('synthesis is deterministic, and the cdk8s CLI writes the same bytes as the direct run', async () => {
    const example = 'identity-binding';
    const reference = outputOf(example);
    const runs = [fs.mkdtempSync(path.join(os.tmpdir(), 'example-direct-')), fs.mkdtempSync(path.join(os.tmpdir(), 'example-cli-'))];
    try {
      for (const [i, output] of runs.entries()) {
        const result = await synthExample(example, { output, cli: i === 1 });
        expect(result).toMatchObject({ ok: true });
      }
      const files = fs.readdirSync(reference).sort();
      expect(files).toEqual(['azure.k8s.yaml', 'identity-binding.k8s.yaml', 'install.k8s.yaml']);
      for (const run of runs) {
        expect(fs.readdirSync(run).sort()).toEqual(files);
        for (const file of files) {
          expect(fs.readFileSync(path.join(run, file)).equals(fs.readFileSync(path.join(reference, file)))).toBe(true);
        }
      }
    } finally {
      for (const dir of runs) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('identity-binding', () => {
  const workload = () => fileOf('identity-binding', 'identity-binding.k8s.yaml');

  test('the class uses the token proxy with the managed identity\'s client ID', () => {
    expect(parametersOf(workload(), 'azure-kvname-idb')).toMatchObject({
      useAzureTokenProxy: 'true', clientID: CLIENT_ID, keyvaultName: 'kvname', tenantID: TENANT_ID,
    });
    expect(parseObjects(only(workload(), 'SecretProviderClass'))).toEqual([
      { objectName: 'secret1', objectType: 'secret' },
      { objectName: 'key1', objectType: 'key' },
    ]);
  });

  test('the ClusterRoleBinding grants exactly the pod\'s ServiceAccount the use of the identity', () => {
    const pod = only(workload(), 'Pod', 'busybox-secrets-store-inline-idb');
    const serviceAccount = only(workload(), 'ServiceAccount', pod.spec.serviceAccountName);
    const role = only(workload(), 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: ['cid.wi.aks.azure.com'], resources: [CLIENT_ID], verbs: ['use-managed-identity'] }]);
    const binding = only(workload(), 'ClusterRoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: pod.metadata.namespace }]);
  });

  test('busybox runs as user 1000 and mounts the class at /mnt/secrets-store', () => {
    const pod = only(workload(), 'Pod', 'busybox-secrets-store-inline-idb');
    expect(pod.spec.containers[0].securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true });
    expect(pod.spec.containers[0].volumeMounts).toEqual([{ name: 'secrets-store01-inline', mountPath: '/mnt/secrets-store', readOnly: true }]);
    expect(csiVolumesOf(pod).map(v => v.csi.volumeAttributes.secretProviderClass)).toEqual(['azure-kvname-idb']);
  });

  test('install.k8s.yaml: the driver requests the identity binding audience, the provider (v1.8+) resolves cluster DNS', () => {
    const install = fileOf('identity-binding', 'install.k8s.yaml');
    expect(only(install, 'CSIDriver', 'secrets-store.csi.k8s.io').spec.tokenRequests).toContainEqual({ audience: 'api://AKSIdentityBinding' });
    const provider = providerDaemonSet(install, 'linux');
    expect(provider.spec.template.spec).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(providerVersion(provider)).toBeGreaterThanOrEqual(8);
    expect(ofKind(install, 'DaemonSet').map(d => d.metadata.namespace)).toEqual(['kube-system', 'kube-system']);
  });

  test('the workload chart has no install objects (kept apart for the AKS add-on case)', () => {
    expect(workload().map(m => m.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Pod', 'SecretProviderClass', 'ServiceAccount']);
  });
});

describe('existing-yaml', () => {
  const output = () => fileOf('existing-yaml', 'existing-yaml.k8s.yaml');
  const source = () => YAML.parseAllDocuments(fs.readFileSync(path.join(EXAMPLES_DIR, 'existing-yaml', 'helm-output.yaml'), 'utf-8')).map(d => d.toJS());

  test('the included Deployment keeps what the chart rendered and gains the volume and a read-only mount in both containers', () => {
    const rendered = source().find((m: any) => m.kind === 'Deployment');
    const deployment = only(output(), 'Deployment', 'web');
    const spec = podSpecOf(deployment);
    expect(spec.volumes).toEqual([{ name: 'web-secrets', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'web-secrets' } } }]);
    expect(spec.containers.map((c: any) => [c.name, c.volumeMounts])).toEqual([
      ['web', [{ name: 'web-secrets', mountPath: '/etc/web/secrets', readOnly: true }]],
      ['log-shipper', [{ name: 'web-secrets', mountPath: '/etc/web/secrets', readOnly: true }]],
    ]);
    const withoutMounts = (podSpec: any) => ({
      ...podSpec, volumes: undefined, containers: podSpec.containers.map((c: any) => ({ ...c, volumeMounts: undefined })),
    });
    const strip = (d: any) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: withoutMounts(podSpecOf(d)) } } });
    expect(strip(deployment)).toEqual(strip(rendered));
  });

  test('the ServiceAccount the rendered pod template names is granted the identity, in the chart\'s namespace', () => {
    expect(only(output(), 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }]);
    expect(only(output(), 'ClusterRoleBinding').metadata.name).toBe(`use-mi-${CLIENT_ID}-shop`);
  });
});

describe('cdk8s-plus-33', () => {
  const plus33 = () => fileOf('cdk8s-plus-33', 'cdk8s-plus-33.k8s.yaml');
  const plus27 = () => fileOf('identity-binding', 'identity-binding.k8s.yaml');

  test('a cdk8s-plus-33 Deployment, mounted before its container was added, has the same volume and mount as the cdk8s-plus-27 pod', () => {
    const deployment = podSpecOf(only(plus33(), 'Deployment', 'busybox-secrets-store-inline-idb'));
    const pod = only(plus27(), 'Pod', 'busybox-secrets-store-inline-idb').spec;
    expect(deployment.volumes).toEqual(pod.volumes);
    expect(deployment.containers.map((c: any) => c.volumeMounts)).toEqual(pod.containers.map((c: any) => c.volumeMounts));
    expect(deployment.volumes).toEqual([{ name: 'secrets-store01-inline', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'azure-kvname-idb' } } }]);
  });

  test('the same class, ClusterRole and ClusterRoleBinding (granting the Deployment\'s ServiceAccount) as the cdk8s-plus-27 example', () => {
    const strip = (m: any) => ({ ...m, metadata: { ...m.metadata, labels: undefined } });
    for (const kind of ['SecretProviderClass', 'ClusterRole', 'ClusterRoleBinding']) {
      expect(strip(only(plus33(), kind))).toEqual(strip(only(plus27(), kind)));
    }
    const deployment = podSpecOf(only(plus33(), 'Deployment'));
    expect(only(plus33(), 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: deployment.serviceAccountName, namespace: 'default' }]);
  });

  test('install.k8s.yaml is the identity-binding example\'s', () => {
    expect(fileOf('cdk8s-plus-33', 'install.k8s.yaml')).toEqual(fileOf('identity-binding', 'install.k8s.yaml'));
  });
});

/** The provider DaemonSet for one OS in an install file. */
function providerDaemonSet(install: any[], osName: 'linux' | 'windows'): any {
  const found = ofKind(install, 'DaemonSet').filter(d => podSpecOf(d).containers.some((c: any) => c.image.includes('/provider-azure:'))
    && podSpecOf(d).nodeSelector?.['kubernetes.io/os'] === osName);
  if (found.length !== 1) throw new Error(`expected one ${osName} provider DaemonSet, found ${found.length}`);
  return found[0];
}

/** The driver DaemonSet for one OS in an install file. */
function driverDaemonSet(install: any[], osName: 'linux' | 'windows'): any {
  const found = ofKind(install, 'DaemonSet').filter(d => podSpecOf(d).containers.some((c: any) => c.name === 'secrets-store')
    && podSpecOf(d).nodeSelector?.['kubernetes.io/os'] === osName);
  if (found.length !== 1) throw new Error(`expected one ${osName} driver DaemonSet, found ${found.length}`);
  return found[0];
}

/** Minor version of the provider image (v1.<minor>.x). */
function providerVersion(daemonSet: any): number {
  const image: string = podSpecOf(daemonSet).containers[0].image;
  const match = /:v1\.(\d+)\.\d+$/.exec(image);
  if (!match) throw new Error(`unexpected provider image ${image}`);
  return Number(match[1]);
}

function containerNamed(workload: any, name: string): any {
  const container = podSpecOf(workload).containers.find((c: any) => c.name === name);
  if (!container) throw new Error(`${workload.metadata.name} has no container ${name}`);
  return container;
}

describe('install scenarios', () => {
  test('windows: Windows DaemonSets for the driver and the provider, and the pod on Windows nodes', () => {
    const install = fileOf('windows', 'install.k8s.yaml');
    const driver = driverDaemonSet(install, 'windows');
    expect(containerNamed(driver, 'secrets-store').args).toEqual(expect.arrayContaining([
      expect.stringMatching(/^--provider-volume=C:\\k\\secrets-store-csi-providers$/),
    ]));
    const provider = providerDaemonSet(install, 'windows');
    expect(podSpecOf(provider).hostNetwork).toBeUndefined();
    // Both sides of the socket: the provider writes where the driver reads.
    expect(podSpecOf(provider).volumes[0].hostPath.path).toBe('C:\\k\\secrets-store-csi-providers');
    driverDaemonSet(install, 'linux'); // the Linux nodes keep theirs
    providerDaemonSet(install, 'linux');
    const pod = only(fileOf('windows', 'windows.k8s.yaml'), 'Pod');
    expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'windows' });
    expect(csiVolumesOf(pod).map(v => v.csi.volumeAttributes.secretProviderClass)).toEqual(['azure-kvname-windows']);
    expect(only(install, 'CSIDriver').spec.tokenRequests).toContainEqual({ audience: 'api://AKSIdentityBinding' });
  });

  test('rotation: --enable-secret-rotation=true with the poll interval, republish, and the sync RBAC for the synced Secret', () => {
    const install = fileOf('rotation', 'install.k8s.yaml');
    const args: string[] = containerNamed(driverDaemonSet(install, 'linux'), 'secrets-store').args;
    expect(args).toContain('--enable-secret-rotation=true');
    expect(args).toContain('--rotation-poll-interval=2m');
    expect(only(install, 'CSIDriver').spec.requiresRepublish).toBe(true);
    const syncRole = only(install, 'ClusterRole', 'secretprovidersyncing-role');
    expect(syncRole.rules).toEqual(expect.arrayContaining([expect.objectContaining({ resources: ['secrets'] })]));
    expect(only(install, 'ClusterRoleBinding', 'secretprovidersyncing-rolebinding').subjects[0].name).toBe('secrets-store-csi-driver');
    expect(only(fileOf('rotation', 'rotation.k8s.yaml'), 'SecretProviderClass').spec.secretObjects[0].secretName).toBe('rotating-secret');
  });

  test('openshift: the Linux provider container is privileged, without allowPrivilegeEscalation: false', () => {
    const install = fileOf('openshift', 'install.k8s.yaml');
    const securityContext = podSpecOf(providerDaemonSet(install, 'linux')).containers[0].securityContext;
    expect(securityContext.privileged).toBe(true);
    expect(securityContext.allowPrivilegeEscalation).toBeUndefined();
    // The ServiceAccounts the README grants the privileged SCC to.
    expect(ofKind(install, 'ServiceAccount').map(sa => `${sa.metadata.namespace}:${sa.metadata.name}`).sort())
      .toEqual(['kube-system:csi-secrets-store-provider-azure', 'kube-system:secrets-store-csi-driver']);
    const pod = only(fileOf('openshift', 'openshift.k8s.yaml'), 'Pod');
    expect(csiVolumesOf(pod)[0].csi.nodePublishSecretRef).toEqual({ name: 'secrets-store-creds' });
  });

  test('custom-cloud: AzureStackCloud with tenant adfs, and the provider mounts the file the class names', () => {
    const parameters = parametersOf(fileOf('custom-cloud', 'custom-cloud.k8s.yaml'), 'azure-kvname');
    expect(parameters).toMatchObject({ cloudName: 'AzureStackCloud', tenantID: 'adfs' });
    const provider = podSpecOf(providerDaemonSet(fileOf('custom-cloud', 'install.k8s.yaml'), 'linux'));
    const mount = provider.containers[0].volumeMounts.find((m: any) => m.mountPath === parameters.cloudEnvFileName);
    expect(mount).toMatchObject({ readOnly: true });
    const volume = provider.volumes.find((v: any) => v.name === mount.name);
    expect(volume.hostPath).toEqual({ path: '/etc/kubernetes/azurestackcloud.json', type: 'File' });
    expect(provider.containers[0].volumeMounts.find((m: any) => m.mountPath === '/etc/ssl/certs')).toMatchObject({ readOnly: true });
  });
});

describe('workload-identity', () => {
  const manifests = () => manifestsOf('workload-identity');

  test('the class has clientID and no mode flag (no useAzureTokenProxy)', () => {
    const parameters = parametersOf(manifests(), 'azure-kvname-wi');
    expect(parameters.clientID).toBe(CLIENT_ID);
    for (const flag of ['useAzureTokenProxy', 'useVMManagedIdentity', 'usePodIdentity', 'userAssignedIdentityID']) {
      expect(parameters[flag]).toBeUndefined();
    }
    expect(ofKind(manifests(), 'ClusterRole')).toEqual([]);
  });

  test('dist/federated-credentials.json lists the pod\'s ServiceAccount as the credential subject', () => {
    const pod = only(manifests(), 'Pod', 'busybox-secrets-store-inline-wi');
    const credentials = JSON.parse(fs.readFileSync(path.join(outputOf('workload-identity'), 'federated-credentials.json'), 'utf-8'));
    expect(credentials).toEqual([{
      clientId: CLIENT_ID,
      subjects: [`system:serviceaccount:${pod.metadata.namespace}:${pod.spec.serviceAccountName}`],
    }]);
  });
});

describe('service-principal', () => {
  test('the volume passes secrets-store-creds as nodePublishSecretRef and the class has no identity parameters', () => {
    const manifests = manifestsOf('service-principal');
    const pod = only(manifests, 'Pod', 'busybox-secrets-store-inline');
    expect(csiVolumesOf(pod)[0].csi.nodePublishSecretRef).toEqual({ name: 'secrets-store-creds' });
    const parameters = parametersOf(manifests, 'azure-kvname');
    expect(Object.keys(parameters).sort()).toEqual(['keyvaultName', 'objects', 'tenantID']);
  });
});

describe('managed identity of the nodes', () => {
  test('user-assigned-identity: useVMManagedIdentity with the identity\'s client ID', () => {
    const parameters = parametersOf(manifestsOf('user-assigned-identity'), 'azure-kvname-user-msi');
    expect(parameters).toMatchObject({ useVMManagedIdentity: 'true', userAssignedIdentityID: CLIENT_ID });
    expect(parameters.clientID).toBeUndefined(); // clientID would make the provider look for a workload identity token
  });

  test('system-assigned-identity: useVMManagedIdentity without userAssignedIdentityID or clientID', () => {
    const parameters = parametersOf(manifestsOf('system-assigned-identity'), 'azure-kvname-system-msi');
    expect(parameters.useVMManagedIdentity).toBe('true');
    expect(parameters.userAssignedIdentityID).toBeUndefined();
    expect(parameters.clientID).toBeUndefined();
  });
});

describe('pod-identity', () => {
  test('usePodIdentity and the aadpodidbinding label on the pod', () => {
    const manifests = manifestsOf('pod-identity');
    expect(parametersOf(manifests, 'azure-kvname-podid').usePodIdentity).toBe('true');
    expect(only(manifests, 'Pod', 'busybox-secrets-store-inline-podid').metadata.labels.aadpodidbinding).toBe('demo');
  });
});

describe('secret sync', () => {
  /** The file each synced key comes from, checked against the files the class writes. */
  function syncedFiles(spc: any): Map<string, string> {
    const files = new Map<string, string>();
    for (const secret of spc.spec.secretObjects ?? []) {
      for (const d of secret.data) files.set(`${secret.secretName}/${d.key}`, d.objectName);
    }
    return files;
  }

  test('sync-secret: foosecret (Opaque, labelled) takes username from the file secretalias', () => {
    const manifests = manifestsOf('sync-secret');
    const spc = only(manifests, 'SecretProviderClass', 'azure-sync');
    expect(spc.spec.secretObjects).toEqual([{
      secretName: 'foosecret', type: 'Opaque', labels: { environment: 'test' }, data: [{ objectName: 'secretalias', key: 'username' }],
    }]);
    expect(parseObjects(spc).find(o => o.objectAlias === 'secretalias')).toMatchObject({ objectName: 'secret1', objectType: 'secret' });
    // The Secret exists only while a pod mounts the class.
    const pod = only(manifests, 'Pod', 'busybox-secrets-store-inline');
    expect(csiVolumesOf(pod).map(v => v.csi.volumeAttributes.secretProviderClass)).toEqual(['azure-sync']);
  });

  test('env-from-secret: SECRET_USERNAME reads a key the class syncs, and the same pod mounts the class', () => {
    const manifests = manifestsOf('env-from-secret');
    const deployment = only(manifests, 'Deployment', 'busybox-deployment');
    const env = podSpecOf(deployment).containers[0].env;
    expect(env).toEqual([{ name: 'SECRET_USERNAME', valueFrom: { secretKeyRef: { name: 'foosecret', key: 'username' } } }]);
    const spc = only(manifests, 'SecretProviderClass', 'azure-sync');
    expect(syncedFiles(spc).get('foosecret/username')).toBe('secretalias');
    expect(csiVolumesOf(deployment).map(v => v.csi.volumeAttributes.secretProviderClass)).toEqual(['azure-sync']);
  });

  test('ingress-tls: the Ingress terminates TLS with the synced kubernetes.io/tls Secret of the certificate', () => {
    const manifests = manifestsOf('ingress-tls');
    const spc = only(manifests, 'SecretProviderClass', 'azure-tls');
    const ingress = only(manifests, 'Ingress', 'ingress-tls');
    const tlsSecret = spc.spec.secretObjects.find((s: any) => s.type === 'kubernetes.io/tls');
    expect(ingress.spec.tls).toEqual([{ hosts: ['demo.test.com'], secretName: 'ingress-tls-csi' }]);
    expect(tlsSecret.secretName).toBe(ingress.spec.tls[0].secretName);
    expect(tlsSecret.data.map((d: any) => d.key).sort()).toEqual(['tls.crt', 'tls.key']);
    // Both keys come from the certificate read as a secret (the only object type with the private key).
    const objects = parseObjects(spc);
    for (const d of tlsSecret.data) {
      expect(objects.find(o => (o.objectAlias ?? o.objectName) === d.objectName)).toMatchObject({ objectName: 'ingresscert', objectType: 'secret' });
    }
    // A workload in the Ingress's namespace mounts the class, so the driver creates the Secret there.
    const mounting = workloadsOf(manifests).filter(w => csiVolumesOf(w).some(v => v.csi.volumeAttributes.secretProviderClass === 'azure-tls'));
    expect(mounting.map(w => w.metadata.namespace)).toEqual([ingress.metadata.namespace]);
    // The backend Service exists and selects that workload's pods.
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    const service = only(manifests, 'Service', backend.name);
    expect(service.spec.ports.map((p: any) => p.port)).toContain(backend.port.number);
    expect(mounting[0].spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });

  test('multiple-versions: objectVersionHistory is an integer and the sync names version 0 of the alias', () => {
    const manifests = manifestsOf('multiple-versions');
    const spc = only(manifests, 'SecretProviderClass', 'azure-sync');
    const objects = parseObjects(spc);
    expect(objects).toHaveLength(2);
    for (const object of objects) {
      expect(Number.isInteger(object.objectVersionHistory)).toBe(true); // quoted "5" fails the provider's int32 unmarshal
      expect(object.objectVersionHistory).toBe(5);
    }
    expect(spc.spec.parameters.objects).toMatch(/objectVersionHistory: 5\n/);
    const alias = objects.find(o => o.objectType === 'secret')!.objectAlias;
    expect(syncedFiles(spc).get('foosecret/username')).toBe(`${alias}/0`);
  });
});

describe('multi-cluster', () => {
  const CLUSTERS = ['aks-eastus', 'aks-southeastasia', 'aks-westeurope'];

  test('one YAML file per cluster, each with one ClusterRole for the same client ID', () => {
    expect([...outputs.get('multi-cluster')!.keys()]).toEqual([...CLUSTERS.map(c => `${c}.k8s.yaml`), 'azure.k8s.yaml'].sort());
    const clientIds = new Set<string>();
    for (const cluster of CLUSTERS) {
      const docs = fileOf('multi-cluster', `${cluster}.k8s.yaml`);
      const role = only(docs, 'ClusterRole');
      expect(role.rules[0].apiGroups).toEqual(['cid.wi.aks.azure.com']);
      expect(role.rules[0].resources).toHaveLength(1);
      clientIds.add(role.rules[0].resources[0]);
      expect(parametersOf(docs, 'azure-kvname-idb')).toMatchObject({ useAzureTokenProxy: 'true', clientID: role.rules[0].resources[0] });
      // The cluster's binding grants the ServiceAccount its workload runs as.
      const deployment = only(docs, 'Deployment');
      expect(only(docs, 'ClusterRoleBinding').subjects).toEqual([
        { kind: 'ServiceAccount', name: podSpecOf(deployment).serviceAccountName, namespace: deployment.metadata.namespace },
      ]);
    }
    expect([...clientIds]).toEqual([CLIENT_ID]);
  });
});

// The Azure side (AzureAccess): ASO kinds https://github.com/Azure/azure-service-operator/tree/e7c90009c74756734e3eeb2adf8368e066c12e31/v2/api,
// built-in role GUIDs https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security.
describe('the Azure side', () => {
  const SECRETS_USER = '/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6';
  const READER = '/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2';
  const PRINCIPAL_ID = '00000000-0000-0000-0000-000000000004';
  const RG = '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-demo/providers';
  const KV_READER = `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/kv-reader`;
  const ASO_GROUPS = ['authorization.azure.com/', 'containerservice.azure.com/', 'managedidentity.azure.com/'];

  const azureOf = (example: string) => fileOf(example, 'azure.k8s.yaml');
  const grantsOf = (docs: any[]) => ofKind(docs, 'RoleAssignment')
    .map(r => [r.spec.principalId, r.spec.owner.armId, r.spec.roleDefinitionReference.armId]).sort();
  const classClientIds = (example: string) => new Set(ofKind(manifestsOf(example), 'SecretProviderClass')
    .map(spc => spc.spec.parameters.clientID ?? spc.spec.parameters.userAssignedIdentityID));

  const WITH_AZURE_SIDE = ['azure-side', 'identity-binding', 'multi-cluster', 'workload-identity'];

  test('the examples with an Azure side', () => {
    expect(exampleNames().filter(n => outputs.get(n)!.has('azure.k8s.yaml'))).toEqual(WITH_AZURE_SIDE);
  });

  test.each(WITH_AZURE_SIDE)(
    '%s: every Azure object is in azure-access, annotated with the client ID of an identity a class uses', example => {
      const docs = azureOf(example);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(ASO_GROUPS.some(g => doc.apiVersion.startsWith(g)) || (doc.kind === 'ConfigMap' && doc.apiVersion === 'v1')).toBe(true);
        expect(doc.metadata.namespace).toBe('azure-access');
        expect(classClientIds(example).has(doc.metadata.annotations['keyvault-csi.cdk8s.io/client-id'])).toBe(true);
      }
    });

  test('identity-binding: Secrets User for secret1, Reader for key1, the binding to the cluster', () => {
    const docs = azureOf('identity-binding');
    const vault = `${RG}/Microsoft.KeyVault/vaults/kvname`;
    expect(grantsOf(docs)).toEqual([[PRINCIPAL_ID, vault, READER], [PRINCIPAL_ID, vault, SECRETS_USER]]);
    const binding = only(docs, 'IdentityBinding');
    expect(binding.spec.owner).toEqual({ armId: `${RG}/Microsoft.ContainerService/managedClusters/aks-demo` });
    expect(binding.spec.properties.managedIdentity.resourceReference).toEqual({ armId: KV_READER });
    expect(binding.spec.azureName).toMatch(/^[a-z][a-z0-9]{0,62}$/);
  });

  test('workload-identity: the credential of the pod\'s ServiceAccount, as FederatedCredentials.of(app) lists it', () => {
    const pod = only(manifestsOf('workload-identity'), 'Pod', 'busybox-secrets-store-inline-wi');
    const credential = only(azureOf('workload-identity'), 'FederatedIdentityCredential');
    expect(credential.spec).toMatchObject({
      owner: { armId: KV_READER },
      subject: `system:serviceaccount:${pod.metadata.namespace}:${pod.spec.serviceAccountName}`,
      audiences: ['api://AzureADTokenExchange'],
      issuer: expect.stringMatching(/^https:\/\//),
    });
    const listed = JSON.parse(fs.readFileSync(path.join(outputOf('workload-identity'), 'federated-credentials.json'), 'utf-8'));
    expect(listed[0].subjects).toEqual([credential.spec.subject]);
    expect(grantsOf(azureOf('workload-identity')).map(g => g[2]).sort()).toEqual([READER, SECRETS_USER].sort());
  });

  test('multi-cluster: one IdentityBinding per cluster, one role for the one secret', () => {
    const docs = azureOf('multi-cluster');
    expect(ofKind(docs, 'IdentityBinding').map(b => b.spec.owner.armId).sort())
      .toEqual(['aks-eastus', 'aks-southeastasia', 'aks-westeurope'].map(c => `${RG}/Microsoft.ContainerService/managedClusters/${c}`));
    expect(grantsOf(docs)).toEqual([[PRINCIPAL_ID, `${RG}/Microsoft.KeyVault/vaults/kvname`, SECRETS_USER]]);
  });

  describe('azure-side', () => {
    const RG_SHOP = '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-shop/providers';
    const SHOP_PRINCIPAL = '00000000-0000-0000-0000-000000000012';
    const REPORTS_PRINCIPAL = '00000000-0000-0000-0000-000000000022';
    const docs = () => azureOf('azure-side');

    test('the shop\'s identity: Secrets User (secret) and Reader (key, certificate) on kv-shop; nothing on the access-policy vault', () => {
      const vault = `${RG_SHOP}/Microsoft.KeyVault/vaults/kv-shop`;
      expect(grantsOf(docs())).toEqual([[SHOP_PRINCIPAL, vault, READER], [SHOP_PRINCIPAL, vault, SECRETS_USER]]);
    });

    test('kv-legacy: access-policy records for the reports identity, secrets and certificates', () => {
      expect(ofKind(docs(), 'ConfigMap').map(c => c.data)).toEqual(expect.arrayContaining([
        { vaultResourceId: `${RG_SHOP}/Microsoft.KeyVault/vaults/kv-legacy`, objectId: REPORTS_PRINCIPAL, secretPermissions: 'get list' },
        { vaultResourceId: `${RG_SHOP}/Microsoft.KeyVault/vaults/kv-legacy`, objectId: REPORTS_PRINCIPAL, certificatePermissions: 'get list' },
      ]));
      expect(ofKind(docs(), 'ConfigMap')).toHaveLength(2);
    });

    test('an IdentityBinding on each cluster, a credential for the CronJob\'s ServiceAccount on aks-eastus', () => {
      expect(ofKind(docs(), 'IdentityBinding').map(b => b.spec.owner.armId).sort())
        .toEqual(['aks-eastus', 'aks-westeurope'].map(c => `${RG_SHOP}/Microsoft.ContainerService/managedClusters/${c}`));
      const job = only(fileOf('azure-side', 'aks-eastus-reports.k8s.yaml'), 'CronJob');
      const credential = only(docs(), 'FederatedIdentityCredential');
      expect(credential.spec.subject).toBe(`system:serviceaccount:${job.metadata.namespace}:${podSpecOf(job).serviceAccountName}`);
      expect(credential.spec.owner.armId).toBe(`${RG_SHOP}/Microsoft.ManagedIdentity/userAssignedIdentities/reports`);
    });
  });
});
