import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  AksIdentityBinding, AzureAccess, AzureKeyVaultProvider, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';
import * as errors from '../../src/app/errors';
import { errorOf, ofKind, only, synth } from '../util';

// cdk8s validates the whole app before it writes anything and again for every chart it writes; the
// library's checks run once per change, in the root's validation (AppRegistry.addValidation). These tests
// synthesize an app, change it in every way the library offers, and synthesize it again: the second
// synth must see the change. The first synth of each test is clean, so a stale answer would pass.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const OTHER_CLIENT_ID = '99999999-8888-7777-6666-555555555555';

function deployment(chart: Construct, id: string, serviceAccount?: kplus.IServiceAccount) {
  return new kplus.Deployment(chart, id, {
    metadata: { name: id },
    serviceAccount,
    containers: [{ name: 'app', image: 'busybox', securityContext: { user: 1000 } }],
  });
}

function bindingApp() {
  const chart = new Chart(Testing.app(), 'kv', { namespace: 'demo' });
  const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
  const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: binding.identity, objects: [KeyVaultObject.secret('s1')],
  });
  const web = deployment(chart, 'web', binding.addServiceAccount(chart, 'sa', { metadata: { name: 'web' } }));
  spc.mount(web);
  return { chart, binding, spc, web };
}

describe('a change between two synths is seen by the second', () => {
  test('a JSON patch on a class', () => {
    const { chart, spc } = bindingApp();
    synth(chart);
    spc.apiObject.addJsonPatch(JsonPatch.move('/spec/parameters/clientID', '/spec/parameters/clientId'));
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/spc\] \[SecretProviderClass demo\/app\] spec\.parameters\.clientId ".*" is invalid: the provider reads parameter names case-sensitively/);
  });

  test('a synced Secret used after the first synth, by a class no workload mounts', () => {
    const chart = new Chart(Testing.app(), 'kv', { namespace: 'demo' });
    const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
      metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.vmManagedIdentity(), objects: [KeyVaultObject.secret('s1')],
    });
    const synced = spc.syncSecret({ secretName: 'app-env', type: 'Opaque' as any, data: [{ objectName: 's1', key: 'password' }] });
    expect(only(synth(chart), 'SecretProviderClass').spec.secretObjects[0].secretName).toBe('app-env');
    void synced.secret; // used now, and never mounted
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/spc\] secretObjects\[0\]\.secretName "app-env" is invalid: .*no workload mounts the class "app"/);
  });

  test('an env value read, after the first synth, by a workload in another namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'kv', { namespace: 'demo' });
    const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
      metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.vmManagedIdentity(), objects: [KeyVaultObject.secret('s1')],
    });
    const synced = spc.syncSecret({ secretName: 'app-env', type: 'Opaque' as any, data: [{ objectName: 's1', key: 'password' }] });
    const web = deployment(chart, 'web');
    spc.mount(web);
    web.containers[0].env.addVariable('PASSWORD', synced.envValue('password'));
    synth(chart);
    const other = deployment(new Chart(app, 'other', { namespace: 'other' }), 'reader');
    other.containers[0].env.addVariable('PASSWORD', synced.envValue('password'));
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/spc\] secretObjects\[0\]\.secretName "app-env" is invalid: other\/reader \(namespace "other"\) reads it through envValue\(\)/);
  });

  test('a workload granted in a new namespace: its RBAC pair is written, and checked', () => {
    const { chart, binding } = bindingApp();
    expect(ofKind(synth(chart), 'ClusterRoleBinding')).toHaveLength(1);
    const team = new Chart(chart.node.root as App, 'team', { namespace: 'team' });
    new KeyVaultSecretProviderClass(team, 'spc', {
      metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: binding.identity, objects: [KeyVaultObject.secret('s1')],
    }).mount(deployment(team, 'web', binding.addServiceAccount(team, 'sa', { metadata: { name: 'worker' } })));
    expect(only(synth(chart), 'ClusterRoleBinding', `use-mi-${CLIENT_ID}-team`).subjects).toEqual([{ kind: 'ServiceAccount', name: 'worker', namespace: 'team' }]);
    // The new pair is checked as rendered: a patch on it before the next synth is caught.
    binding.clusterRoles[1].addJsonPatch(JsonPatch.replace('/rules/0/resources/0', OTHER_CLIENT_ID));
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[team\/web\] \[Deployment team\/web\] spec\.template\.spec\.serviceAccountName "worker" is invalid: class team\/app uses identity binding/);
  });

  test('a mount added after the first synth: the federated credential budget counts it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'kv', { namespace: 'demo' });
    const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
      metadata: { name: 'app' },
      keyVaultName: 'kv-demo',
      tenantId: TENANT_ID,
      identity: KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }),
      objects: [KeyVaultObject.secret('s1')],
    });
    const mountWith = (i: number) => spc.mount(deployment(chart, `web-${i}`, new kplus.ServiceAccount(chart, `sa-${i}`, { metadata: { name: `sa-${i}` } })));
    for (let i = 0; i < 20; i++) mountWith(i);
    synth(chart); // 20 subjects: Entra ID's limit, met
    mountWith(20);
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/spc\] identity\.clientId "11111111-2222-3333-4444-555555555555" is invalid: workload identity needs one federated identity credential .*: 21 here/);
  });

  test('a mount added after the first synth is applied, and its problems reported', () => {
    const { chart, spc } = bindingApp();
    synth(chart);
    const late = deployment(chart, 'late');
    spc.mount(late, { containerNames: ['nope'] });
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/late\] containerNames "nope" is invalid/);
  });

  test('an identity-binding class added next to an old provider', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'kv', { namespace: 'demo' });
    new AzureKeyVaultProvider(chart, 'provider', { version: 'v1.7.2' });
    new KeyVaultSecretProviderClass(chart, 'vm', {
      metadata: { name: 'vm' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.vmManagedIdentity(), objects: [KeyVaultObject.secret('s1')],
    });
    synth(chart);
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    new KeyVaultSecretProviderClass(chart, 'bound', {
      metadata: { name: 'bound' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: binding.identity, objects: [KeyVaultObject.secret('s1')],
    });
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/provider\] version "v1\.7\.2" is invalid: identity binding \(useAzureTokenProxy\) needs provider v1\.8\.1 or later/);
  });

  test('a class that syncs added after the first synth: the driver writes the sync RBAC', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'kv', { namespace: 'demo' });
    new SecretsStoreCsiDriver(chart, 'driver');
    const syncRoles = (manifests: any[]) => ofKind(manifests, 'ClusterRole').filter(r => JSON.stringify(r.rules).includes('"secrets"') && JSON.stringify(r.rules).includes('"create"'));
    expect(syncRoles(synth(chart))).toHaveLength(0);
    const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
      metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.vmManagedIdentity(), objects: [KeyVaultObject.secret('s1')],
    });
    spc.syncSecret({ secretName: 'app-env', type: 'Opaque' as any, data: [{ objectName: 's1', key: 'password' }] });
    expect(syncRoles(synth(chart))).toHaveLength(1);
  });

  test('a class of an identity AzureAccess does not know, added after the first synth', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'kv', { namespace: 'demo' });
    const rg = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers';
    new AzureAccess(new Chart(app, 'azure'), 'access', {
      namespace: 'azure-access',
      identities: [{ clientId: CLIENT_ID, principalId: 'aaaaaaaa-1111-1111-1111-111111111111', resourceId: `${rg}/Microsoft.ManagedIdentity/userAssignedIdentities/mi` }],
      vaults: [{ resourceId: `${rg}/Microsoft.KeyVault/vaults/kv-demo` }],
      clusters: [{ resourceId: `${rg}/Microsoft.ContainerService/managedClusters/aks` }],
    });
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    new KeyVaultSecretProviderClass(chart, 'spc', {
      metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: binding.identity, objects: [KeyVaultObject.secret('s1')],
    });
    expect(() => Testing.synth(chart)).not.toThrow();
    new KeyVaultSecretProviderClass(chart, 'other', {
      metadata: { name: 'other' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.workloadIdentity({ clientId: OTHER_CLIENT_ID }), objects: [KeyVaultObject.secret('s1')],
    });
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[azure\/access\] .*99999999-8888-7777-6666-555555555555/);
  });
});

