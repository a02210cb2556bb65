/**
 * The README's quick start is code users copy: run it against the library and check what it
 * promises (the objects it says `cdk8s synth` writes).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import { only, parseObjects, validateManifests } from './util';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');

/** The first ```ts block after a heading. */
function codeAfter(heading: string): string {
  const section = README.slice(README.indexOf(`\n${heading}\n`));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`no ts code block after ${heading}`);
  return match[1];
}

/** Runs README code with the package name resolved to this checkout, synthesizing into `outdir`. */
function run(code: string, outdir: string): void {
  const source = code
    .replace(/'<managed identity client id>'/g, '\'00000000-0000-0000-0000-000000000001\'')
    .replace(/'<tenant id>'/g, '\'00000000-0000-0000-0000-000000000002\'')
    .replace('new App()', `new App({ outdir: ${JSON.stringify(outdir)} })`);
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const library = path.join(__dirname, '..', 'src');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFromReadme = (id: string) => require(id === 'cdk8s-azure-keyvault-csi' ? library : id);
  new Function('require', 'exports', outputText)(requireFromReadme, {});
}

describe('README quick start', () => {
  test('synthesizes what the README says it writes', () => {
    // GIVEN
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));

    // WHEN
    run(codeAfter('## Quick start'), outdir);

    // THEN
    const manifests = fs.readdirSync(outdir).flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map(d => d.toJS()));
    validateManifests(manifests);
    expect(manifests.map(m => m.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Pod', 'SecretProviderClass', 'ServiceAccount']);
    const spc = only(manifests, 'SecretProviderClass');
    expect(spc.spec.provider).toBe('azure');
    expect(Object.keys(spc.spec.parameters).sort()).toEqual(['clientID', 'keyvaultName', 'objects', 'tenantID', 'useAzureTokenProxy']);
    expect(spc.spec.parameters.useAzureTokenProxy).toBe('true');
    expect(parseObjects(spc)).toEqual([{ objectName: 'secret1', objectType: 'secret' }, { objectName: 'key1', objectType: 'key' }]);
    const serviceAccount = only(manifests, 'ServiceAccount', 'workload');
    expect(serviceAccount.metadata.annotations['azure.workload.identity/client-id']).toBe('00000000-0000-0000-0000-000000000001');
    expect(only(manifests, 'ClusterRole').rules).toEqual([{
      apiGroups: ['cid.wi.aks.azure.com'], resources: ['00000000-0000-0000-0000-000000000001'], verbs: ['use-managed-identity'],
    }]);
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);
    const pod = only(manifests, 'Pod').spec;
    expect(pod.serviceAccountName).toBe('workload');
    expect(pod.volumes[0].csi).toEqual({ driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'azure-kvname-idb' } });
    expect(pod.containers[0].volumeMounts).toEqual([{ name: pod.volumes[0].name, mountPath: '/mnt/secrets-store', readOnly: true }]);
  });
});
