// The provider's identity-binding page as a cdk8s app: a SecretProviderClass that reads secret1 and
// key1 through AKS identity binding, and a busybox pod that mounts it with its own ServiceAccount.
// The ClusterRole/ClusterRoleBinding that let the ServiceAccount use the identity come with it.
// A second chart, `install`, installs the driver and the provider: the AKS add-on (provider v1.7.2)
// predates identity binding (v1.8.0+). A third, `azure`, is the Azure side as Azure Service Operator
// objects: the identity's Key Vault roles and its binding to the cluster, derived from the class.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, AzureAccess, AzureKeyVaultProvider, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';

// Replace with your managed identity's client ID and principal ID, your tenant ID and your resource IDs.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const PRINCIPAL_ID = '00000000-0000-0000-0000-000000000004';
const RESOURCE_GROUP = '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-demo';

const app = new App();
const chart = new Chart(app, 'identity-binding', { namespace: 'default', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const serviceAccount = binding.addServiceAccount(chart, 'service-account', {
  metadata: { name: 'identity-binding-sa' },
});

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-idb', {
  metadata: { name: 'azure-kvname-idb' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline-idb' },
  serviceAccount,
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    // cdk8s-plus requires a non-root user; busybox's image runs as root unless told otherwise.
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store01-inline' });

// Once per cluster, in kube-system. The CSIDriver's tokenRequests (api://AKSIdentityBinding) are
// derived from the class above; the Linux provider uses dnsPolicy ClusterFirstWithHostNet to reach
// the identity binding token proxy through the API server.
const install = new Chart(app, 'install', { disableResourceNameHashes: true });
new SecretsStoreCsiDriver(install, 'driver');
new AzureKeyVaultProvider(install, 'provider');

// The Azure side (apply to the cluster that runs Azure Service Operator v2.18+, or print it as `az`
// commands with `npx cdk8s-azure-keyvault-csi azure-cli dist/azure.k8s.yaml`): Key Vault Secrets User
// for secret1 and Key Vault Reader for key1 on the vault, and the identity's binding to the cluster.
const azure = new Chart(app, 'azure', { disableResourceNameHashes: true });
new AzureAccess(azure, 'access', {
  namespace: 'azure-access',
  identities: [{
    clientId: CLIENT_ID,
    principalId: PRINCIPAL_ID,
    resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv-reader`,
  }],
  vaults: [{ resourceId: `${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/kvname` }],
  clusters: [{ resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/aks-demo` }],
});

app.synth();
