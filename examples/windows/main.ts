// Key Vault objects in a Windows pod. The driver and the provider install their Windows DaemonSets
// (`windows: true`; both are needed) next to the Linux ones; the pod is an IIS container scheduled on
// Windows nodes with nodeSelector kubernetes.io/os: windows. It is the imported L1 `KubePod` (mount()
// takes any workload): cdk8s-plus pods carry Linux-only security defaults (runAsNonRoot,
// readOnlyRootFilesystem) that Windows nodes do not support. Identity: AKS identity binding
// (supported on Windows, as workload identity is; pod identity is Linux-only).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, AzureKeyVaultProvider, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

const app = new App();
const chart = new Chart(app, 'windows', { namespace: 'default', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const serviceAccount = binding.addServiceAccount(chart, 'service-account', { metadata: { name: 'windows-sa' } });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-kvname-windows', {
  metadata: { name: 'azure-kvname-windows' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  objects: [KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1')],
});

const pod = new kplus.k8s.KubePod(chart, 'iis', {
  metadata: { name: 'windows-secrets-store-inline-pod' },
  spec: {
    serviceAccountName: serviceAccount.name,
    nodeSelector: { 'kubernetes.io/os': 'windows' },
    containers: [{ name: 'iis', image: 'mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022' }],
  },
});
// C:\mnt\secrets-store in the container.
secrets.mount(pod, { volumeName: 'secrets-store01-inline' });

// Once per cluster, in kube-system.
const install = new Chart(app, 'install', { disableResourceNameHashes: true });
new SecretsStoreCsiDriver(install, 'driver', { windows: true });
new AzureKeyVaultProvider(install, 'provider', { windows: true });

app.synth();
