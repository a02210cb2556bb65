// The provider's system-assigned managed identity page as a cdk8s app: a SecretProviderClass that
// reads secret1 and key1 with the node's system-assigned identity (useVMManagedIdentity, no
// userAssignedIdentityID), and a pod that mounts it. Upstream's pod runs nginx; busybox runs as
// non-root here. Every pod on those nodes can use the identity: prefer identity binding on AKS.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

// Replace with your tenant ID.
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'system-assigned-identity', { namespace: 'default', disableResourceNameHashes: true });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-system-msi', {
  metadata: { name: 'azure-kvname-system-msi' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: KeyVaultIdentity.vmManagedIdentity(),
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline-system-msi' },
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store01-inline' });

app.synth();
