// The identity-binding scenario with cdk8s-plus-33, the cdk8s-plus that `cdk8s init typescript-app`
// installs: a Deployment and its ServiceAccount from cdk8s-plus-33, mounted with the same `mount()`
// as a cdk8s-plus-27 workload, no casts. The mount comes first and the containers after it: the
// volume and the mounts are applied at synth, into every container the pod template has by then.
// The class, the RBAC for the ServiceAccount, the volume and the mounts are the same as with
// cdk8s-plus-27 (test/examples.test.ts compares them with the identity-binding example).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  AksIdentityBinding, AzureKeyVaultProvider, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'cdk8s-plus-33', { namespace: 'default', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-idb', {
  metadata: { name: 'azure-kvname-idb' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const deployment = new kplus.Deployment(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline-idb' },
  serviceAccount: new kplus.ServiceAccount(chart, 'service-account', { metadata: { name: 'identity-binding-sa' } }),
});
secrets.mount(deployment, { volumeName: 'secrets-store01-inline' }); // grants identity-binding-sa
deployment.addContainer({
  name: 'busybox',
  image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
  command: ['/bin/sleep', '10000'],
  // cdk8s-plus requires a non-root user; busybox's image runs as root unless told otherwise.
  securityContext: { user: 1000, group: 1000 },
});

// Once per cluster, in kube-system (the AKS add-on's provider v1.7.2 predates identity binding).
const install = new Chart(app, 'install', { disableResourceNameHashes: true });
new SecretsStoreCsiDriver(install, 'driver');
new AzureKeyVaultProvider(install, 'provider');

app.synth();
