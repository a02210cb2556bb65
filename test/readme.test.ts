/**
 * README.md is code users copy: every TypeScript block in it type-checks under the strict tsconfig
 * of `cdk8s init typescript-app` and synthesizes valid manifests, as written.
 *
 * A block is a complete main.ts unless the line right before its fence is a marker:
 *   <!-- readme-test: name <id> -->    names the block (a complete main.ts) so others can run in it
 *   <!-- readme-test: inside <id> -->  the block runs inside block <id>, right before its last
 *                                      `app.synth();`; its import lines join the others at the top
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import { ofKind, only, parseObjects, podSpecOf, validateManifests } from './util';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
const PACKAGE = 'cdk8s-azure-keyvault-csi';

interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  readonly name?: string;
  readonly inside?: string;
}

function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed code block`);
    const marker = /^<!-- readme-test: (name|inside) ([\w-]+) -->$/.exec(lines[i - 1] ?? '');
    blocks.push({
      line: i + 1,
      code: lines.slice(i + 1, end).join('\n') + '\n',
      name: marker?.[1] === 'name' ? marker[2] : undefined,
      inside: marker?.[1] === 'inside' ? marker[2] : undefined,
    });
    i = end;
  }
  return blocks;
}

const BLOCKS = blocksOf(README);

/** The program a block runs as: itself, or spliced into the block it says it runs inside. */
function programOf(block: Block): string {
  if (!block.inside) return block.code;
  const host = BLOCKS.find(b => b.name === block.inside);
  if (!host) throw new Error(`README.md:${block.line}: no block named ${block.inside}`);
  const base = programOf(host);
  const at = base.lastIndexOf('app.synth();');
  if (at < 0) throw new Error(`README.md:${host.line}: block ${block.inside} has no app.synth();`);
  const lines = block.code.split('\n');
  const imports = lines.filter(l => l.startsWith('import '));
  const body = lines.filter(l => !l.startsWith('import ')).join('\n');
  const withBody = base.slice(0, at) + body + base.slice(at);
  const lastImport = withBody.lastIndexOf('\nimport ');
  const afterImports = withBody.indexOf('\n', lastImport + 1) + 1;
  return withBody.slice(0, afterImports) + imports.map(l => l + '\n').join('') + withBody.slice(afterImports);
}

