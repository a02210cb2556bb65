import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, JsonPatch, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, AzureCloud, AzureKeyVaultProvider, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, ObjectEncoding,
  ObjectFormat, SyncedSecretType,
} from '../../src';
import { errorOf, expectProblem, only, parseObjects, synth } from '../util';

// Facts: the provider's parameters (https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/types/parameters.go,
// https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/auth/auth.go), the driver's SecretProviderClass type
// (https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/0aad886f70e94a6037325f4eaba4660338dde448/apis/v1/secretproviderclass_types.go) and the identity-binding
// mode (https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/website/content/en/configurations/identity-access-modes/identity-binding-mode.md).

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

/** Kubernetes' DNS-1123 subdomain (k8s.io/apimachinery validation.IsDNS1123Subdomain). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function namespacedChart(namespace = 'demo') {
  return new Chart(Testing.app(), 'kv', { namespace });
}

/** A class at path "kv/spc" with a VM identity (which needs nothing from pods). */
function newClass(chart: Chart, props: Partial<ConstructorParameters<typeof KeyVaultSecretProviderClass>[2]> = {}) {
  return new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'azure-kv' },
    keyVaultName: 'kv-demo',
    tenantId: TENANT_ID,
    identity: KeyVaultIdentity.vmManagedIdentity(),
    objects: [KeyVaultObject.secret('secret1')],
    ...props,
  });
}

