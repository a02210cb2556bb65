// The provider's custom Azure environments page as a cdk8s app, for Azure Stack Hub with AD FS: the
// class names cloudName AzureStackCloud, the environment file's path in the provider container
// (cloudEnvFileName) and tenantID "adfs"; the provider mounts that file from the nodes, and the
// nodes' CA certificates (Azure Stack Hub endpoints use the stamp's CA). The workload signs in with a
// service principal, whose credentials Secret `secrets-store-creds` is created with kubectl.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AzureCloud, AzureKeyVaultProvider, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';

/** The environment JSON on the nodes (AKS engine on Azure Stack Hub writes it here). */
const ENVIRONMENT_HOST_PATH = '/etc/kubernetes/azurestackcloud.json';
/** Where the provider container sees it: what the class's cloudEnvFileName names. */
const ENVIRONMENT_FILE = '/cloudEnv/azurestackcloud.json';

const app = new App();
const chart = new Chart(app, 'custom-cloud', { namespace: 'default', disableResourceNameHashes: true });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname', {
  metadata: { name: 'azure-kvname' },
  keyVaultName: 'kvname',
  tenantId: 'adfs', // AD FS; a directory (tenant) ID with Microsoft Entra ID
  cloud: AzureCloud.stack({ environmentFile: ENVIRONMENT_FILE }),
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

// Once per cluster, in kube-system.
const install = new Chart(app, 'install', { disableResourceNameHashes: true });
new SecretsStoreCsiDriver(install, 'driver');
new AzureKeyVaultProvider(install, 'provider', {
  cloudEnvironmentFile: { hostPath: ENVIRONMENT_HOST_PATH, mountPath: ENVIRONMENT_FILE },
  volumeMounts: [{
    // A volume as Kubernetes writes it (a cdk8s-plus Volume of any version fits too).
    volume: { name: 'ca-certs', hostPath: { path: '/etc/ssl/certs', type: 'Directory' } },
    path: '/etc/ssl/certs',
  }],
});

app.synth();