describe('every object is resolved once per synth', () => {
  // Mounts read each workload's final manifest and the rendered check reads every library object;
  // what they read is what cdk8s writes, so nothing is resolved twice (bench/ measures the cost).
  test.each(['synth', 'synthYaml'] as const)('app.%s() of several charts: each ApiObject resolved once', method => {
    const app = Testing.app();
    const binding = new AksIdentityBinding(new Chart(app, 'identity', { namespace: 'demo' }), 'mi', { clientId: CLIENT_ID });
    for (let i = 0; i < 3; i++) {
      const chart = new Chart(app, `team-${i}`, { namespace: 'demo' });
      new KeyVaultSecretProviderClass(chart, 'spc', {
        metadata: { name: `app-${i}` }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: binding.identity, objects: [KeyVaultObject.secret('s1')],
      }).mount(deployment(chart, 'web', binding.addServiceAccount(chart, 'sa', { metadata: { name: `web-${i}` } })));
    }
    const resolved = jest.spyOn(ApiObject.prototype, 'toJson');
    try {
      app[method]();
      const counts = new Map<unknown, number>();
      for (const object of resolved.mock.contexts) counts.set(object, (counts.get(object) ?? 0) + 1);
      const objects = app.node.findAll().filter(c => c instanceof ApiObject);
      expect(objects.length).toBeGreaterThan(9); // per chart a class, a Deployment and a ServiceAccount; the RBAC pair
      expect(objects.map(o => [o.node.path, counts.get(o)])).toEqual(objects.map(o => [o.node.path, 1]));
    } finally {
      resolved.mockRestore();
    }
  });
});

