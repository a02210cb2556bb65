// The provider's workload-identity page as a cdk8s app: a SecretProviderClass that reads secret1 and
// key1 with Microsoft Entra Workload ID, and a busybox pod that mounts it with its own ServiceAccount.
// Workload identity needs one federated identity credential per cluster, namespace and ServiceAccount:
// FederatedCredentials.of(app) lists them, written to dist/federated-credentials.json and printed (on
// stderr, so `cdk8s synth --stdout` stays clean) as `az identity federated-credential create` commands.
// The `azure` chart writes the same credential, and the identity's Key Vault roles, as Azure Service
// Operator objects.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AzureAccess, FederatedCredentials, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

// Replace with your managed identity's client ID and principal ID, your tenant ID, your resource IDs
// and your cluster's OIDC issuer (`az aks show --query oidcIssuerProfile.issuerUrl`).
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const PRINCIPAL_ID = '00000000-0000-0000-0000-000000000004';
const RESOURCE_GROUP = '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-demo';
const OIDC_ISSUER = 'https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000002/00000000-0000-0000-0000-000000000005/';
const AUDIENCE = 'api://AzureADTokenExchange';

const app = new App();
const chart = new Chart(app, 'workload-identity', { namespace: 'default', disableResourceNameHashes: true });

const serviceAccount = new kplus.ServiceAccount(chart, 'service-account', {
  metadata: { name: 'workload-identity-sa' },
});

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-wi', {
  metadata: { name: 'azure-kvname-wi' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }),
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline-wi' },
  serviceAccount,
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store01-inline' });

// The Azure side: Key Vault Secrets User (secret1) and Key Vault Reader (key1) on the vault, and one
// federated credential per ServiceAccount that mounts the class, with the cluster's issuer.
const azure = new Chart(app, 'azure', { disableResourceNameHashes: true });
new AzureAccess(azure, 'access', {
  namespace: 'azure-access',
  identities: [{
    clientId: CLIENT_ID,
    principalId: PRINCIPAL_ID,
    resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv-reader`,
  }],
  vaults: [{ resourceId: `${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/kvname` }],
  clusters: [{ resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/aks-demo`, oidcIssuerUrl: OIDC_ISSUER }],
});

// Read the subjects after every workload is mounted; synth fails first if an identity needs more than 20.
const credentials = FederatedCredentials.of(app);
app.synth();

fs.writeFileSync(path.join(app.outdir, 'federated-credentials.json'), `${JSON.stringify(credentials, undefined, 2)}\n`);
for (const credential of credentials) {
  for (const subject of credential.subjects) {
    const name = subject.replace(/^system:serviceaccount:/, '').replace(/[^A-Za-z0-9-]/g, '-');
    process.stderr.write([
      `# identity ${credential.clientId}${credential.cluster ? `, cluster ${credential.cluster}` : ''}`,
      `az identity federated-credential create --name ${name} \\`,
      '  --identity-name "$USER_ASSIGNED_IDENTITY_NAME" --resource-group "$RESOURCE_GROUP" \\',
      `  --issuer "$AKS_OIDC_ISSUER" --subject ${subject} --audience ${AUDIENCE}`,
      '',
    ].join('\n'));
  }
}
