// The provider's "sync multiple versions of a secret" page as a cdk8s app: the class `azure-sync`
// writes the 5 newest versions of a secret to secretalias/0 (newest) .. secretalias/4 and of a key to
// key1/0 .. key1/4, and syncs the newest secret version (`secretalias/0`) into the Secret `foosecret`.
// Listing versions needs the Key Vault `list` permission. Identity: AKS identity binding.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass, SyncedSecretType } from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'multiple-versions', { namespace: 'default', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const serviceAccount = binding.addServiceAccount(chart, 'service-account', { metadata: { name: 'multiple-versions-sa' } });

const secretVersions = KeyVaultObject.secret('secret1', { alias: 'secretalias', versionHistory: 5 });
const secrets = new KeyVaultSecretProviderClass(chart, 'azure-sync', {
  metadata: { name: 'azure-sync' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [secretVersions, KeyVaultObject.key('key1', { versionHistory: 5 })],
});
secrets.syncSecret({
  secretName: 'foosecret',
  type: SyncedSecretType.OPAQUE,
  data: [{ objectName: secretVersions.files[0], key: 'username' }], // "secretalias/0": the newest version
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline' },
  serviceAccount,
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store01-inline' });

app.synth();
