// The provider's deploy-in-OpenShift page as a cdk8s app: on OpenShift (and Azure Red Hat
// OpenShift) the Linux provider container must be privileged (`privileged: true`, the Helm chart's
// linux.privileged) to create its socket in the host directory, and both ServiceAccounts need the
// `privileged` SCC (see README.md). The workload reads secret1 and key1 with a service principal,
// whose credentials Secret `secrets-store-creds` is created with oc/kubectl, not generated.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AzureKeyVaultProvider, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';

// Replace with your tenant ID.
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'openshift', { namespace: 'default', disableResourceNameHashes: true });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname', {
  metadata: { name: 'azure-kvname' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: KeyVaultIdentity.servicePrincipal({ secretName: 'secrets-store-creds' }),
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const pod = new kplus.Pod(chart, 'busybox', {
  metadata: { name: 'busybox-secrets-store-inline' },
  containers: [{
    name: 'busybox',
    image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
    command: ['/bin/sleep', '10000'],
    // No user: OpenShift's restricted SCC assigns one from the namespace's UID range.
  }],
});
secrets.mount(pod, { volumeName: 'secrets-store-inline' });

// Once per cluster, in kube-system.
const install = new Chart(app, 'install', { disableResourceNameHashes: true });
new SecretsStoreCsiDriver(install, 'driver');
new AzureKeyVaultProvider(install, 'provider', { privileged: true });

app.synth();
