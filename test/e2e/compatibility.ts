/**
 * `npx projen compatibility`: the versions README "Compatibility" promises, tested from the packed
 * tarball (run `npx projen build`, or `npx projen compile && npx projen package`, first).
 *
 * For each end of the peer ranges, a temporary app gets the tarball plus
 *   - lowest: the lowest cdk8s, constructs and cdk8s-plus-27 that package.json `peerDependencies` allow;
 *   - newest: the newest versions on npm that those ranges allow;
 * and, in both, every cdk8s-plus major from 27 to 33 (the workloads `mount()` supports): the version
 * this repository tests with where it has one, else the newest on npm. npm must accept the install
 * (peer ranges consistent), every example under examples/ (importing the package instead of ../../src)
 * and an app mounting a Deployment of each cdk8s-plus major must type-check against the installed
 * typings (tsc, no skipLibCheck) and synthesize, and `validate` must pass on every file they write.
 * Each set runs on this Node.js and on each other major in --node (default 20,22,24; binaries from the
 * npm packages node-<platform>-<arch>, cached in node_modules/.cache/compatibility): every Node.js must
 * write byte-identical files. The lowest set, whose versions are the ones this repository develops
 * with, must also write exactly the committed examples/<name>/dist; differences of the newest set from
 * them are listed as notes (a newer cdk8s-plus may render its own objects differently).
 *
 *   npx projen compatibility [--node 20,22,24] [--keep]
 *
 * Needs the npm registry (or a warm npm cache). The last line is "N passed, N failed"; exits 1 on failure.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
/** The cdk8s-plus majors whose workloads `mount()` supports (README "Compatibility"). */
export const WORKLOAD_PLUS_MAJORS = [27, 28, 29, 30, 31, 32, 33];
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'compatibility');

let passed = 0;
let failed = 0;
const pass = (what: string) => { passed++; console.log(`PASS ${what}`); };
const fail = (what: string) => { failed++; console.log(`FAIL ${what}`); };
const note = (what: string) => console.log(`NOTE ${what}`);
const check = (ok: boolean, what: string) => (ok ? pass : fail)(what);

/** The lowest version a peer range allows: `^x.y.z`, `~x.y.z`, `>=x.y.z` or `x.y.z`. */
export function lowestOf(range: string): string {
  const match = /^(?:\^|~|>=\s*)?(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!match) throw new Error(`peer range "${range}" is not ^x.y.z, ~x.y.z, >=x.y.z or x.y.z; teach lowestOf() its lowest version`);
  return match[1];
}

function npmView(spec: string): string {
  const out = execFileSync('npm', ['view', spec, 'version', '--json'], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  const versions: string | string[] = JSON.parse(out);
  const list = Array.isArray(versions) ? versions : [versions];
  if (!list.length) throw new Error(`npm has no version of ${spec}`);
  return list.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b)); // npm's order is not semver order
}

/** Compares x.y.z versions numerically (npm leaves prereleases out of range queries). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function installedVersion(name: string): string | undefined {
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')).version : undefined;
}

export interface VersionSet {
  readonly name: 'lowest' | 'newest';
  readonly versions: Record<string, string>;
}

function versionSets(pkg: any): VersionSet[] {
  const peers: Record<string, string> = pkg.peerDependencies ?? {};
  const lowest: Record<string, string> = {};
  const newest: Record<string, string> = {};
  for (const major of WORKLOAD_PLUS_MAJORS) {
    const name = `cdk8s-plus-${major}`;
    newest[name] = npmView(name);
    lowest[name] = installedVersion(name) ?? newest[name];
  }
  for (const [name, range] of Object.entries(peers)) {
    lowest[name] = lowestOf(range);
    newest[name] = npmView(`${name}@${range}`);
  }
  return [{ name: 'lowest', versions: lowest }, { name: 'newest', versions: newest }];
}

/** A Node.js binary of `major`: this one, or node-<platform>-<arch> from npm (cached). */
function nodeBinary(major: string): string {
  if (process.versions.node.split('.')[0] === major) return process.execPath;
  const dir = path.join(CACHE, `node-${major}`);
  const pkgName = `node-${process.platform}-${process.arch}`;
  const binary = path.join(dir, 'node_modules', pkgName, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', `${pkgName}@${major}`], { stdio: 'pipe' });
  }
  return binary;
}

