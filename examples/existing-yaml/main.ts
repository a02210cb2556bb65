// Key Vault secrets for a workload the library did not write: a Helm chart's rendered output
// (helm-output.yaml), included unchanged with cdk8s's `Include`. `mount()` takes the included
// Deployment like any other workload: the CSI volume and read-only mounts go into both of its
// containers, and the ServiceAccount its pod template names is granted the managed identity.
import { App, Chart, Include } from 'cdk8s';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'existing-yaml', { namespace: 'shop', disableResourceNameHashes: true });

const web = new Include(chart, 'web', { url: 'helm-output.yaml' });
const deployment = web.apiObjects.find(o => o.kind === 'Deployment' && o.name === 'web')!;

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const secrets = new KeyVaultSecretProviderClass(chart, 'web-secrets', {
  metadata: { name: 'web-secrets' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [KeyVaultObject.secret('db-password', { alias: 'db/password' }), KeyVaultObject.secret('api-key')],
});
secrets.mount(deployment, { path: '/etc/web/secrets' });

app.synth();
