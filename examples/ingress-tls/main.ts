// The provider's "NGINX ingress controller with TLS" page (application-bound certificate) as a cdk8s
// app: the class `azure-tls` reads the Key Vault certificate `ingresscert` as a secret (objectType
// secret is the only way to get its private key) and syncs it into the kubernetes.io/tls Secret
// `ingress-tls-csi`; the Deployment `app-one` mounts the class, which makes the driver create that
// Secret; the Ingress `ingress-tls` terminates TLS for demo.test.com with it. Identity: AKS identity
// binding (upstream's page uses a service principal or pod identity).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass, SyncedSecretType } from '../../src';

// Replace with your managed identity's client ID and your tenant ID.
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const CERT_NAME = 'ingresscert';
const HOST = 'demo.test.com';

const app = new App();
const chart = new Chart(app, 'ingress-tls', { namespace: 'ingress-test', disableResourceNameHashes: true });

const binding = new AksIdentityBinding(chart, 'managed-identity', { clientId: CLIENT_ID });
const serviceAccount = binding.addServiceAccount(chart, 'service-account', { metadata: { name: 'ingress-tls-sa' } });

const secrets = new KeyVaultSecretProviderClass(chart, 'azure-tls', {
  metadata: { name: 'azure-tls' },
  keyVaultName: 'kvname',
  tenantId: TENANT_ID,
  identity: binding.identity,
  // The certificate's secret: its private key and certificate chain as PEM.
  objects: [KeyVaultObject.secret(CERT_NAME)],
});
const tls = secrets.syncSecret({
  secretName: 'ingress-tls-csi',
  type: SyncedSecretType.TLS,
  // The driver splits the PEM: the key into tls.key, the certificates into tls.crt.
  data: [{ objectName: CERT_NAME, key: 'tls.key' }, { objectName: CERT_NAME, key: 'tls.crt' }],
});

// An HTTP echo server standing in for upstream's busybox-one.
const deployment = new kplus.Deployment(chart, 'app-one', {
  metadata: { name: 'app-one', labels: { app: 'app-one' } },
  replicas: 1,
  serviceAccount,
  containers: [{
    name: 'app',
    image: 'registry.k8s.io/e2e-test-images/agnhost:2.39',
    args: ['netexec', '--http-port=8080'],
    ports: [{ number: 8080, name: 'http' }],
    securityContext: { user: 1000, group: 1000 },
  }],
});
secrets.mount(deployment, { volumeName: 'secrets-store-inline' });
const service = deployment.exposeViaService({ name: 'app-one', ports: [{ port: 80, targetPort: 8080 }] });

new kplus.Ingress(chart, 'ingress', {
  metadata: { name: 'ingress-tls' },
  className: 'nginx',
  tls: [{ hosts: [HOST], secret: tls.secret }],
  rules: [{ host: HOST, path: '/', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(service) }],
});

app.synth();
