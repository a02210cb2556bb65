// The Azure side of a two-cluster app, written by AzureAccess as Azure Service Operator objects:
// - the shop uses AKS identity binding on both clusters and reads a secret, a key and a certificate
//   from kv-shop (Azure RBAC);
// - the reports job runs on aks-eastus only, with workload identity, and reads a secret and a
//   certificate from kv-legacy (vault access policies).
// AzureAccess derives, least privilege: Key Vault Secrets User and Key Vault Reader for the shop's
// identity on kv-shop, an IdentityBinding on each cluster, a federated credential for the reports
// ServiceAccount, and records of the access policies kv-legacy needs (`az keyvault set-policy`).
import { App, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, AzureAccess, FederatedCredentials, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, VaultPermissionModel,
} from '../../src';

// Replace with your tenant, identities, vaults and clusters (`az identity show`, `az keyvault show`,
// `az aks show --query oidcIssuerProfile.issuerUrl`).
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const RESOURCE_GROUP = '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-shop';
const SHOP = { clientId: '00000000-0000-0000-0000-000000000011', principalId: '00000000-0000-0000-0000-000000000012' };
const REPORTS = { clientId: '00000000-0000-0000-0000-000000000021', principalId: '00000000-0000-0000-0000-000000000022' };
const EASTUS_ISSUER = 'https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000002/00000000-0000-0000-0000-000000000031/';

const app = new App();
const container = (image: string): kplus.ContainerProps => ({ image, securityContext: { user: 1000, group: 1000 } });

/** A chart deploying to one cluster: the context value names it, before any child is added. */
function clusterChart(id: string, cluster: string, namespace: string): Chart {
  const chart = new Chart(app, id, { namespace, disableResourceNameHashes: true });
  chart.node.setContext(FederatedCredentials.CLUSTER_CONTEXT_KEY, cluster);
  return chart;
}

for (const cluster of ['aks-eastus', 'aks-westeurope']) {
  const shop = clusterChart(cluster, cluster, 'shop');
  const binding = new AksIdentityBinding(shop, 'shop-identity', { clientId: SHOP.clientId });
  const secrets = new KeyVaultSecretProviderClass(shop, 'shop-secrets', {
    metadata: { name: 'shop-secrets' },
    keyVaultName: 'kv-shop',
    tenantId: TENANT_ID,
    identity: binding.identity,
    objects: [KeyVaultObject.secret('db-password'), KeyVaultObject.key('signing-key'), KeyVaultObject.certificate('api-cert')],
  });
  secrets.mount(new kplus.Deployment(shop, 'storefront', {
    metadata: { name: 'storefront' },
    serviceAccount: new kplus.ServiceAccount(shop, 'storefront-sa', { metadata: { name: 'storefront' } }),
    containers: [container('registry.example/storefront:1.4.2')],
  }));
}

const reports = clusterChart('aks-eastus-reports', 'aks-eastus', 'reports');
const reportSecrets = new KeyVaultSecretProviderClass(reports, 'report-secrets', {
  metadata: { name: 'report-secrets' },
  keyVaultName: 'kv-legacy',
  tenantId: TENANT_ID,
  identity: KeyVaultIdentity.workloadIdentity({ clientId: REPORTS.clientId }),
  objects: [KeyVaultObject.secret('reports-db'), KeyVaultObject.certificate('reports-ca')],
});
reportSecrets.mount(new kplus.CronJob(reports, 'nightly', {
  metadata: { name: 'nightly-report' },
  schedule: Cron.schedule({ minute: '0', hour: '2' }),
  serviceAccount: new kplus.ServiceAccount(reports, 'reports-sa', { metadata: { name: 'reports' } }),
  containers: [container('registry.example/reports:2.0.1')],
}));

// Applied to the cluster that runs Azure Service Operator (v2.18+ for IdentityBinding), or printed as
// `az` commands: npx cdk8s-azure-keyvault-csi azure-cli dist/azure.k8s.yaml
const azure = new Chart(app, 'azure', { disableResourceNameHashes: true });
new AzureAccess(azure, 'access', {
  namespace: 'azure-access',
  identities: [
    { ...SHOP, resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop` },
    { ...REPORTS, resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/reports` },
  ],
  vaults: [
    { resourceId: `${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/kv-shop` },
    { resourceId: `${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/kv-legacy`, permissionModel: VaultPermissionModel.ACCESS_POLICY },
  ],
  clusters: [
    { name: 'aks-eastus', resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/aks-eastus`, oidcIssuerUrl: EASTUS_ISSUER },
    { name: 'aks-westeurope', resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/aks-westeurope` },
  ],
});

app.synth();
