/**
 * The two variants the benchmark compares. Both build N identity-binding workloads, spread over C
 * charts (one by default): a ServiceAccount, a cdk8s-plus Deployment and a SecretProviderClass
 * with five objects mounted into it, every ServiceAccount granted through one
 * ClusterRole/ClusterRoleBinding pair (in the first chart). Chart c holds workloads
 * c·N/C … (c+1)·N/C − 1, all in one namespace.
 *
 * - `library`: the constructs of this package.
 * - `hand`: the same manifests written by hand with cdk8s-plus-27 and raw `ApiObject`s.
 *
 * Both must synthesize byte-identical YAML (run.ts checks it), or the comparison means nothing.
 */
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass, ObjectEncoding, ObjectFormat } from '../src';

export type Variant = 'library' | 'hand';
export const VARIANTS: readonly Variant[] = ['library', 'hand'];

const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.29-4';
const NAMESPACE = 'bench';
const MOUNT_PATH = '/mnt/secrets-store';
const CSI_DRIVER = 'secrets-store.csi.k8s.io';

const vaultName = (i: number) => `kv-bench-${i % 100}`;
const workloadName = (i: number) => `workload-${i}`;
const className = (i: number) => `kv-${i}`;

/**
 * Builds the app (constructs only; nothing is synthesized yet): `n` workloads over `charts` charts
 * (`n` a multiple of `charts`). One chart is `bench`; several are `bench-0` … `bench-<C−1>`.
 */
export function build(variant: Variant, n: number, outdir?: string, charts = 1): App {
  if (!(charts >= 1 && n % charts === 0)) throw new Error(`${n} workloads cannot be spread evenly over ${charts} charts`);
  const app = new App({ outdir });
  const chartList = Array.from({ length: charts }, (_, c) =>
    new Chart(app, charts === 1 ? 'bench' : `bench-${c}`, { namespace: NAMESPACE, disableResourceNameHashes: true }));
  const chartOf = (i: number) => chartList[Math.floor(i / (n / charts))];
  if (variant === 'library') buildLibrary(chartList[0], chartOf, n);
  else buildHand(chartList[0], chartOf, n);
  return app;
}

function deployment(chart: Chart, i: number, serviceAccount: kplus.IServiceAccount): kplus.Deployment {
  return new kplus.Deployment(chart, `deploy-${i}`, {
    metadata: { name: workloadName(i) },
    serviceAccount,
    containers: [{ name: 'app', image: IMAGE, command: ['/bin/sleep', '10000'] }],
  });
}

function buildLibrary(first: Chart, chartOf: (i: number) => Chart, n: number): void {
  const binding = new AksIdentityBinding(first, 'mi', { clientId: CLIENT_ID });
  for (let i = 0; i < n; i++) {
    const chart = chartOf(i);
    const serviceAccount = binding.addServiceAccount(chart, `sa-${i}`, { metadata: { name: workloadName(i) } });
    const spc = new KeyVaultSecretProviderClass(chart, `spc-${i}`, {
      metadata: { name: className(i) },
      keyVaultName: vaultName(i),
      tenantId: TENANT_ID,
      identity: binding.identity,
      objects: [
        KeyVaultObject.secret('db-password'),
        KeyVaultObject.secret('tls-cert', { alias: 'tls/cert.pfx', format: ObjectFormat.PFX, encoding: ObjectEncoding.BASE64 }),
        KeyVaultObject.key('signing-key', { alias: 'keys/signing.pem' }),
        KeyVaultObject.certificate('ca', { version: '0123456789abcdef0123456789abcdef' }),
      ],
    });
    spc.addObject(KeyVaultObject.secret('api-token', { versionHistory: 3, filePermission: '0444' })); // readable by the non-root container
    spc.mount(deployment(chart, i, serviceAccount)); // grants the ServiceAccount again: de-duplicated
  }
}

/** The `objects` parameter written by hand, as a provider README would show it. */
const HAND_OBJECTS = [
  'array:',
  '  - |',
  '    objectName: db-password',
  '    objectType: secret',
  '  - |',
  '    objectName: tls-cert',
  '    objectAlias: tls/cert.pfx',
  '    objectType: secret',
  '    objectFormat: pfx',
  '    objectEncoding: base64',
  '  - |',
  '    objectName: signing-key',
  '    objectAlias: keys/signing.pem',
  '    objectType: key',
  '  - |',
  '    objectName: ca',
  '    objectType: cert',
  '    objectVersion: "0123456789abcdef0123456789abcdef"',
  '  - |',
  '    objectName: api-token',
  '    objectType: secret',
  '    objectVersionHistory: 3',
  '    filePermission: "0444"',
  '',
].join('\n');

function buildHand(first: Chart, chartOf: (i: number) => Chart, n: number): void {
  const roleName = `use-mi-${CLIENT_ID}-${NAMESPACE}`; // one ClusterRole/Binding pair per granted namespace
  const subjects: { kind: string; name: string; namespace: string }[] = [];
  const mi = new Construct(first, 'mi');
  const clusterScoped = [
    new ApiObject(mi, 'ClusterRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: roleName },
      rules: [{ apiGroups: ['cid.wi.aks.azure.com'], resources: [CLIENT_ID], verbs: ['use-managed-identity'] }],
    }),
    new ApiObject(mi, 'ClusterRoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: roleName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects,
    }),
  ];
  for (const o of clusterScoped) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

  for (let i = 0; i < n; i++) {
    const chart = chartOf(i);
    const serviceAccount = new kplus.ServiceAccount(chart, `sa-${i}`, {
      metadata: { name: workloadName(i), annotations: { 'azure.workload.identity/client-id': CLIENT_ID } },
    });
    subjects.push({ kind: 'ServiceAccount', name: workloadName(i), namespace: NAMESPACE });
    new ApiObject(new Construct(chart, `spc-${i}`), 'Resource', {
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: className(i) },
      spec: {
        provider: 'azure',
        parameters: {
          keyvaultName: vaultName(i),
          tenantID: TENANT_ID,
          useAzureTokenProxy: 'true',
          clientID: CLIENT_ID,
          objects: HAND_OBJECTS,
        },
      },
    });
    // What mount() writes: the CSI volume and the read-only mount, appended to the pod template.
    ApiObject.of(deployment(chart, i, serviceAccount)).addJsonPatch(
      JsonPatch.add('/spec/template/spec/volumes', [{
        csi: { driver: CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: className(i) } },
        name: className(i),
      }]),
      JsonPatch.add('/spec/template/spec/containers/0/volumeMounts', [{ mountPath: MOUNT_PATH, name: className(i), readOnly: true }]),
    );
  }
}
