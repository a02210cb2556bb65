// Auto rotation: the driver re-reads mounted objects from Key Vault (at most every pollInterval) and
// updates the files and any synced Secret; pods are not restarted. The provider's
// enable-auto-rotation-secrets page as a cdk8s app: the driver with rotation enabled
// (`--enable-secret-rotation=true`, `--rotation-poll-interval=2m`), the provider, and a pod that
// mounts `secret1` and syncs it into the Secret `rotating-secret`. Identity: AKS identity binding.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, AzureKeyVaultProvider, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver, SyncedSecretType,
} from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'rotation', { namespace: 'default', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const serviceAccount = binding.addServiceAccount(chart, 'service-account', { metadata: { name: 'rotation-sa' } });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-rotation', {
  metadata: { name: 'azure-kvname-rotation' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [KeyVaultObject.secret('secret1')],
});
// Rotation updates synced Secrets too (environment variables read from them do not change until restart).
secrets.syncSecret({
  secretName: 'rotating-secret',
  type: SyncedSecretType.OPAQUE,
  data: [{ objectName: 'secret1', key: 'secret1' }],
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline-rotation' },
  serviceAccount,
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store01-inline' });

// Once per cluster, in kube-system. The secret-sync RBAC is derived from the class's syncSecret().
const install = new Chart(app, 'install', { disableResourceNameHashes: true });
new SecretsStoreCsiDriver(install, 'driver', { rotation: { enabled: true, pollInterval: Duration.minutes(2) } });
new AzureKeyVaultProvider(install, 'provider');

app.synth();
