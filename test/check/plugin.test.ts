import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The validation plugin through a real `cdk8s synth`: a temporary app whose cdk8s.yaml points a
 * `validations:` entry at a local module exporting the plugin class (the source, via ts-node).
 */

const ROOT = path.join(__dirname, '../..');
const CDK8S = path.join(ROOT, 'node_modules/.bin/cdk8s');
const register = `require(${JSON.stringify(path.join(ROOT, 'node_modules/ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, 'tsconfig.json'))} });`;

function app(readOnly: boolean, properties = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-plugin-'));
  fs.writeFileSync(path.join(dir, 'plugin.js'), `${register}\nmodule.exports = require(${JSON.stringify(path.join(ROOT, 'src/index.ts'))});\n`);
  fs.writeFileSync(path.join(dir, 'app.js'), `${register}
const { App, Chart, ApiObject } = require(${JSON.stringify(path.join(ROOT, 'node_modules/cdk8s'))});
const lib = require(${JSON.stringify(path.join(ROOT, 'src/index.ts'))});
const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });
new lib.KeyVaultSecretProviderClass(chart, 'spc', {
  metadata: { name: 'app-secrets' },
  keyVaultName: 'kvname',
  tenantId: '11111111-1111-1111-1111-111111111111',
  identity: lib.KeyVaultIdentity.workloadIdentity({ clientId: '22222222-2222-2222-2222-222222222222' }),
  objects: [lib.KeyVaultObject.secret('db-password')],
});
// Written by hand: the library did not check it at synth.
new ApiObject(chart, 'pod', {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hand-written' },
  spec: {
    serviceAccountName: 'app',
    containers: [{ name: 'app', image: 'busybox' }],
    volumes: [{ name: 's', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: ${readOnly}, volumeAttributes: { secretProviderClass: 'app-secrets' } } }],
  },
});
app.synth();
`);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `app: node app.js
validations:
  - package: ./plugin.js
    version: 0.0.0
    class: KeyVaultCsiValidation
${properties}`);
  return dir;
}

function synth(dir: string) {
  const result = spawnSync(CDK8S, ['synth', '--no-check-upgrade'], { cwd: dir, encoding: 'utf-8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

jest.setTimeout(120_000);

test('an error fails cdk8s synth, naming the construct path, resource, field and rule', () => {
  const { code, output } = synth(app(false));
  expect(output).toMatch(/Status\s+│ failure/);
  expect(output).toMatch(/workload-volume \(error\) \(1 occurrences\)/);
  expect(output).toMatch(/- Construct Path: demo\/pod/);
  expect(output).toMatch(/- Resource Name: hand-written/);
  expect(output).toMatch(/> spec\.volumes\[0\]\.csi\.readOnly \(line \d+\)/);
  expect(output).toMatch(/Recommendation: \[Pod demo\/hand-written\] spec\.volumes\[0\]\.csi\.readOnly false is invalid: the driver mounts only read-only volumes and fails with "Readonly is not true in request"\./);
  expect(output).toMatch(/How to fix: set csi\.readOnly: true/);
  expect(code).toBe(2);
});

test('without errors the synth passes; notes are logged', () => {
  const { code, output } = synth(app(true));
  expect(output).toMatch(/note: no CSIDriver secrets-store\.csi\.k8s\.io in the input/);
  expect(output).toMatch(/Status\s+│ success/);
  expect(output).toMatch(/Validations ended succesfully/);
  expect(code).toBe(0);
});

test('failOnWarnings: a warning fails the synth', () => {
  const dir = app(true, '    properties:\n      failOnWarnings: true\n');
  // A hand-written class in the deprecated v1alpha1: a warning.
  const legacy = `new ApiObject(chart, 'legacy', { apiVersion: 'secrets-store.csi.x-k8s.io/v1alpha1', kind: 'SecretProviderClass', metadata: { name: 'legacy' },
  spec: { provider: 'azure', parameters: { keyvaultName: 'kvname', tenantID: '11111111-1111-1111-1111-111111111111', usePodIdentity: 'false', objects: 'array:\\n  - |\\n    objectName: a\\n    objectType: secret\\n' } } });`;
  const source = fs.readFileSync(path.join(dir, 'app.js'), 'utf-8').replace('app.synth();', `${legacy}\napp.synth();`);
  fs.writeFileSync(path.join(dir, 'app.js'), source);
  const { code, output } = synth(dir);
  expect(output).toMatch(/spc-api-version \(warning\)/);
  expect(output).toMatch(/Status\s+│ failure/);
  expect(code).toBe(2);
});