describe('KeyVaultSecretProviderClass', () => {
  test('renders the provider docs\' identity-binding SecretProviderClass', () => {
    // GIVEN the identity-binding scenario of the provider docs (identity-binding-mode.md, cited above)
    const chart = namespacedChart();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });

    // WHEN
    new KeyVaultSecretProviderClass(chart, 'spc', {
      metadata: { name: 'azure-kvname-idb' },
      keyVaultName: 'kvname',
      tenantId: TENANT_ID,
      identity: binding.identity,
      objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
    });

    // THEN: the SecretProviderClass of identity-binding-mode.md
    const manifests = synth(chart);
    const spc = only(manifests, 'SecretProviderClass');
    expect(spc.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1'); // the storage version, not deprecated v1alpha1
    expect(spc.metadata).toEqual({ name: 'azure-kvname-idb', namespace: 'demo' });
    expect(spc.spec.provider).toBe('azure');
    expect(spc.spec.parameters).toEqual({
      keyvaultName: 'kvname',
      tenantID: TENANT_ID,
      useAzureTokenProxy: 'true',
      clientID: CLIENT_ID,
      objects: expect.any(String),
    });
    expect(spc.spec.parameters).not.toHaveProperty('tenantId'); // deprecated alias
    expect(parseObjects(spc)).toEqual([
      { objectName: 'secret1', objectType: 'secret' },
      { objectName: 'key1', objectType: 'key' },
    ]);
    expect(spc.spec).not.toHaveProperty('secretObjects');
    expect(manifests).toMatchSnapshot();
  });

  test('every parameter value is a string (the CRD\'s parameters are a string map)', () => {
    const chart = namespacedChart();
    newClass(chart, {
      identity: KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: CLIENT_ID }),
      cloud: AzureCloud.stack({ environmentFile: '/etc/kubernetes/custom_environment.json' }),
      objects: [KeyVaultObject.secret('s', { versionHistory: 3, filePermission: '0440' })],
    });
    const parameters = only(synth(chart), 'SecretProviderClass').spec.parameters;
    expect(Object.values(parameters).map(v => typeof v)).toEqual(Object.values(parameters).map(() => 'string'));
  });

  test('defaults metadata.name to a DNS-1123 name from the construct path, in the chart\'s namespace', () => {
    const chart = namespacedChart();
    const spc = new KeyVaultSecretProviderClass(chart, 'My.Class', {
      keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.vmManagedIdentity(), objects: [KeyVaultObject.secret('s')],
    });
    const manifest = only(synth(chart), 'SecretProviderClass');
    expect(manifest.metadata.name).toMatch(DNS1123_SUBDOMAIN);
    expect(spc.name).toBe(manifest.metadata.name);
    expect(spc.namespace).toBe('demo');
    expect(manifest.metadata.namespace).toBe('demo');
  });

  test('keeps metadata labels, annotations and an explicit namespace', () => {
    const chart = namespacedChart();
    const spc = newClass(chart, { metadata: { name: 'azure-kv', namespace: 'team-a', labels: { app: 'web' }, annotations: { owner: 'team-a' } } });
    const manifest = only(synth(chart), 'SecretProviderClass');
    expect(manifest.metadata).toEqual({ name: 'azure-kv', namespace: 'team-a', labels: { app: 'web' }, annotations: { owner: 'team-a' } });
    expect(spc.namespace).toBe('team-a');
  });

  test('exposes the vault, tenant, identity and cloud', () => {
    const identity = KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID });
    const spc = newClass(namespacedChart(), { identity, cloud: AzureCloud.CHINA });
    expect(spc.keyVaultName).toBe('kv-demo');
    expect(spc.tenantId).toBe(TENANT_ID);
    expect(spc.identity).toBe(identity);
    expect(spc.cloud).toBe(AzureCloud.CHINA);
    expect(newClass(namespacedChart()).cloud).toBe(AzureCloud.PUBLIC);
  });

  test('addObject() appends objects after construction, in order', () => {
    const chart = namespacedChart();
    const spc = newClass(chart, { objects: [KeyVaultObject.secret('a')] });
    spc.addObject(KeyVaultObject.key('b'), KeyVaultObject.certificate('c'));
    expect(parseObjects(only(synth(chart), 'SecretProviderClass')).map(o => o.objectName)).toEqual(['a', 'b', 'c']);
    expect(spc.objects.map(o => o.objectName)).toEqual(['a', 'b', 'c']);
  });

  test('objects may come only from addObject()', () => {
    const chart = namespacedChart();
    const spc = newClass(chart, { objects: undefined });
    spc.addObject(KeyVaultObject.secret('late'));
    expect(parseObjects(only(synth(chart), 'SecretProviderClass'))).toEqual([{ objectName: 'late', objectType: 'secret' }]);
  });

  test('objects and syncedSecrets are copies', () => {
    const chart = namespacedChart();
    const spc = newClass(chart);
    spc.objects.push(KeyVaultObject.secret('sneaky'));
    spc.syncedSecrets.push(undefined as any);
    expect(spc.objects).toHaveLength(1);
    expect(spc.syncedSecrets).toHaveLength(0);
    expect(parseObjects(only(synth(chart), 'SecretProviderClass'))).toHaveLength(1);
  });

  test('apiObject is the SecretProviderClass L1 (escape hatch)', () => {
    const chart = namespacedChart();
    const spc = newClass(chart);
    expect(spc.apiObject.kind).toBe('SecretProviderClass');
    spc.apiObject.addJsonPatch(JsonPatch.add('/spec/parameters/cloudName', 'AzureUSGovernmentCloud'));
    expect(only(synth(chart), 'SecretProviderClass').spec.parameters.cloudName).toBe('AzureUSGovernmentCloud');
  });

  describe('keyVaultName', () => {
    const RULE = /3-24 characters \(letters, digits, hyphens\), starts with a letter, ends with a letter or digit and has no consecutive hyphens/;
    const FIX = /vault\.azure\.net/;

    test.each(['kv1', 'a'.repeat(24), 'My-Vault-01', 'k-v'])('accepts %j', (name) => {
      expect(only(synth((() => { const c = namespacedChart(); newClass(c, { keyVaultName: name }); return c; })()), 'SecretProviderClass')
        .spec.parameters.keyvaultName).toBe(name);
    });

    test.each([
      ['too short', 'kv'],
      ['too long', 'a'.repeat(25)],
      ['with a bad character', 'kv_demo'],
      ['with a dot', 'kv.demo'],
      ['starting with a digit', '1kv'],
      ['ending with a hyphen', 'kv-'],
      ['containing "--"', 'kv--demo'],
      ['empty', ''],
    ])('fails %s (%j)', (_case, name) => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { keyVaultName: name })), { path: 'kv/spc', field: 'keyVaultName', value: name, rule: RULE, fix: FIX });
    });
  });

  describe('tenantId', () => {
    test.each(['72f988bf86f141af91ab2d7cd011db47', '{72f988bf-86f1-41af-91ab-2d7cd011db47}', '', 'contoso'])('fails with the tenant %j (not a GUID or domain)', (tenantId) => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { tenantId })), {
        path: 'kv/spc', field: 'tenantId', value: tenantId, rule: /must be a GUID or a verified domain name/, fix: /az account show --query tenantId/,
      });
    });

    test.each(['tid', '<tenant id>', '${TENANT_ID}', '$TENANT_ID'])('fails with the placeholder tenant %j', (tenantId) => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { tenantId })), {
        path: 'kv/spc', field: 'tenantId', value: tenantId, rule: /looks like a placeholder/, fix: /az account show --query tenantId/,
      });
    });

    test.each(['contoso.onmicrosoft.com', 'contoso.com'])('accepts the verified domain %j (Entra takes it as the authority)', (tenantId) => {
      const spc = newClass(namespacedChart(), { tenantId });
      expect(only(synth(spc.node.scope as Chart), 'SecretProviderClass').spec.parameters.tenantID).toBe(tenantId);
    });

    test('fails with "adfs" outside Azure Stack', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { tenantId: 'adfs' })), {
        path: 'kv/spc', field: 'tenantId', value: 'adfs', rule: /"adfs" is only valid with AzureCloud\.stack/, fix: /tenant/,
      });
    });

    test('accepts "adfs" with AzureCloud.stack and upper-case GUIDs', () => {
      expect(() => newClass(namespacedChart(), { tenantId: 'adfs', cloud: AzureCloud.stack({ environmentFile: '/etc/azure.json' }) })).not.toThrow();
      expect(() => newClass(namespacedChart(), { tenantId: TENANT_ID.toUpperCase() })).not.toThrow();
    });
  });

  test.each([
    ['an underscore', 'Azure_KV'], ['upper case', 'AzureKV'], ['a leading hyphen', '-kv'], ['a trailing dot', 'kv.'], ['254 characters', 'a'.repeat(254)],
  ])('fails with a metadata.name with %s (not a DNS-1123 subdomain)', (_case, name) => {
    expectProblem(errorOf(() => newClass(namespacedChart(), { metadata: { name } })), {
      path: 'kv/spc', field: 'metadata.name', value: name, rule: /DNS-1123 subdomain/, fix: /"app-secrets"/,
    });
  });

  describe('at least one object', () => {
    test('fails at synth with no objects', () => {
      // GIVEN a class with no objects (the provider would mount an empty directory)
      const chart = namespacedChart();
      newClass(chart, { objects: [] });

      // THEN
      const message = errorOf(() => Testing.synth(chart));
      expect(message).toMatch(/^Validation failed/);
      expectProblem(message, { path: 'kv/spc', field: 'objects', value: [], rule: /at least one object/, fix: /addObject\(KeyVaultObject\.secret/ });
    });

    test('fails App.synth() with no objects, and writes no manifest', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-synth-'));
      try {
        // GIVEN a valid chart and an invalid one
        const app = new App({ outdir });
        newClass(new Chart(app, 'good', { namespace: 'good' }));
        newClass(new Chart(app, 'kv', { namespace: 'demo' }), { objects: [] });

        // WHEN / THEN
        expectProblem(errorOf(() => app.synth()), { path: 'kv/spc', field: 'objects', value: [], rule: /at least one object/, fix: /addObject/ });
        const written = fs.existsSync(outdir) ? fs.readdirSync(outdir, { recursive: true }).map(String) : [];
        expect(written.filter(f => /\.ya?ml$/.test(f))).toEqual([]);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });

    test('App.synth() of a valid app writes its manifests (the check above can see files)', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-synth-'));
      try {
        const app = new App({ outdir });
        newClass(new Chart(app, 'good', { namespace: 'demo' }));
        app.synth();
        expect(fs.readdirSync(outdir).filter(f => /\.ya?ml$/.test(f))).toEqual(['good.k8s.yaml']);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });
  });

  describe('the provider\'s --write-cert-and-key-in-separate-files (AzureKeyVaultProvider writeCertAndKeyInSeparateFiles)', () => {
    /** A chart whose cluster runs a provider that writes <file>.crt and <file>.key for certificate-backed secrets. */
    function splittingChart() {
      const chart = namespacedChart();
      new AzureKeyVaultProvider(chart, 'provider', { writeCertAndKeyInSeparateFiles: true });
      return chart;
    }

    test('fails at synth when another object writes a secret\'s .crt file', () => {
      const chart = splittingChart();
      newClass(chart, { objects: [KeyVaultObject.secret('tls'), KeyVaultObject.certificate('ca', { alias: 'tls.crt' })] });
      expectProblem(errorOf(() => Testing.synth(chart)), {
        path: 'kv/spc',
        object: 'SecretProviderClass demo/azure-kv',
        field: 'spec.parameters.objects[1].objectAlias',
        value: 'tls.crt',
        rule: /clashes with "tls\.crt" \(its \.crt file, as the provider writes with --write-cert-and-key-in-separate-files\) written by secret "tls"/,
        fix: /distinct `alias`/,
      });
    });

    test('without the flag in the cluster, the same objects synthesize', () => {
      const chart = namespacedChart();
      newClass(chart, { objects: [KeyVaultObject.secret('tls'), KeyVaultObject.certificate('ca', { alias: 'tls.crt' })] });
      expect(() => Testing.synth(chart)).not.toThrow();
    });

    test('the split files can be synced: tls.crt from <file>.crt, tls.key from <file>.key', () => {
      const chart = splittingChart();
      const spc = newClass(chart, { objects: [KeyVaultObject.secret('ingress', { alias: 'tls' })] });
      spc.syncSecret({ secretName: 'ingress-tls', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: 'tls.crt' }, { key: 'tls.key', objectName: 'tls.key' }] });
      expect(only(synth(chart), 'SecretProviderClass').spec.secretObjects[0].data).toEqual([{ objectName: 'tls.crt', key: 'tls.crt' }, { objectName: 'tls.key', key: 'tls.key' }]);
    });

    test('syncing a split file fails without the flag, listing the files the class writes', () => {
      const chart = namespacedChart();
      const spc = newClass(chart, { objects: [KeyVaultObject.secret('ingress', { alias: 'tls' })] });
      spc.syncSecret({ secretName: 'ingress-tls', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: 'tls.crt' }, { key: 'tls.key', objectName: 'tls' }] });
      expectProblem(errorOf(() => Testing.synth(chart)), {
        path: 'kv/spc', object: 'SecretProviderClass demo/azure-kv', field: 'spec.secretObjects[0].data[0].objectName', value: 'tls.crt', rule: /the class writes no such file \(files: tls\)/, fix: /alias or name/,
      });
    });

    test('a provider in another cluster does not count', () => {
      const chart = namespacedChart();
      chart.node.setContext('cdk8s-azure-keyvault-csi/cluster', 'west');
      const north = new Chart(chart.node.root as App, 'north-install');
      north.node.setContext('cdk8s-azure-keyvault-csi/cluster', 'north');
      new AzureKeyVaultProvider(north, 'provider', { writeCertAndKeyInSeparateFiles: true });
      newClass(chart, { objects: [KeyVaultObject.secret('tls'), KeyVaultObject.certificate('ca', { alias: 'tls.crt' })] });
      expect(() => Testing.synth(chart)).not.toThrow();
    });
  });

  describe('one name per namespace and cluster', () => {
    test('fails with a second class of the same name and namespace in another chart, naming both', () => {
      const app = Testing.app();
      newClass(new Chart(app, 'first', { namespace: 'demo' }));
      expectProblem(errorOf(() => newClass(new Chart(app, 'kv', { namespace: 'demo' }))), {
        path: 'kv/spc',
        field: 'metadata.name',
        value: 'azure-kv',
        rule: /first\/spc already defines the SecretProviderClass "azure-kv" in namespace "demo"; applying both, one replaces the other/,
        fix: /another `metadata.name` or namespace/,
      });
    });

    test('fails with a second class of the same name in the same chart under another id', () => {
      const chart = namespacedChart();
      newClass(chart);
      expectProblem(errorOf(() => new KeyVaultSecretProviderClass(chart, 'other', {
        metadata: { name: 'azure-kv' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.vmManagedIdentity(), objects: [KeyVaultObject.secret('s')],
      })), { path: 'kv/other', field: 'metadata.name', value: 'azure-kv', rule: /kv\/spc already defines/, fix: /metadata.name/ });
    });

    test('the same name in other namespaces or other clusters is fine', () => {
      const app = Testing.app();
      newClass(new Chart(app, 'a', { namespace: 'demo' }));
      newClass(new Chart(app, 'b', { namespace: 'other' }));
      const west = new Chart(app, 'c', { namespace: 'demo' });
      west.node.setContext('cdk8s-azure-keyvault-csi/cluster', 'west');
      expect(() => newClass(west)).not.toThrow();
    });
  });

  describe('unique file names', () => {
    const FIX = /distinct `alias`/;

    test('accepts distinct files, including siblings in one directory', () => {
      expect(() => newClass(namespacedChart(), {
        objects: [
          KeyVaultObject.secret('a', { alias: 'db/a' }), KeyVaultObject.secret('b', { alias: 'db/b' }),
          KeyVaultObject.key('a'), KeyVaultObject.certificate('c', { versionHistory: 3 }), KeyVaultObject.secret('c', { alias: 'c-secret' }),
        ],
      })).not.toThrow();
    });

    test('fails with two objects of the same name and no alias', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.secret('tls'), KeyVaultObject.certificate('tls')] })), {
        path: 'kv/spc', field: 'objects[1].objectName', value: 'tls', rule: /the file "tls" clashes with "tls" written by secret "tls"/, fix: FIX,
      });
    });

    test('fails with an exact duplicate, suggesting to remove it', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.secret('tls', { format: ObjectFormat.PEM }), KeyVaultObject.secret('tls', { format: ObjectFormat.PEM })] })), {
        path: 'kv/spc', field: 'objects[1].objectName', value: 'tls', rule: /written by secret "tls" \(objects\[0\]\), an exact duplicate/, fix: /^remove the duplicate entry/,
      });
    });

    test('fails with an alias equal to another object\'s name', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.secret('a'), KeyVaultObject.key('b', { alias: 'a' })] })), {
        path: 'kv/spc', field: 'objects[1].alias', value: 'a', rule: /clashes with "a" written by secret "a"/, fix: FIX,
      });
    });

    test('fails with a clash introduced by a later addObject()', () => {
      const spc = newClass(namespacedChart(), { objects: [KeyVaultObject.secret('a', { alias: 'db/password' })] });
      spc.addObject(KeyVaultObject.secret('b'));
      expectProblem(errorOf(() => spc.addObject(KeyVaultObject.key('c', { alias: 'db/password' }))), {
        path: 'kv/spc', field: 'objects[2].alias', value: 'db/password', rule: /clashes with "db\/password" written by secret "a"/, fix: FIX,
      });
    });

    test('fails with a file inside another object\'s version directory (a with versionHistory 3, then alias a/1)', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.secret('a', { versionHistory: 3 }), KeyVaultObject.secret('b', { alias: 'a/1' })] })), {
        path: 'kv/spc', field: 'objects[1].alias', value: 'a/1', rule: /clashes with "a" \(a version directory\) written by secret "a"/, fix: FIX,
      });
    });

    test('fails with a version directory over an existing file (alias a/1, then a with versionHistory 3)', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.secret('b', { alias: 'a/1' }), KeyVaultObject.secret('a', { versionHistory: 3 })] })), {
        path: 'kv/spc', field: 'objects[1].objectName', value: 'a', rule: /the file "a" \(a version directory\) clashes with "a\/1" written by secret "b"/, fix: FIX,
      });
    });

    test('fails with a file under a plain file (a, then alias a/b)', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.secret('a'), KeyVaultObject.key('b', { alias: 'a/b' })] })), {
        path: 'kv/spc', field: 'objects[1].alias', value: 'a/b', rule: /clashes with "a" written by secret "a"/, fix: FIX,
      });
    });

    test('fails with a plain file over a directory (alias a/b, then a)', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.key('b', { alias: 'a/b' }), KeyVaultObject.secret('a')] })), {
        path: 'kv/spc', field: 'objects[1].objectName', value: 'a', rule: /clashes with "a\/b" written by key "b"/, fix: FIX,
      });
    });

    test('fails with a deep clash (alias x/y/z under alias x/y)', () => {
      expectProblem(errorOf(() => newClass(namespacedChart(), { objects: [KeyVaultObject.key('k', { alias: 'x/y' }), KeyVaultObject.secret('s', { alias: 'x/y/z' })] })), {
        path: 'kv/spc', field: 'objects[1].alias', value: 'x/y/z', rule: /clashes with "x\/y" written by key "k"/, fix: FIX,
      });
    });
  });
});

