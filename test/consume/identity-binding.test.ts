import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, IdentityMode, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass,
} from '../../src';
import { errorOf, expectProblem, ofKind, only, parseObjects, podSpecOf, synth } from '../util';

// RBAC shape, names and annotation: https://learn.microsoft.com/azure/aks/identity-bindings and
// https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/test/e2e/identity_binding_test.go;
// SecretProviderClass parameters: https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/types/parameters.go and https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/website/content/en/configurations/identity-access-modes/identity-binding-mode.md.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const OTHER_CLIENT_ID = '66666666-7777-8888-9999-000000000000';
const CLUSTER_CONTEXT_KEY = 'cdk8s-azure-keyvault-csi/cluster';
/** The ClusterRole and ClusterRoleBinding name for a namespace, as the provider's e2e test writes it (aks-identity.md §3). */
const rbacName = (namespace: string, clientId = CLIENT_ID) => `use-mi-${clientId}-${namespace}`;

/** The single rule of the AKS docs' ClusterRole: the client ID under `resources`, never `resourceNames`. */
const USE_MI_RULE = { apiGroups: ['cid.wi.aks.azure.com'], resources: [CLIENT_ID], verbs: ['use-managed-identity'] };

function setup(app: App = Testing.app(), id = 'kv', namespace = 'demo', cluster?: string) {
  const chart = new Chart(app, id, { namespace });
  if (cluster !== undefined) chart.node.setContext(CLUSTER_CONTEXT_KEY, cluster);
  return { app, chart };
}

function newClass(chart: Chart, identity: KeyVaultIdentity) {
  return new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'azure-kvname-idb' },
    keyVaultName: 'kvname',
    tenantId: TENANT_ID,
    identity,
    objects: [KeyVaultObject.secret('secret1')],
  });
}