/** An app mounting one Deployment of every supported cdk8s-plus major. */
function workloadsApp(library: string): string {
  const imports = WORKLOAD_PLUS_MAJORS.map(major => `import * as plus${major} from 'cdk8s-plus-${major}';`);
  const deployments = WORKLOAD_PLUS_MAJORS.map(major => [
    `spc.mount(new plus${major}.Deployment(chart, 'plus-${major}', {`,
    `  metadata: { name: 'plus-${major}' },`,
    `  serviceAccount: new plus${major}.ServiceAccount(chart, 'sa-${major}', { metadata: { name: 'sa-${major}' } }),`,
    '  containers: [{ image: \'registry.k8s.io/e2e-test-images/busybox:1.29-4\', securityContext: { user: 1000, group: 1000 } }],',
    '}));',
  ].join('\n'));
  return `// Generated by test/e2e/compatibility.ts: mount() into a Deployment of every cdk8s-plus major.
import { App, Chart } from 'cdk8s';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass } from '${library}';
${imports.join('\n')}

const app = new App();
const chart = new Chart(app, 'workloads', { namespace: 'demo', disableResourceNameHashes: true });
const binding = new AksIdentityBinding(chart, 'mi', { clientId: '00000000-0000-0000-0000-000000000001' });
const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
  metadata: { name: 'spc' },
  keyVaultName: 'kvname',
  tenantId: '00000000-0000-0000-0000-000000000002',
  identity: binding.identity,
  objects: [KeyVaultObject.secret('secret1')],
});
${deployments.join('\n')}
app.synth();
`;
}

/** Runs every app in one Node.js process: chdir into its directory, CDK8S_OUTDIR, require its main.js. */
const RUNNER = `const path = require('path');
const [outRoot, ...apps] = process.argv.slice(2);
const failures = [];
for (const app of apps) {
  process.chdir(app);
  process.env.CDK8S_OUTDIR = path.join(outRoot, path.basename(app));
  try { require(path.join(app, 'main.js')); } catch (e) { failures.push(path.basename(app) + ': ' + (e && e.stack || e)); }
}
if (failures.length) { console.error(failures.join('\\n')); process.exit(1); }
`;

/** Relative path → content of every file under `dir`. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf-8'));
    }
  };
  if (fs.existsSync(dir)) walk('');
  return files;
}

/** Files that differ between two directories (missing on either side included). */
function differences(a: string, b: string): string[] {
  const left = filesUnder(a);
  const right = filesUnder(b);
  return [...new Set([...left.keys(), ...right.keys()])].sort().filter(f => left.get(f) !== right.get(f));
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}
const tail = (output: string, lines = 15) => output.trim().split('\n').slice(-lines).map(l => `    | ${l}`).join('\n');

