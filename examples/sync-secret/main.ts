// The provider's "sync mounted content with a Kubernetes Secret" page as a cdk8s app: the class
// `azure-sync` reads a secret (written as `secretalias`) and a key, and syncs `secretalias` into the
// Opaque Secret `foosecret` (key `username`). The driver creates the Secret only while a pod mounts the
// class, so the busybox pod mounts it. Identity: AKS identity binding (upstream's page uses pod identity).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass, SyncedSecretType } from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'sync-secret', { namespace: 'default', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const serviceAccount = binding.addServiceAccount(chart, 'service-account', { metadata: { name: 'sync-secret-sa' } });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-sync', {
  metadata: { name: 'azure-sync' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [KeyVaultObject.secret('secret1', { alias: 'secretalias' }), KeyVaultObject.key('key1')],
});
secrets.syncSecret({
  secretName: 'foosecret',
  type: SyncedSecretType.OPAQUE,
  labels: { environment: 'test' },
  data: [{ objectName: 'secretalias', key: 'username' }],
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
