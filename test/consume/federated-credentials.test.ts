import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AksIdentityBinding, FederatedCredentials, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

const CLIENT_ID = '11111111-1111-1111-1111-111111111111';
const OTHER_CLIENT_ID = '22222222-2222-2222-2222-222222222222';
const TENANT_ID = '33333333-3333-3333-3333-333333333333';

/** A chart for one cluster (or the app's single unnamed cluster), with one class for `identity`. */
function clusterChart(app: App, id: string, namespace: string, identity: KeyVaultIdentity, cluster?: string) {
  const chart = new Chart(app, id, { namespace });
  if (cluster) chart.node.setContext(FederatedCredentials.CLUSTER_CONTEXT_KEY, cluster);
  const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
    keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity, objects: [KeyVaultObject.secret('db-password')],
  });
  return { chart, spc };
}

/** A Deployment in `scope` running as ServiceAccount `serviceAccount`, mounting `spc`. */
function workload(scope: Construct, id: string, spc: KeyVaultSecretProviderClass, serviceAccount: string) {
  const deployment = new kplus.Deployment(scope, id, {
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(scope, `${id}-sa`, serviceAccount),
    containers: [{ image: 'app' }],
  });
  spc.mount(deployment);
  return deployment;
}

describe('workload identity credential budget', () => {
  test('one credential per namespace and ServiceAccount; pods sharing a ServiceAccount count once', () => {
    // GIVEN
    const app = Testing.app();
    const { chart, spc } = clusterChart(app, 'a', 'team-a', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));

    // WHEN: three workloads, two of them sharing a ServiceAccount
    workload(chart, 'api', spc, 'api');
    workload(chart, 'api-worker', spc, 'api');
    workload(chart, 'web', spc, 'web');

    // THEN
    expect(FederatedCredentials.of(app)).toEqual([{
      clientId: CLIENT_ID,
      cluster: undefined,
      subjects: ['system:serviceaccount:team-a:api', 'system:serviceaccount:team-a:web'],
    }]);
  });

  test('a pod without a ServiceAccount runs as "default"', () => {
    const app = Testing.app();
    const { chart, spc } = clusterChart(app, 'a', 'team-a', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));
    spc.mount(new kplus.Pod(chart, 'pod', { containers: [{ image: 'app' }] }));
    expect(FederatedCredentials.of(app)[0].subjects).toEqual(['system:serviceaccount:team-a:default']);
  });

  test('subjects are listed per cluster named by the context key, and per identity', () => {
    const app = Testing.app();
    for (const cluster of ['westeurope', 'northeurope']) {
      const { chart, spc } = clusterChart(app, cluster, 'team-a', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }), cluster);
      workload(chart, 'api', spc, 'api');
    }
    const { chart, spc } = clusterChart(app, 'other', 'team-b', KeyVaultIdentity.workloadIdentity({ clientId: OTHER_CLIENT_ID }));
    workload(chart, 'web', spc, 'web');

    expect(FederatedCredentials.of(app)).toEqual([
      { clientId: CLIENT_ID, cluster: 'northeurope', subjects: ['system:serviceaccount:team-a:api'] },
      { clientId: CLIENT_ID, cluster: 'westeurope', subjects: ['system:serviceaccount:team-a:api'] },
      { clientId: OTHER_CLIENT_ID, cluster: undefined, subjects: ['system:serviceaccount:team-b:web'] },
    ]);
  });

  test('exactly 20 credentials synthesize', () => {
    const app = Testing.app();
    const { chart, spc } = clusterChart(app, 'a', 'team-a', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));
    for (let i = 0; i < FederatedCredentials.LIMIT; i++) workload(chart, `w${i}`, spc, `sa-${i}`);
    expect(() => app.synthYaml()).not.toThrow();
    expect(FederatedCredentials.LIMIT).toBe(20); // Entra ID's documented cap per identity
  });

  test('fails at synth with 21 credentials across clusters, naming the identity, count, limit and identity binding', () => {
    // GIVEN: 7 ServiceAccounts on each of 3 clusters = 21 (cluster, namespace, ServiceAccount) triples
    const app = Testing.app();
    for (const cluster of ['c1', 'c2', 'c3']) {
      const { chart, spc } = clusterChart(app, cluster, 'team-a', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }), cluster);
      for (let i = 0; i < 7; i++) workload(chart, `w${i}`, spc, `sa-${i}`);
    }

    // THEN
    expect(() => app.synthYaml()).toThrow(/\[c1\/spc\] identity.clientId "11111111-1111-1111-1111-111111111111" is invalid: .*: 21 here, and Entra ID allows 20 per identity.*Fix: use AKS identity binding \(new AksIdentityBinding/);
  });

  test('an AksIdentityBinding for the same identity, even in another cluster, takes one credential: 19 fit, 20 fail', () => {
    // GIVEN identity binding for the identity in cluster "aks" (az aks identity-binding create adds a credential)
    const build = (subjects: number) => {
      const app = Testing.app();
      const rbac = new Chart(app, 'rbac', { namespace: 'kube-system' });
      rbac.node.setContext(FederatedCredentials.CLUSTER_CONTEXT_KEY, 'aks');
      new AksIdentityBinding(rbac, 'mi', { clientId: CLIENT_ID });
      const { chart, spc } = clusterChart(app, 'a', 'team-a', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }), 'other');
      for (let i = 0; i < subjects; i++) workload(chart, `w${i}`, spc, `sa-${i}`);
      return app;
    };

    // THEN
    expect(() => build(19).synthYaml()).not.toThrow();
    expect(() => build(20).synthYaml()).toThrow(
      /\[a\/spc\] identity.clientId "11111111-1111-1111-1111-111111111111" is invalid: .*: 20 here, and Entra ID allows 20 per identity, and identity binding on this identity \(az aks identity-binding create\) already uses one, leaving 19/,
    );
  });

  test('an AksIdentityBinding for another identity does not count', () => {
    const app = Testing.app();
    const rbac = new Chart(app, 'rbac', { namespace: 'kube-system' });
    new AksIdentityBinding(rbac, 'mi', { clientId: OTHER_CLIENT_ID });
    const { chart, spc } = clusterChart(app, 'a', 'team-a', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));
    for (let i = 0; i < 20; i++) workload(chart, `w${i}`, spc, `sa-${i}`);
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('the error is reported once per identity, not once per class', () => {
    const app = Testing.app();
    const identity = KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID });
    const { chart, spc } = clusterChart(app, 'a', 'team-a', identity);
    const second = new KeyVaultSecretProviderClass(chart, 'spc2', { keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity, objects: [KeyVaultObject.secret('s')] });
    for (let i = 0; i < 21; i++) workload(chart, `w${i}`, i % 2 ? spc : second, `sa-${i}`);
    let message = '';
    try { app.synthYaml(); } catch (e) { message = (e as Error).message; }
    expect(message.match(/Entra ID allows 20/g)).toHaveLength(1);
  });

  test('identity binding needs no per-workload credential: 25 ServiceAccounts synthesize and list nothing', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'a', { namespace: 'team-a' });
    const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
      keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: binding.identity, objects: [KeyVaultObject.secret('s')],
    });
    for (let i = 0; i < 25; i++) {
      spc.mount(new kplus.Deployment(chart, `w${i}`, { serviceAccount: binding.addServiceAccount(chart, `sa${i}`), containers: [{ image: 'app' }] }));
    }
    expect(() => app.synthYaml()).not.toThrow();
    expect(FederatedCredentials.of(app)).toEqual([]);
  });

  test('fails when the workload has no namespace: the credential subject needs one', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'a');
    const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
      keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }), objects: [KeyVaultObject.secret('s')],
    });
    expect(() => workload(chart, 'api', spc, 'api')).toThrow(/\[a\/api\] metadata.namespace undefined is invalid: the pod has no namespace, and workload identity needs a federated credential.*Fix: set the chart's or the workload's namespace/);
  });
});