describe('AksIdentityBinding', () => {
  test('the seed scenario: identity binding through AksIdentityBinding.identity', () => {
    // GIVEN
    const { chart } = setup();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'workload' } });
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const spc = newClass(chart, binding.identity);

    // WHEN
    spc.mount(new kplus.Pod(chart, 'busybox', { serviceAccount: sa, containers: [{ image: 'busybox' }] }));

    // THEN
    const manifests = synth(chart);
    const parameters = only(manifests, 'SecretProviderClass').spec.parameters;
    expect(parameters).toEqual({ keyvaultName: 'kvname', tenantID: TENANT_ID, useAzureTokenProxy: 'true', clientID: CLIENT_ID, objects: expect.any(String) });
    expect(parseObjects(only(manifests, 'SecretProviderClass'))).toEqual([{ objectName: 'secret1', objectType: 'secret' }]);

    const role = only(manifests, 'ClusterRole');
    expect(role.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(role.metadata).toEqual({ name: `use-mi-${CLIENT_ID}-demo` });
    expect(role.rules).toEqual([USE_MI_RULE]);

    const roleBinding = only(manifests, 'ClusterRoleBinding');
    expect(roleBinding.metadata).toEqual({ name: `use-mi-${CLIENT_ID}-demo` });
    expect(roleBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `use-mi-${CLIENT_ID}-demo` });
    expect(roleBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);

    const pod = only(manifests, 'Pod');
    expect(pod.spec.serviceAccountName).toBe('workload');
    expect(pod.metadata.labels ?? {}).not.toHaveProperty('aadpodidbinding');
    expect(pod.spec.volumes).toEqual([{
      name: 'azure-kvname-idb',
      csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'azure-kvname-idb' } },
    }]);
    expect(manifests).toMatchSnapshot();
  });

  test('identity: identity binding mode, the client ID and the audience api://AKSIdentityBinding', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    expect(binding.clientId).toBe(CLIENT_ID);
    expect(binding.identity.mode).toBe(IdentityMode.IDENTITY_BINDING);
    expect(binding.identity.clientId).toBe(CLIENT_ID);
    expect(binding.identity.tokenAudience).toBe('api://AKSIdentityBinding');
  });

  test('cluster-scoped objects have no namespace, even in a namespaced chart', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    binding.addServiceAccount(chart, 'sa');
    const manifests = synth(chart);
    for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
      expect(only(manifests, kind).metadata).not.toHaveProperty('namespace');
    }
    expect(only(manifests, 'ServiceAccount').metadata.namespace).toBe('demo');
  });

  test('exactly one rule, with no resourceNames', () => {
    const { chart } = setup();
    new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID }).addServiceAccount(chart, 'sa');
    const rules = only(synth(chart), 'ClusterRole').rules;
    expect(rules).toHaveLength(1);
    expect(rules[0]).not.toHaveProperty('resourceNames');
    expect(rules[0]).toEqual(USE_MI_RULE);
  });

  test('a binding with no ServiceAccount yet writes no RBAC at all', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    expect(ofKind(synth(chart), 'ClusterRole')).toEqual([]);
    expect(ofKind(synth(chart), 'ClusterRoleBinding')).toEqual([]);
    expect(binding.namespaces).toEqual([]);
    expect(binding.clusterRoles).toEqual([]);
  });

  test('name is the prefix of the ClusterRole and ClusterRoleBinding names, "<name>-<namespace>"', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID, name: 'use-mi-kv-reader' });
    binding.addServiceAccount(chart, 'sa');
    const manifests = synth(chart);
    expect(binding.name).toBe('use-mi-kv-reader');
    expect(only(manifests, 'ClusterRole').metadata.name).toBe('use-mi-kv-reader-demo');
    expect(only(manifests, 'ClusterRoleBinding').metadata.name).toBe('use-mi-kv-reader-demo');
    expect(only(manifests, 'ClusterRoleBinding').roleRef.name).toBe('use-mi-kv-reader-demo');
  });

  test('the default prefix lowercases the client ID (a Kubernetes name is lowercase)', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: 'ABCDEF01-2222-3333-4444-555555555555' });
    binding.addServiceAccount(chart, 'sa');
    expect(binding.name).toBe('use-mi-abcdef01-2222-3333-4444-555555555555');
    expect(only(synth(chart), 'ClusterRole').metadata.name).toBe('use-mi-abcdef01-2222-3333-4444-555555555555-demo');
    expect(only(synth(chart), 'ClusterRole').rules[0].resources).toEqual(['ABCDEF01-2222-3333-4444-555555555555']);
  });

  test('one ClusterRole and ClusterRoleBinding per namespace, each binding only its namespace\'s ServiceAccounts', () => {
    // GIVEN ServiceAccounts in two namespaces granted by one binding
    const { app, chart } = setup(Testing.app(), 'kv', 'team-b');
    const other = new Chart(app, 'other', { namespace: 'team-a' });
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    binding.addServiceAccount(chart, 'b1', { metadata: { name: 'b1' } });
    binding.addServiceAccount(other, 'a1', { metadata: { name: 'a1' } });
    binding.addServiceAccount(chart, 'b2', { metadata: { name: 'b2' } });

    // THEN
    const manifests = synth(chart);
    for (const [namespace, names] of [['team-a', ['a1']], ['team-b', ['b1', 'b2']]] as const) {
      expect(only(manifests, 'ClusterRole', rbacName(namespace)).rules).toEqual([USE_MI_RULE]);
      const roleBinding = only(manifests, 'ClusterRoleBinding', rbacName(namespace));
      expect(roleBinding.roleRef.name).toBe(rbacName(namespace));
      expect(roleBinding.subjects).toEqual(names.map(name => ({ kind: 'ServiceAccount', name, namespace })));
    }
    expect(binding.namespaces).toEqual(['team-a', 'team-b']);
    expect(binding.clusterRoles.map(r => r.name)).toEqual([rbacName('team-a'), rbacName('team-b')]);
    expect(binding.clusterRoleBindings.map(r => r.name)).toEqual([rbacName('team-a'), rbacName('team-b')]);
  });

  test('two apps granting the same identity in different namespaces of one cluster write different objects', () => {
    // GIVEN two separate apps (deployed independently to the same cluster)
    const names = ['web', 'api'].map(namespace => {
      const { chart } = setup(Testing.app(), 'kv', namespace);
      new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID }).addServiceAccount(chart, 'sa', { metadata: { name: 'workload' } });
      return ofKind(synth(chart), 'ClusterRoleBinding').map(b => b.metadata.name);
    });

    // THEN neither apply overwrites the other's ClusterRoleBinding
    expect(names).toEqual([[rbacName('web')], [rbacName('api')]]);
  });

  test('a pair can be created at synth time (deferred grants)', () => {
    // GIVEN a grant made by a validation hook, as deferred mounts do
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    chart.node.addValidation({ validate: () => { binding._grantSubject('late', 'worker'); return []; } });

    // THEN
    expect(only(synth(chart), 'ClusterRoleBinding', rbacName('late')).subjects).toEqual([{ kind: 'ServiceAccount', name: 'worker', namespace: 'late' }]);
  });

  test('fails to grant in a namespace that makes the ClusterRole name invalid', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    expectProblem(errorOf(() => binding._grantSubject('Team_A', 'workload')), {
      path: 'kv/mi', field: 'name', value: `${rbacName('Team_A')}`, rule: /for namespace "Team_A" are named "<name>-<namespace>", which must be a DNS-1123 subdomain/, fix: /shorter `name`/,
    });
  });

  test('fails with a name that leaves no room for a namespace (ClusterRole names have at most 253 characters)', () => {
    const { chart } = setup();
    expect(() => new AksIdentityBinding(chart, 'ok', { clientId: CLIENT_ID, name: 'a'.repeat(189) })).not.toThrow();
    const name = 'a'.repeat(190);
    expectProblem(errorOf(() => new AksIdentityBinding(chart, 'mi', { clientId: OTHER_CLIENT_ID, name })), {
      path: 'kv/mi', field: 'name', value: name, rule: /named "<name>-<namespace>", at most 253 characters.*name has at most 189 \(this one has 190\)/, fix: /shorter name/,
    });
  });

  test('addServiceAccount() annotates azure.workload.identity/client-id and grants the ServiceAccount', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const sa = binding.addServiceAccount(chart, 'sa', { metadata: { name: 'workload', annotations: { team: 'a' } } });
    const manifests = synth(chart);
    expect(only(manifests, 'ServiceAccount', 'workload').metadata.annotations).toEqual({ 'azure.workload.identity/client-id': CLIENT_ID, 'team': 'a' });
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);
    expect(sa.name).toBe('workload');
  });

  test('grant() lists each ServiceAccount once, in grant order, however often it is granted or mounted', () => {
    // GIVEN
    const { chart } = setup();
    const other = new Chart(chart.node.root as App, 'other', { namespace: 'team-b' });
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const web = new kplus.ServiceAccount(chart, 'web', { metadata: { name: 'web' } });
    const api = new kplus.ServiceAccount(chart, 'api', { metadata: { name: 'api' } });
    const webB = new kplus.ServiceAccount(other, 'web', { metadata: { name: 'web' } }); // same name, other namespace
    const spc = newClass(chart, binding.identity);

    // WHEN: granted twice directly, and again by several pods mounting the class
    binding.grant(web, api);
    binding.grant(web, webB);
    spc.mount(new kplus.Deployment(chart, 'web-1', { serviceAccount: web, containers: [{ image: 'web' }] }));
    spc.mount(new kplus.Deployment(chart, 'web-2', { serviceAccount: web, containers: [{ image: 'web' }] }));
    spc.mount(new kplus.Pod(chart, 'api-pod', { serviceAccount: api, containers: [{ image: 'api' }] }));

    // THEN
    const manifests = synth(chart);
    expect(only(manifests, 'ClusterRoleBinding', rbacName('demo')).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'web', namespace: 'demo' },
      { kind: 'ServiceAccount', name: 'api', namespace: 'demo' },
    ]);
    expect(only(manifests, 'ClusterRoleBinding', rbacName('team-b')).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'web', namespace: 'team-b' },
    ]);
  });

  test('mounting grants the pod\'s ServiceAccount, from cdk8s-plus and ApiObject workloads', () => {
    const { chart } = setup();
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const spc = newClass(chart, binding.identity);
    spc.mount(new kplus.Deployment(chart, 'web', {
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'web-sa', 'web'),
      containers: [{ image: 'web' }],
    }));
    spc.mount(new kplus.k8s.KubeCronJob(chart, 'report', {
      spec: {
        schedule: '0 * * * *',
        jobTemplate: { spec: { template: { spec: { serviceAccountName: 'report', restartPolicy: 'Never', containers: [{ name: 'report', image: 'report' }] } } } },
      },
    }));
    const manifests = synth(chart);
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'web', namespace: 'demo' },
      { kind: 'ServiceAccount', name: 'report', namespace: 'demo' },
    ]);
    expect(podSpecOf(only(manifests, 'CronJob')).volumes).toEqual([{
      name: 'azure-kvname-idb',
      csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'azure-kvname-idb' } },
    }]);
  });

  test('a standalone KeyVaultIdentity.identityBinding is granted through the app\'s AksIdentityBinding for its client ID', () => {
    // GIVEN the binding in one chart, the class and workload in another chart of the same cluster
    const { app, chart: rbac } = setup(Testing.app(), 'rbac', 'kube-system');
    const binding = new AksIdentityBinding(rbac, 'mi', { clientId: CLIENT_ID });
    new AksIdentityBinding(rbac, 'other', { clientId: OTHER_CLIENT_ID });
    const { chart } = setup(app);
    const spc = newClass(chart, KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }));

    // WHEN
    spc.mount(new kplus.Pod(chart, 'pod', { serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'workload'), containers: [{ image: 'app' }] }));

    // THEN
    const rbacManifests = synth(rbac);
    expect(only(rbacManifests, 'ClusterRoleBinding', rbacName('demo')).subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);
    expect(ofKind(rbacManifests, 'ClusterRoleBinding', rbacName('demo', OTHER_CLIENT_ID))).toEqual([]);
    expect(binding.identity.clientId).toBe(CLIENT_ID);
    expect([...synth(chart), ...rbacManifests]).toMatchSnapshot();
  });

  test('bindings for the same client ID in charts of different clusters (context key) each grant their own cluster', () => {
    // GIVEN two clusters, each with a binding for the same identity
    const app = Testing.app();
    for (const cluster of ['westeurope', 'northeurope']) {
      const { chart } = setup(app, cluster, 'demo', cluster);
      new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
      const spc = newClass(chart, KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }));
      spc.mount(new kplus.Pod(chart, 'pod', { serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', `app-${cluster}`), containers: [{ image: 'app' }] }));
    }

    // THEN each binding lists only its own cluster's ServiceAccount
    for (const chart of app.charts) {
      expect(only(synth(chart), 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: `app-${chart.node.id}`, namespace: 'demo' }]);
    }
  });

  test('fails with a client ID that is not a GUID', () => {
    const { chart } = setup();
    expectProblem(errorOf(() => new AksIdentityBinding(chart, 'mi', { clientId: 'my-identity' })), {
      path: 'kv/mi', field: 'clientId', value: 'my-identity', rule: /must be a GUID/, fix: /az identity show --query clientId/,
    });
  });

  test('fails with a name that is not a DNS-1123 subdomain', () => {
    const { chart } = setup();
    expectProblem(errorOf(() => new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID, name: 'Use_MI' })), {
      path: 'kv/mi', field: 'name', value: 'Use_MI', rule: /DNS-1123 subdomain/, fix: /app-secrets/,
    });
  });

  test('fails with a second binding for the same client ID in one cluster (two ClusterRoles of one name)', () => {
    // GIVEN a binding in one chart
    const { app, chart } = setup();
    new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const { chart: second } = setup(app, 'second', 'team-b');

    // THEN a second one, even in another chart and namespace, fails
    expectProblem(errorOf(() => new AksIdentityBinding(second, 'mi', { clientId: CLIENT_ID })), {
      path: 'second/mi',
      field: 'clientId',
      value: CLIENT_ID,
      rule: /kv\/mi already binds this identity/,
      fix: /reuse that AksIdentityBinding.*"cdk8s-azure-keyvault-csi\/cluster"/,
    });
  });

  test('fails with a second binding for the same client ID in the same named cluster', () => {
    const { app, chart } = setup(Testing.app(), 'kv', 'demo', 'westeurope');
    new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const { chart: second } = setup(app, 'second', 'demo', 'westeurope');
    expectProblem(errorOf(() => new AksIdentityBinding(second, 'mi', { clientId: CLIENT_ID })), {
      path: 'second/mi', field: 'clientId', value: CLIENT_ID, rule: /already binds this identity in cluster "westeurope"/, fix: /reuse/,
    });
  });

  test('two bindings for the same client ID succeed when their charts name different clusters', () => {
    const app = Testing.app();
    const { chart: a } = setup(app, 'a', 'demo', 'westeurope');
    const { chart: b } = setup(app, 'b', 'demo', 'northeurope');
    new AksIdentityBinding(a, 'mi', { clientId: CLIENT_ID }).addServiceAccount(a, 'sa');
    new AksIdentityBinding(b, 'mi', { clientId: CLIENT_ID }).addServiceAccount(b, 'sa');
    expect(only(synth(a), 'ClusterRole').rules).toEqual([USE_MI_RULE]);
    expect(only(synth(b), 'ClusterRole').rules).toEqual([USE_MI_RULE]);
  });

  test('two bindings for different client IDs in one cluster succeed', () => {
    const { chart } = setup();
    new AksIdentityBinding(chart, 'a', { clientId: CLIENT_ID }).addServiceAccount(chart, 'sa-a');
    new AksIdentityBinding(chart, 'b', { clientId: OTHER_CLIENT_ID }).addServiceAccount(chart, 'sa-b');
    expect(ofKind(synth(chart), 'ClusterRole').map(r => r.metadata.name)).toEqual([rbacName('demo'), rbacName('demo', OTHER_CLIENT_ID)]);
  });

  test('fails to grant a ServiceAccount with no namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'kv'); // no namespace
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'workload' } });
    expectProblem(errorOf(() => binding.grant(sa)), {
      path: 'kv/mi', field: 'grant', value: 'workload', rule: /needs a namespace/, fix: /namespace/,
    });
  });

  test('fails to mount into a pod with no ServiceAccount', () => {
    const { chart } = setup();
    const spc = newClass(chart, new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID }).identity);
    spc.mount(new kplus.Pod(chart, 'pod', { containers: [{ image: 'app' }] }));
    expectProblem(errorOf(() => synth(chart)), { // read at synth: the ServiceAccount may come after mount()
      path: 'kv/pod', field: 'serviceAccountName', value: undefined, rule: /the pod names no ServiceAccount, and identity binding grants/, fix: /addServiceAccount/,
    });
  });

  test('fails to mount a standalone identity when no AksIdentityBinding in the app has its client ID', () => {
    // GIVEN a binding for another identity only
    const { chart } = setup();
    new AksIdentityBinding(chart, 'mi', { clientId: OTHER_CLIENT_ID });
    const spc = newClass(chart, KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }));
    const pod = new kplus.Pod(chart, 'pod', { serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'workload'), containers: [{ image: 'app' }] });

    // THEN (at synth: the binding may come after mount())
    spc.mount(pod);
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/pod',
      field: 'identity',
      value: CLIENT_ID,
      rule: /no AksIdentityBinding for this client ID grants/,
      fix: /new AksIdentityBinding\(chart, id, \{ clientId \}\).*externallyManagedRbac: true/,
    });
  });

  test('fails to mount a standalone identity when the binding for its client ID is in another cluster', () => {
    const app = Testing.app();
    const { chart: west } = setup(app, 'west', 'demo', 'westeurope');
    new AksIdentityBinding(west, 'mi', { clientId: CLIENT_ID });
    const { chart: north } = setup(app, 'north', 'demo', 'northeurope');
    const spc = newClass(north, KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }));
    const pod = new kplus.Pod(north, 'pod', { serviceAccount: kplus.ServiceAccount.fromServiceAccountName(north, 'sa', 'workload'), containers: [{ image: 'app' }] });
    spc.mount(pod);
    expectProblem(errorOf(() => synth(north)), {
      path: 'north/pod', field: 'identity', value: CLIENT_ID, rule: /no AksIdentityBinding for this client ID in cluster "northeurope"/, fix: /AksIdentityBinding/,
    });
  });
});
