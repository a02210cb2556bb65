// The provider's service-principal page as a cdk8s app: a SecretProviderClass that reads secret1 and
// key1 with a service principal, and a busybox pod whose CSI volume passes the credentials Secret
// `secrets-store-creds` as nodePublishSecretRef. The Secret holds a password, so it is not generated:
// create it with kubectl (see README.md).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';

// Replace with your tenant ID.
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'service-principal', { namespace: 'default', disableResourceNameHashes: true });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname', {
  metadata: { name: 'azure-kvname' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  // Must be in the pod's namespace, with the keys clientid and clientsecret.
  identity: KeyVaultIdentity.servicePrincipal({ secretName: 'secrets-store-creds' }),
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline' },
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store-inline' });

app.synth();
