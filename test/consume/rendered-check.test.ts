import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  AksIdentityBinding, AzureKeyVaultProvider, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SecretsStoreCsiDriver,
} from '../../src';
import { check } from '../../src/check/checker';
import { messageOf } from '../../src/check/finding';
import { parseYaml } from '../../src/check/source';
import { errorOf } from '../util';

// Constructs check what they render: whatever changes a manifest after the props were checked (a
// JSON patch, an edit through the `apiObject` escape hatch) goes through the rules `validate` runs,
// and fails synth with the message `validate` prints for the same manifests.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

/** What `validate` prints (message and object, no file position) for the rendered objects, errors and warnings. */
function validateMessages(...objects: ApiObject[]): string[] {
  const yaml = objects.map(o => YAML.stringify(o.toJson())).join('---\n');
  return check(parseYaml(yaml, 'rendered.yaml')).findings
    .filter(f => f.severity !== 'note')
    .map(f => `[${f.kind} ${f.object}] ${messageOf(f)}`);
}

function app(identity: (binding: AksIdentityBinding) => KeyVaultIdentity) {
  const chart = new Chart(Testing.app(), 'kv', { namespace: 'demo' });
  const binding = new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
  const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'app' }, keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: identity(binding), objects: [KeyVaultObject.secret('s1')],
  });
  const deployment = new kplus.Deployment(chart, 'web', {
    metadata: { name: 'web' },
    serviceAccount: binding.addServiceAccount(chart, 'sa', { metadata: { name: 'web' } }),
    containers: [{ image: 'busybox', securityContext: { user: 1000 } }],
  });
  spc.mount(deployment);
  return { chart, spc, deployment };
}

describe('a JSON patch that breaks what a construct rendered fails synth with validate\'s message', () => {
  test('clientID renamed to clientId in an identity-binding class (the provider then has no client ID)', () => {
    const { chart, spc } = app(binding => binding.identity);
    spc.apiObject.addJsonPatch(JsonPatch.move('/spec/parameters/clientID', '/spec/parameters/clientId'));

    const expected = validateMessages(spc.apiObject);
    expect(expected).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[SecretProviderClass demo\/app\] spec\.parameters\.clientID null is invalid: identity binding signs in as a managed identity/),
      expect.stringMatching(/^\[SecretProviderClass demo\/app\] spec\.parameters\.clientId ".*" is invalid: the provider reads parameter names case-sensitively/),
    ]));
    const message = errorOf(() => Testing.synth(chart));
    for (const line of expected) expect(message).toContain(`[kv/spc] ${line}`);
  });

  test('clientID renamed in a workload-identity class: the pod volume then signs in as a service principal', () => {
    const { chart, spc, deployment } = app(() => KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));
    spc.apiObject.addJsonPatch(JsonPatch.move('/spec/parameters/clientID', '/spec/parameters/clientId'));
    const message = errorOf(() => Testing.synth(chart));
    expect(message).toMatch(/\[kv\/spc\] \[SecretProviderClass demo\/app\] spec\.parameters\.clientId ".*" is invalid: the provider reads parameter names case-sensitively and ignores "clientId"\. Fix: rename it to clientID\./);
    expect(message).toMatch(/\[kv\/web\] \[Deployment demo\/web\] spec\.template\.spec\.volumes\[0\]\.csi\.nodePublishSecretRef null is invalid: class demo\/app sets no identity, so the provider signs in with a service principal/);
    expect(deployment).toBeDefined();
  });

  test('a mounted workload with a hand-written CSI volume that is not read-only', () => {
    const { chart, deployment } = app(binding => binding.identity);
    ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/volumes', [
      { name: 'legacy', csi: { driver: 'secrets-store.csi.k8s.io', volumeAttributes: { secretProviderClass: 'app' } } },
    ]));
    expect(errorOf(() => Testing.synth(chart))).toMatch(
      /\[kv\/web\] \[Deployment demo\/web\] spec\.template\.spec\.volumes\[0\]\.csi\.readOnly null is invalid: the driver mounts only read-only volumes/);
  });

  test('the provider patched to dnsPolicy ClusterFirst next to an identity-binding class', () => {
    const { chart } = app(binding => binding.identity);
    const provider = new AzureKeyVaultProvider(chart, 'provider');
    provider.linuxDaemonSet!.addJsonPatch(JsonPatch.replace('/spec/template/spec/dnsPolicy', 'ClusterFirst'));
    expect(errorOf(() => Testing.synth(chart))).toMatch(
      /\[kv\/provider\] \[DaemonSet kube-system\/csi-secrets-store-provider-azure\] spec\.template\.spec\.dnsPolicy "ClusterFirst" is invalid: identity binding needs dnsPolicy "ClusterFirstWithHostNet"/);
  });

  test('the CSIDriver patched to request no token audience', () => {
    const { chart } = app(binding => binding.identity);
    const driver = new SecretsStoreCsiDriver(chart, 'driver');
    driver.csiDriver.addJsonPatch(JsonPatch.remove('/spec/tokenRequests'));
    expect(errorOf(() => Testing.synth(chart))).toMatch(
      /\[kv\/driver\] \[CSIDriver secrets-store\.csi\.k8s\.io\] spec\.tokenRequests \[\] is invalid: .* signs in with a service-account token for audience "api:\/\/AKSIdentityBinding", which the CSIDriver would not request/);
  });

  test('an identity-binding ClusterRole patched to another client ID', () => {
    const { chart } = app(binding => binding.identity);
    const binding = chart.node.findChild('mi') as AksIdentityBinding;
    Testing.synth(chart); // grants exist at synth: the pair for namespace demo; then a patch, and synth again
    binding.clusterRoles[0].addJsonPatch(JsonPatch.replace('/rules/0/resources/0', '00000000-0000-0000-0000-000000000000'));
    expect(errorOf(() => Testing.synth(chart))).toMatch(/\[kv\/web\] \[Deployment demo\/web\] spec\.template\.spec\.serviceAccountName "web" is invalid: class demo\/app uses identity binding/);
  });

  test('without patches, the same apps synthesize', () => {
    expect(() => Testing.synth(app(binding => binding.identity).chart)).not.toThrow();
    const { chart } = app(binding => binding.identity);
    new SecretsStoreCsiDriver(chart, 'driver');
    new AzureKeyVaultProvider(chart, 'provider');
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