describe('what one synth rendered is written by that synth only', () => {
  // Mounts and the rendered check render objects in the app's first validation and hand that
  // manifest to cdk8s's write. Synthesizing one chart validates the whole app: the objects of the
  // other charts, rendered then, must be rendered again when their chart is synthesized later.
  test.each(['workload', 'class'] as const)('a %s of another chart, edited between the two synths', what => {
    const app = Testing.app();
    const first = new Chart(app, 'first', { namespace: 'demo' });
    const second = new Chart(app, 'second', { namespace: 'demo' });
    const spc = new KeyVaultSecretProviderClass(second, 'spc', {
      metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.vmManagedIdentity(), objects: [KeyVaultObject.secret('s1')],
    });
    const web = deployment(second, 'web');
    spc.mount(web);
    Testing.synth(first);
    (what === 'workload' ? web.metadata : spc.apiObject.metadata).addLabel('edited', 'after-the-first-synth');
    const written = only(synth(second), what === 'workload' ? 'Deployment' : 'SecretProviderClass');
    expect(written.metadata.labels).toEqual(expect.objectContaining({ edited: 'after-the-first-synth' }));
  });
});

describe('an unchanged app is checked once per synth, whatever its number of charts', () => {
  test('each class computes its checks once while cdk8s validates the app once per chart', () => {
    const app = Testing.app();
    const charts = Array.from({ length: 10 }, (_, i) => new Chart(app, `team-${i}`, { namespace: `team-${i}` }));
    const binding = new AksIdentityBinding(charts[0], 'mi', { clientId: CLIENT_ID });
    charts.forEach((chart, i) => new KeyVaultSecretProviderClass(chart, 'spc', {
      metadata: { name: `app-${i}` }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: binding.identity, objects: [KeyVaultObject.secret('s1')],
    }).mount(deployment(chart, 'web', binding.addServiceAccount(chart, 'sa', { metadata: { name: 'web' } }))));
    const computed = jest.spyOn(errors, 'withRenderedFindings');
    try {
      app.synthYaml(); // validates the app 11 times: once, then once per chart
      expect(computed).toHaveBeenCalledTimes(10); // each class once
      computed.mockClear();
      app.synthYaml(); // nothing changed: nothing to compute again
      expect(computed).toHaveBeenCalledTimes(0);
      (charts[3].node.findChild('spc') as KeyVaultSecretProviderClass).addObject(KeyVaultObject.secret('s2'));
      app.synthYaml(); // a change: every check runs again, once
      expect(computed).toHaveBeenCalledTimes(10);
    } finally {
      computed.mockRestore();
    }
  });
});

describe('messages are reported on the construct they belong to', () => {
  // The library's checks run once, in the root's validation; a construct with messages then gets
  // the validation that reports them, next to any validation of the user's.
  test.each(['before', 'after'] as const)('a validation of the user added %s the mount: both reported on the workload', order => {
    const { chart, spc } = bindingApp();
    const web = deployment(chart, 'other');
    const user = { validate: () => ['the team policy says no'] };
    if (order === 'before') web.node.addValidation(user);
    spc.mount(web, { containerNames: ['nope'] });
    if (order === 'after') web.node.addValidation(user);
    const lines = errorOf(() => Testing.synth(chart)).split('\n').map(l => l.trim()).filter(l => l.startsWith('[kv/other]'));
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringContaining('containerNames "nope" is invalid'),
      expect.stringContaining('the team policy says no'),
    ]));
    expect(lines).toHaveLength(2);
    // After a synth, the construct's own validate() answers what cdk8s reported.
    expect(web.node.validate()).toHaveLength(2);
  });

  test('a problem fixed between two synths is no longer reported', () => {
    const { chart, spc } = bindingApp();
    spc.apiObject.addJsonPatch(JsonPatch.move('/spec/parameters/clientID', '/spec/parameters/clientId'));
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/spc\] .*clientId/);
    spc.apiObject.addJsonPatch(JsonPatch.move('/spec/parameters/clientId', '/spec/parameters/clientID'));
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(spc.node.validate()).toEqual([]);
  });
});
