// One managed identity, used through AKS identity binding by the same workload on several clusters.
// Each cluster is one chart (one YAML file in dist/) that names its cluster with the construct context
// key `cdk8s-azure-keyvault-csi/cluster` and has its own AksIdentityBinding: the ClusterRole and
// ClusterRoleBinding are cluster-scoped objects that every cluster needs. On the Azure side it is one
// IdentityBinding per cluster (the `azure` chart writes them as Azure Service Operator objects, with
// the identity's Key Vault role), and all of them share the identity's single federated credential:
// no 20-credential limit, however many clusters and ServiceAccounts use it.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, AzureAccess, FederatedCredentials, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

// Replace with your managed identity's client ID and principal ID, your tenant ID, your resource IDs and
// your clusters.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const PRINCIPAL_ID = '00000000-0000-0000-0000-000000000004';
const RESOURCE_GROUP = '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-demo';
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

// The Azure side, once for all clusters (a chart without the cluster context, applied where Azure
// Service Operator runs): Key Vault Secrets User on the vault, and one IdentityBinding per cluster,
// matched to the charts by the context value.
const azure = new Chart(app, 'azure', { disableResourceNameHashes: true });
new AzureAccess(azure, 'access', {
  namespace: 'azure-access',
  identities: [{
    clientId: CLIENT_ID,
    principalId: PRINCIPAL_ID,
    resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv-reader`,
  }],
  vaults: [{ resourceId: `${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/kvname` }],
  clusters: CLUSTERS.map(name => ({ name, resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/${name}` })),
});

app.synth();