function testSet(set: VersionSet, work: string, pkg: any, tarball: string, nodeMajors: string[]): void {
  console.log(`== ${set.name}: ${Object.entries(set.versions).map(([n, v]) => `${n}@${v}`).join(' ')}`);
  const dir = path.join(work, set.name);
  const appsDir = path.join(dir, 'apps');
  fs.mkdirSync(appsDir, { recursive: true });

  const apps: string[] = [];
  for (const name of fs.readdirSync(EXAMPLES).filter(n => fs.existsSync(path.join(EXAMPLES, n, 'cdk8s.yaml'))).sort()) {
    const app = path.join(appsDir, name);
    fs.cpSync(path.join(EXAMPLES, name), app, { recursive: true, filter: src => path.basename(src) !== 'dist' });
    const mainTs = path.join(app, 'main.ts');
    const code = fs.readFileSync(mainTs, 'utf-8').replace(/from '\.\.\/\.\.\/src'/g, `from '${pkg.name}'`);
    if (/from '\.\.?\//.test(code)) { fail(`${set.name}: examples/${name}/main.ts imports a relative module other than ../../src`); continue; }
    fs.writeFileSync(mainTs, code);
    apps.push(app);
  }
  const workloads = path.join(appsDir, 'compat-workloads');
  fs.mkdirSync(workloads);
  fs.writeFileSync(path.join(workloads, 'main.ts'), workloadsApp(pkg.name));
  apps.push(workloads);

  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: `compatibility-${set.name}`,
    private: true,
    dependencies: { ...set.versions, [pkg.name]: `file:${tarball}` },
  }, undefined, 2));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      lib: ['es2022'],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    },
    include: ['apps/*/main.ts'],
  }, undefined, 2));

  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  if (!install.ok) { fail(`${set.name}: npm install of the tarball with these versions\n${tail(install.output)}`); return; }
  pass(`${set.name}: npm install of the tarball with these versions (peer ranges satisfied)`);
  const tsc = run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
  if (!tsc.ok) { fail(`${set.name}: tsc of ${apps.length} apps against the installed typings\n${tail(tsc.output, 30)}`); return; }
  pass(`${set.name}: ${apps.length} apps (every example and mount() into cdk8s-plus ${WORKLOAD_PLUS_MAJORS[0]}-${WORKLOAD_PLUS_MAJORS[WORKLOAD_PLUS_MAJORS.length - 1]}) type-check against the installed typings`);
  fs.writeFileSync(path.join(dir, 'runner.js'), RUNNER);

  const outputs = new Map<string, string>();
  for (const major of nodeMajors) {
    let node: string;
    try {
      node = nodeBinary(major);
    } catch (e) {
      fail(`${set.name}: Node.js ${major} from npm: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const version = execFileSync(node, ['--version'], { encoding: 'utf-8' }).trim();
    const out = path.join(dir, `out-node-${major}`);
    const synth = run(node, [path.join(dir, 'runner.js'), out, ...apps], dir);
    if (!synth.ok) { fail(`${set.name}: synth of ${apps.length} apps on Node.js ${version}\n${tail(synth.output, 30)}`); continue; }
    pass(`${set.name}: ${apps.length} apps synthesize on Node.js ${version}`);
    outputs.set(major, out);
  }
  const [first, ...others] = [...outputs];
  if (!first) return;
  for (const [major, out] of others) {
    const diff = differences(first[1], out);
    check(diff.length === 0, `${set.name}: Node.js ${major} writes the same files as Node.js ${first[0]}${diff.length ? ` (differs: ${diff.slice(0, 5).join(', ')})` : ''}`);
  }

  const bin = path.join(dir, 'node_modules', '.bin', Object.keys(typeof pkg.bin === 'string' ? { [pkg.name]: '' } : pkg.bin)[0]);
  const invalid: string[] = [];
  for (const [file] of filesUnder(first[1])) {
    if (!file.endsWith('.yaml')) continue;
    const result = run(bin, ['validate', path.join(first[1], file)], dir);
    if (!result.ok) invalid.push(`${file}\n${tail(result.output, 8)}`);
  }
  check(invalid.length === 0, `${set.name}: \`validate\` passes on every file written${invalid.length ? `:\n${invalid.join('\n')}` : ''}`);

  const workloadsOut = fs.readFileSync(path.join(first[1], 'compat-workloads', 'workloads.k8s.yaml'), 'utf-8');
  for (const major of WORKLOAD_PLUS_MAJORS) {
    // The Deployment's pod template has the CSI volume of class "spc" and a read-only mount of it.
    const doc = workloadsOut.split(/^---$/m).find(d => /^kind: Deployment$/m.test(d) && new RegExp(`^  name: plus-${major}$`, 'm').test(d)) ?? '';
    check(/driver: secrets-store\.csi\.k8s\.io/.test(doc) && /secretProviderClass: spc/.test(doc) && /mountPath: \/mnt\/secrets-store/.test(doc),
      `${set.name}: mount() into a cdk8s-plus-${major} Deployment writes the secrets-store CSI volume and its mount`);
  }

  for (const app of apps.filter(a => a !== workloads)) {
    const name = path.basename(app);
    const diff = differences(path.join(EXAMPLES, name, 'dist'), path.join(first[1], name));
    const what = `${set.name}: examples/${name} writes exactly its committed dist/`;
    if (set.name === 'lowest') check(diff.length === 0, `${what}${diff.length ? ` (differs: ${diff.join(', ')})` : ''}`);
    else if (diff.length) note(`${what.replace('writes exactly', 'differs from')}: ${diff.join(', ')}`);
    else pass(what);
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const nodeArg = args.includes('--node') ? args[args.indexOf('--node') + 1] ?? '' : '20,22,24';
  const current = process.versions.node.split('.')[0];
  const nodeMajors = [current, ...nodeArg.split(',').map(s => s.trim()).filter(m => m && m !== current)];
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  const tarball = path.join(ROOT, 'dist', 'js', `${pkg.name}@${pkg.version}.jsii.tgz`);
  if (!fs.existsSync(tarball)) {
    fail(`no ${path.relative(ROOT, tarball)}: build it first with \`npx projen build\` (or \`npx projen compile && npx projen package\`)`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'compatibility-'));
  try {
    const [lowest, newest] = versionSets(pkg);
    testSet(lowest, work, pkg, tarball, nodeMajors);
    if (JSON.stringify(newest.versions) === JSON.stringify(lowest.versions)) {
      note('newest: npm has nothing newer than the lowest versions the peer ranges allow, so the newest set is the set tested above');
    } else {
      testSet(newest, work, pkg, tarball, nodeMajors);
    }
  } finally {
    if (args.includes('--keep')) console.log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const start = Date.now();
  try {
    main();
  } catch (e) {
    fail(`stopped: ${(e as Error).message}`);
  }
  console.log(`${((Date.now() - start) / 1000).toFixed(0)}s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