/** Type-checks every block as its own file, with `cdk8s init typescript-app`'s compiler options. */
function typeCheck(programs: string[]): string[] {
  const files = new Map(programs.map((code, i) => [path.join(ROOT, `readme-block-${i}.ts`), code]));
  const options: ts.CompilerOptions = {
    // node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json
    alwaysStrict: true,
    experimentalDecorators: true,
    lib: ['lib.es2016.d.ts'],
    module: ts.ModuleKind.CommonJS,
    noEmit: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    target: ts.ScriptTarget.ES2017,
    types: ['node'],
    // The package name resolves to this checkout.
    paths: { [PACKAGE]: [path.join(ROOT, 'src', 'index.ts')] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version, ...rest) => files.has(name)
    ? ts.createSourceFile(name, files.get(name)!, version)
    : getSourceFile.call(host, name, version, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = name => files.has(name) || fileExists.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host);
  // Only the README's files: the library's own sources are checked by its build, with its own lib.
  const diagnostics = [...files.keys()].flatMap(name => {
    const file = program.getSourceFile(name)!;
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  });
  return [...program.getOptionsDiagnostics(), ...diagnostics].map(d => {
    if (!d.file) return ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    const index = [...files.keys()].indexOf(d.file!.fileName);
    return `block ${index} line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}\n  ${d.file!.text.split('\n')[line]}`;
  });
}

/** Runs a program with the package name resolved to this checkout; every App writes to `outdir`. */
function run(code: string, outdir: string): void {
  const source = code.replace(/new App\(\)/g, `new App({ outdir: ${JSON.stringify(outdir)} })`);
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const library = path.join(ROOT, 'src');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFromReadme = (id: string) => require(id === PACKAGE ? library : id);
  const quiet = { ...console, log: () => {}, error: () => {} };
  new Function('require', 'exports', 'console', outputText)(requireFromReadme, {}, quiet);
}

/** Synthesizes a block and returns every document it wrote, validated. */
function synthesize(block: Block): { files: Map<string, any[]>; manifests: any[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  run(programOf(block), outdir);
  const files = new Map<string, any[]>();
  for (const file of fs.readdirSync(outdir).sort()) {
    files.set(file, YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf-8')).map(d => d.toJS()).filter(d => d));
  }
  const manifests = [...files.values()].flat();
  validateManifests(manifests);
  return { files, manifests };
}

function named(name: string): Block {
  const block = BLOCKS.find(b => b.name === name);
  if (!block) throw new Error(`README.md has no block named ${name}`);
  return block;
}

describe('README TypeScript blocks', () => {
  test('there are blocks, and the Quick start section has exactly one: a complete main.ts', () => {
    expect(BLOCKS.length).toBeGreaterThan(5);
    const section = README.slice(README.indexOf('\n## Quick start\n'));
    const quickStart = section.slice(0, section.indexOf('\n## ', 1));
    expect(blocksOf(quickStart).map(b => b.name)).toEqual(['quick-start']);
  });

  test('every block type-checks under the cdk8s typescript-app tsconfig (strict, noUnusedLocals, ES2016 lib)', () => {
    expect(typeCheck(BLOCKS.map(programOf))).toEqual([]);
  });

  test('the type check rejects what a fresh app would reject (unused locals; a cdk8s-plus-33 workload where cdk8s-plus-27 is expected)', () => {
    const errors = typeCheck([
      'import { App } from \'cdk8s\';\nconst app = new App();\nconst unused = 1;\napp.synth();\n',
      'import { App, Chart } from \'cdk8s\';\nimport * as kplus27 from \'cdk8s-plus-27\';\nimport * as kplus33 from \'cdk8s-plus-33\';\n'
      + 'const app = new App();\nconst mountOld = (pod: kplus27.AbstractPod) => pod.name;\n'
      + 'mountOld(new kplus33.Deployment(new Chart(app, \'c\'), \'d\'));\napp.synth();\n',
    ]);
    expect(errors).toEqual([
      expect.stringMatching(/^block 0 line 3: 'unused' is declared but its value is never read/),
      expect.stringMatching(/^block 1 line 6: .*Types have separate declarations of a private property/s),
    ]);
  });

  test.each(BLOCKS.map(b => [b.line, b] as const))('the block at line %d synthesizes valid manifests', (_line, block) => {
    expect(synthesize(block).manifests.length).toBeGreaterThan(0);
  });
});

describe('README quick start', () => {
  test('the install line names the packages the code imports', () => {
    const section = README.slice(README.indexOf('\n## Quick start\n'));
    const install = /```bash\n(npm install [^\n]*)\n/.exec(section)?.[1];
    expect(install?.split(' ').slice(2).sort()).toEqual([PACKAGE, 'cdk8s-plus-27']);
    // cdk8s, cdk8s-plus-33 and constructs come with `cdk8s init typescript-app`.
    const imported = [...named('quick-start').code.matchAll(/from '([^']+)'/g)].map(m => m[1]).sort();
    expect(imported).toEqual(['cdk8s', 'cdk8s-plus-33', PACKAGE].sort());
  });

  test('synthesizes what the README says it writes: a cdk8s-plus-33 Deployment mounting the class, its ServiceAccount granted', () => {
    // WHEN
    const { manifests } = synthesize(named('quick-start'));

    // THEN
    expect(manifests.map(m => m.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'SecretProviderClass', 'ServiceAccount']);
    const spc = only(manifests, 'SecretProviderClass');
    expect(spc.spec.provider).toBe('azure');
    expect(Object.keys(spc.spec.parameters).sort()).toEqual(['clientID', 'keyvaultName', 'objects', 'tenantID', 'useAzureTokenProxy']);
    expect(spc.spec.parameters.useAzureTokenProxy).toBe('true');
    expect(parseObjects(spc)).toEqual([{ objectName: 'secret1', objectType: 'secret' }, { objectName: 'key1', objectType: 'key' }]);
    const clientId = spc.spec.parameters.clientID;
    expect(only(manifests, 'ClusterRole').rules).toEqual([{ apiGroups: ['cid.wi.aks.azure.com'], resources: [clientId], verbs: ['use-managed-identity'] }]);
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);
    const pod = podSpecOf(only(manifests, 'Deployment'));
    expect(pod.serviceAccountName).toBe('workload');
    expect(pod.volumes).toEqual([{ name: spc.metadata.name, csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: spc.metadata.name } } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: spc.metadata.name, mountPath: '/mnt/secrets-store', readOnly: true }]);
  });
});

describe('README: two teams sharing one identity', () => {
  test('each team\'s app grants only its own ServiceAccount, and syncs its Secret in its own namespace', () => {
    const { files } = synthesize(named('two-teams'));
    for (const team of ['team-a', 'team-b']) {
      const manifests = files.get(`${team}.k8s.yaml`)!;
      expect(ofKind(manifests, 'ClusterRoleBinding').flatMap(b => b.subjects)).toEqual([{ kind: 'ServiceAccount', name: 'web', namespace: team }]);
      const spc = only(manifests, 'SecretProviderClass');
      expect(spc.metadata.namespace).toBe(team);
      expect(spc.spec.secretObjects.map((s: any) => s.secretName)).toEqual(['db']);
      const deployment = only(manifests, 'Deployment');
      expect(deployment.metadata.namespace).toBe(team);
      expect(podSpecOf(deployment).containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'db' } } }]);
      expect(podSpecOf(deployment).volumes[0].csi.volumeAttributes.secretProviderClass).toBe(spc.metadata.name);
    }
    // Applied to one cluster, neither app's cluster-scoped RBAC replaces the other's.
    const rbacNames = (team: string) => files.get(`${team}.k8s.yaml`)!.filter(m => m.kind.startsWith('ClusterRole')).map(m => `${m.kind}/${m.metadata.name}`);
    expect(rbacNames('team-a')).toHaveLength(2);
    expect(rbacNames('team-a').filter(name => rbacNames('team-b').includes(name))).toEqual([]);
    const platform = [...files.get('platform.k8s.yaml')!];
    expect(ofKind(platform, 'ClusterRole').map(r => r.metadata.name)).toContain('secretprovidersyncing-role');
    expect(only(platform, 'CSIDriver').spec.tokenRequests).toEqual([{ audience: 'api://AKSIdentityBinding' }]);
  });
});

describe('README: the Azure side', () => {
  const MARKER = '<!-- readme-output: azure.k8s.yaml of the block above -->';

  test('the YAML shown is exactly what the block above it writes', () => {
    const lines = README.split('\n');
    const at = lines.indexOf(MARKER);
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('```yaml');
    const shown = lines.slice(at + 2, lines.indexOf('```', at + 2)).join('\n');
    const block = [...BLOCKS].reverse().find(b => b.line < at + 1)!;
    expect(block.code).toContain('new AzureAccess(');
    const written = synthesize(block).files.get('azure.k8s.yaml');
    expect(written).toEqual(YAML.parseAllDocuments(shown).map(d => d.toJS()));
    // Least privilege for the Quick start's secret1 and key1: the two roles, and the binding.
    expect(written!.map(o => [o.kind, o.spec.roleDefinitionReference?.armId])).toEqual([
      ['RoleAssignment', '/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2'],
      ['RoleAssignment', '/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6'],
      ['IdentityBinding', undefined],
    ]);
  });
});
