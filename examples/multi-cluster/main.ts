// One managed identity, used through AKS identity binding by the same workload on several clusters.
// Each cluster is one chart (one YAML file in dist/) that names its cluster with the construct context
// key `cdk8s-azure-keyvault-csi/cluster` and has its own AksIdentityBinding: the ClusterRole and
// ClusterRoleBinding are cluster-scoped objects that every cluster needs. On the Azure side it is one
// `az aks identity-binding create` per cluster, and all of them share the identity's single federated
// credential: no 20-credential limit, however many clusters and ServiceAccounts use it.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, FederatedCredentials, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

// Replace with your managed identity's client ID, your tenant ID and your clusters.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const CLUSTERS = ['aks-eastus', 'aks-westeurope', 'aks-southeastasia'];

const app = new App();

for (const cluster of CLUSTERS) {
  const chart = new Chart(app, cluster, { namespace: 'demo', disableResourceNameHashes: true });
  // Before any child: the context is read when children are created and mounted.
  chart.node.setContext(FederatedCredentials.CLUSTER_CONTEXT_KEY, cluster);

  const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
  const serviceAccount = binding.addServiceAccount(chart, 'service-account', { metadata: { name: 'demo' } });

  const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-idb', {
    metadata: { name: 'azure-kvname-idb' },
    keyVaultName: 'kvname',
    tenantId: TENANT_ID,
    identity: binding.identity,
    objects: [KeyVaultObject.secret('secret1')],
  });

  const deployment = new kplus.Deployment(chart, 'app', {
    metadata: { name: 'demo', labels: { app: 'demo' } },
    replicas: 2,
    serviceAccount,
    containers: [{
      name: 'busybox',
      image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
      command: ['/bin/sleep', '10000'],
      securityContext: { user: 1000, group: 1000 },
    }],
  });
  secrets.mount(deployment, { volumeName: 'secrets-store-inline' });
}

app.synth();
