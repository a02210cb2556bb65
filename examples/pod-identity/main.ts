// The provider's pod-identity page as a cdk8s app: a SecretProviderClass that reads secret1 and key1
// through aad-pod-identity (usePodIdentity), and a busybox pod labelled aadpodidbinding=demo to match
// the AzureIdentityBinding's selector. aad-pod-identity is deprecated and Linux-only: prefer
// identity binding or workload identity for anything new.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

// Replace with your tenant ID.
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'pod-identity', { namespace: 'default', disableResourceNameHashes: true });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-podid', {
  metadata: { name: 'azure-kvname-podid' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: KeyVaultIdentity.podIdentity({ selector: 'demo' }),
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline-podid' },
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store01-inline' }); // also labels the pod aadpodidbinding: demo

app.synth();