describe('determinism', () => {
  /** An app using every feature, built the same way each time. */
  function buildApp(): App {
    const app = Testing.app();
    const chart = new Chart(app, 'kv', { namespace: 'demo' });
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
      keyVaultName: 'kv-demo',
      tenantId: TENANT_ID,
      identity: binding.identity,
      cloud: AzureCloud.US_GOVERNMENT,
      objects: [
        KeyVaultObject.secret('db', { alias: 'db/password', versionHistory: 2, filePermission: '0444' }), // readable by non-root pods
        KeyVaultObject.secret('tls', { format: ObjectFormat.PEM, encoding: ObjectEncoding.UTF8 }),
        KeyVaultObject.key('signing'), KeyVaultObject.certificate('ca'),
      ],
    });
    const tls = spc.syncSecret({ secretName: 'tls', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: 'tls' }, { key: 'tls.key', objectName: 'tls' }] });
    const db = spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'db/password/0' }], labels: { app: 'web' } });
    for (const name of ['web', 'api']) {
      const deployment = new kplus.Deployment(chart, name, {
        serviceAccount: binding.addServiceAccount(chart, `${name}-sa`, { metadata: { name } }),
        containers: [{ image: name, envVariables: { PASSWORD: db.envValue('password') } }],
      });
      spc.mount(deployment);
    }
    const raw = new kplus.k8s.KubePod(chart, 'raw', {
      spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'app' }] },
    });
    spc.mount(raw);
    expect(tls.secretName).toBe('tls');
    return app;
  }

  test('two synths of the same app are byte-identical', () => {
    const app = buildApp();
    const first = app.synthYaml();
    expect(app.synthYaml()).toBe(first);
    expect(Yaml.stringify(...synth(app.charts[0]))).toBe(first);
  });

  test('two apps built the same way synthesize byte-identical YAML', () => {
    expect(buildApp().synthYaml()).toBe(buildApp().synthYaml());
  });
});
