// The provider's "set an environment variable from a Kubernetes Secret" page as a cdk8s app: the
// class `azure-sync` syncs the secret written as `secretalias` into the Opaque Secret `foosecret`, and
// the Deployment `busybox-deployment` reads its key `username` as SECRET_USERNAME. The Deployment also
// mounts the class: the driver creates `foosecret` only while a pod mounts it (the container waits in
// CreateContainerConfigError until then). Identity: AKS identity binding.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass, SyncedSecretType } from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'env-from-secret', { namespace: 'default', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const serviceAccount = binding.addServiceAccount(chart, 'service-account', { metadata: { name: 'env-from-secret-sa' } });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-sync', {
  metadata: { name: 'azure-sync' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [KeyVaultObject.secret('secret1', { alias: 'secretalias' }), KeyVaultObject.key('key1')],
});
const foosecret = secrets.syncSecret({
  secretName: 'foosecret',
  type: SyncedSecretType.OPAQUE,
  labels: { environment: 'test' },
  data: [{ objectName: 'secretalias', key: 'username' }],
});

const deployment = new kplus.Deployment(chart, 'busybox', {
  metadata: { name: 'busybox-deployment', labels: { app: 'busybox' } },
  replicas: 1,
  serviceAccount,
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    securityContext: { user: 1000, group: 1000 },
    envVariables: { SECRET_USERNAME: foosecret.envValue('username') },
  }],
});
secrets.mount(deployment, { volumeName: 'secrets-store-inline' });

app.synth();
