/**
 * Publishing (projenrc/publishing.ts and the scripts it wires): the release guard, the npm tarball
 * check, the `npm pack` guard, the compatibility task's version arithmetic, and the generated
 * workflows and tasks that make the release refuse placeholders and publish all five languages.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { compareVersions, lowestOf } from './e2e/compatibility';
import { packRefusal, PACKAGE_COMMAND } from '../projenrc/pack-guard';
import { formatProblem, main as releaseCheck, releaseProblems } from '../projenrc/release-check';
import { BUDGET, budgetProblems, compiledSources, readTarball, TarballFile, tarballProblems } from '../projenrc/tarball';

const ROOT = path.resolve(__dirname, '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publishing-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

/** This package.json with every owner-specific name set to `values`. */
function withNames(values: { repo: string; email: string; javaPackage: string; groupId: string; goModule: string }): any {
  const pkg = structuredClone(PKG);
  pkg.repository.url = values.repo;
  pkg.author = { ...pkg.author, email: values.email };
  pkg.jsii.targets.java.package = values.javaPackage;
  pkg.jsii.targets.java.maven.groupId = values.groupId;
  pkg.jsii.targets.go.moduleName = values.goModule;
  return pkg;
}
const FILLED = withNames({
  repo: 'https://github.com/contoso/cdk8s-azure-keyvault-csi.git',
  email: 'maintainers@contoso.com',
  javaPackage: 'io.github.contoso.azurekeyvaultcsi',
  groupId: 'io.github.contoso',
  goModule: 'github.com/contoso/cdk8s-azure-keyvault-csi-go',
});
const PLACEHOLDERS = withNames({
  repo: 'https://github.com/example.invalid/cdk8s-azure-keyvault-csi.git',
  email: 'maintainers@example.invalid',
  javaPackage: 'invalid.example.cdk8s.azurekeyvaultcsi',
  groupId: 'invalid.example',
  goModule: 'github.com/example.invalid/cdk8s-azure-keyvault-csi-go',
});

describe('release:check', () => {
  test('releases a package whose names are filled in', () => {
    expect(releaseProblems(FILLED)).toEqual([]);
  });

  test('refuses every placeholder, naming the field, the value and the PUBLISHING key', () => {
    const problems = releaseProblems(PLACEHOLDERS);
    expect(problems.map(p => p.field)).toEqual([
      'repository.url', 'author.email', 'jsii.targets.java.package', 'jsii.targets.java.maven.groupId', 'jsii.targets.go.moduleName',
    ]);
    expect(formatProblem(problems[0])).toBe(
      'repository.url "https://github.com/example.invalid/cdk8s-azure-keyvault-csi.git" is invalid: it is a placeholder '
      + '(the reserved example.invalid domain), not the owner\'s name. '
      + 'Fix: set PUBLISHING.repositoryUrl at the top of .projenrc.ts, run `npx projen` and commit.');
    expect(problems.find(p => p.field === 'jsii.targets.go.moduleName')!.fix).toContain('PUBLISHING.go.moduleName');
  });

  test('refuses names the release workflow cannot publish', () => {
    const pkg = structuredClone(FILLED);
    pkg.repository.url = 'https://gitlab.com/contoso/cdk8s-azure-keyvault-csi.git';
    pkg.jsii.targets.go.moduleName = 'go.contoso.com/cdk8s-azure-keyvault-csi-go';
    pkg.license = 'UNLICENSED';
    pkg.private = true;
    expect(releaseProblems(pkg).map(p => p.field)).toEqual(['repository.url', 'jsii.targets.go.moduleName', 'license', 'private']);
  });

  test('the command exits 1 and prints each problem, or 0', () => {
    const dir = tempDir();
    const lines: string[] = [];
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(PLACEHOLDERS));
    expect(releaseCheck(dir, line => lines.push(line))).toBe(1);
    expect(lines[0]).toBe(`release:check: refusing to release, 5 problem(s) in ${path.join(dir, 'package.json')}:`);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}jsii\.targets\.java\.maven\.groupId "invalid\.example" is invalid: /));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(FILLED));
    expect(releaseCheck(dir, () => undefined)).toBe(0);
  });
});

describe('generated release machinery', () => {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;
  const workflow = (name: string) => YAML.parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', `${name}.yml`), 'utf-8'));

  test('`npx projen release` runs release:check first, then bump, build and unbump', () => {
    expect(tasks.release.steps.map((s: any) => s.spawn ?? s.exec ?? s.execArgs?.join(' '))).toEqual([
      'release:check', 'rm -fr dist', 'bump', 'build', 'unbump', 'git diff --ignore-space-at-eol --exit-code',
    ]);
  });

  test('`npx projen build` packs the tarball and checks it', () => {
    expect(tasks.build.steps.map((s: any) => s.spawn)).toContain('package');
    expect(tasks.package.steps).toEqual([{ spawn: 'package:js' }, { spawn: 'package:check' }]);
    expect(tasks['package:js'].steps[0].execArgs).toEqual(['jsii-pacmak', '-v', '--target', 'js']);
  });

  test('npm runs the pack guard before `npm pack` and `npm publish`', () => {
    expect(PKG.scripts.prepack).toBe('projen prepack');
    expect(tasks.prepack.steps[0].exec).toContain('projenrc/pack-guard.ts');
  });

  test('the release workflow releases through `npx projen release` and publishes all five languages with their secrets', () => {
    const release = workflow('release');
    expect(release.on.push.branches).toEqual(['main']);
    expect(release.jobs.release.steps.map((s: any) => s.run)).toContain('npx projen release');
    const secrets = (job: string) => Object.values(release.jobs[job].steps.find((s: any) => s.name === 'Release').env)
      .map(String).flatMap(v => /secrets\.(\w+)/.exec(v)?.[1] ?? []).sort();
    expect(secrets('release_npm')).toEqual(['NPM_TOKEN']);
    expect(secrets('release_pypi')).toEqual(['TWINE_PASSWORD', 'TWINE_USERNAME']);
    expect(secrets('release_maven')).toEqual(['MAVEN_GPG_PRIVATE_KEY', 'MAVEN_GPG_PRIVATE_KEY_PASSPHRASE', 'MAVEN_PASSWORD', 'MAVEN_STAGING_PROFILE_ID', 'MAVEN_USERNAME']);
    expect(secrets('release_nuget')).toEqual(['NUGET_API_KEY']);
    expect(secrets('release_golang')).toEqual(['GO_GITHUB_TOKEN']);
    expect(Object.keys(release.jobs).sort()).toEqual(['release', 'release_github', 'release_golang', 'release_maven', 'release_npm', 'release_nuget', 'release_pypi']);
  });

  test('the build workflow runs .ci/run with read-only permissions, then packages every language', () => {
    const build = workflow('build');
    expect(build.jobs.build.permissions).toEqual({ contents: 'read' });
    expect(build.jobs.build.steps.filter((s: any) => s.run).map((s: any) => s.run)[0]).toBe('bash .ci/run');
    expect(build.jobs['self-mutation']).toBeUndefined();
    expect(Object.keys(build.jobs).filter(j => j.startsWith('package-')).sort())
      .toEqual(['package-dotnet', 'package-go', 'package-java', 'package-js', 'package-python']);
  });

  test('the package is Apache-2.0, with LICENSE and NOTICE', () => {
    expect(PKG.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf-8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    const notice = fs.readFileSync(path.join(ROOT, 'NOTICE'), 'utf-8');
    expect(notice.split('\n').slice(0, 2)).toEqual([PKG.name, expect.stringMatching(/^Copyright \d{4}(-\d{4})? \S.*$/)]);
    expect(notice).toContain('yaml');
  });
});

describe('the npm tarball check', () => {
  const SOURCES = ['src/index.ts', 'src/check/cli.ts', 'imports/secrets-store.csi.x-k8s.io.ts'];
  const PKG_FIXTURE = { name: 'lib', main: 'lib/src/index.js', types: 'lib/src/index.d.ts', bin: { lib: 'lib/src/check/cli.js' }, bundledDependencies: ['yaml'] };
  const good: TarballFile[] = [
    'package.json', 'README.md', 'LICENSE', 'NOTICE', 'API.md', '.jsii', 'node_modules/yaml/package.json', 'node_modules/yaml/dist/index.d.ts',
    ...SOURCES.flatMap(s => [`lib/${s.replace(/\.ts$/, '.js')}`, `lib/${s.replace(/\.ts$/, '.d.ts')}`]),
  ].map(p => ({ path: p, size: 1 }));
  const problemsOf = (files: TarballFile[]) => tarballProblems(files, { pkg: PKG_FIXTURE, sources: SOURCES });

  test('accepts a tarball with every compiled file and nothing else', () => {
    expect(problemsOf(good)).toEqual([]);
  });

  test('names what is missing: what the checkout compiles, package.json targets, release files, bundled dependencies', () => {
    const without = (...drop: string[]) => good.filter(f => !drop.includes(f.path));
    expect(problemsOf(without('lib/src/check/cli.js'))).toEqual([
      'missing lib/src/check/cli.js: the "lib" command (package.json "bin")',
      'missing lib/src/check/cli.js: compiled from src/check/cli.ts',
    ]);
    expect(problemsOf(without('lib/imports/secrets-store.csi.x-k8s.io.d.ts'))).toEqual(['missing lib/imports/secrets-store.csi.x-k8s.io.d.ts: typings of imports/secrets-store.csi.x-k8s.io.ts']);
    expect(problemsOf(without('LICENSE', '.jsii'))).toEqual(['missing LICENSE: every release carries it', 'missing .jsii: every release carries it']);
    expect(problemsOf(without('node_modules/yaml/package.json'))).toEqual(['missing node_modules/yaml/package.json: a bundled dependency']);
  });

  test('refuses sources, tests, examples, benchmarks, build files and left-over compiled files', () => {
    const extra = ['src/index.ts', 'test/publishing.test.ts', 'examples/identity-binding/main.ts', 'bench/run.ts', 'lib/src/x.test.js',
      'tsconfig.json', '.projenrc.ts', 'lib/src/old.js', 'foo.tgz', 'lib/src/index.ts'];
    const problems = problemsOf([...good, ...extra.map(p => ({ path: p, size: 1 }))]);
    for (const file of extra) expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^unexpected ${file.replace(/\./g, '\\.')}: `)));
    expect(problems).toContain('unexpected lib/src/old.js: no source compiles to it (left over from an earlier compile? `rm -rf lib` and build again)');
    expect(problemsOf([...good, { path: 'node_modules/yaml/dist/index.ts', size: 1 }])).toEqual([]); // bundled dependencies are theirs
  });

  test('fails above the size budget', () => {
    expect(budgetProblems(BUDGET.packedBytes, BUDGET.unpackedBytes)).toEqual([]);
    expect(budgetProblems(BUDGET.packedBytes + 1, BUDGET.unpackedBytes + 1)).toEqual([
      'packed size 1536 KiB is over the budget of 1536 KiB', 'unpacked size 6144 KiB is over the budget of 6144 KiB',
    ]);
  });

  test.each(['gnu', 'pax', 'ustar'])('reads a real .tgz (%s format), long paths included', format => {
    const dir = tempDir();
    const long = `lib/${'deep/'.repeat(30)}file.js`; // over tar's 100-character name field
    for (const [file, content] of [['package/package.json', '{}'], [`package/${long}`, 'x'.repeat(700)]]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    execFileSync('tar', [`--format=${format}`, '-czf', 'out.tgz', 'package'], { cwd: dir });
    expect(readTarball(fs.readFileSync(path.join(dir, 'out.tgz'))).sort((a, b) => a.path.localeCompare(b.path)))
      .toEqual([{ path: long, size: 700 }, { path: 'package.json', size: 2 }]);
  });

  test('expects every TypeScript file jsii compiles, and no test', () => {
    const sources = compiledSources(ROOT);
    expect(sources).toContain('src/index.ts');
    expect(sources).toContain('src/check/cli.ts');
    expect(sources.some(s => s.startsWith('imports/'))).toBe(true);
  });
});

describe('the npm pack guard', () => {
  function checkout(files: Record<string, string>): string {
    const dir = tempDir();
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    return dir;
  }
  const pkg = JSON.stringify({ name: 'lib', version: '1.2.3', main: 'lib/src/index.js', types: 'lib/src/index.d.ts', bin: { lib: 'lib/src/check/cli.js' } });
  const compiled = { '.jsii': JSON.stringify({ name: 'lib', version: '1.2.3' }), 'lib/src/index.js': '', 'lib/src/index.d.ts': '', 'lib/src/check/cli.js': '' };

  test('refuses a checkout that was never compiled (right after npm ci), naming the command', () => {
    expect(packRefusal(checkout({ 'package.json': pkg }))).toBe('nothing is compiled here (no .jsii)');
    expect(PACKAGE_COMMAND).toContain('npx projen build');
  });

  test('refuses when a file package.json names is missing, or .jsii is another version', () => {
    const { ['lib/src/check/cli.js']: _, ...noBin } = compiled;
    expect(packRefusal(checkout({ 'package.json': pkg, ...noBin }))).toBe('lib/src/check/cli.js is missing (package.json names it)');
    expect(packRefusal(checkout({ 'package.json': pkg, ...compiled, '.jsii': JSON.stringify({ name: 'lib', version: '0.0.0' }) })))
      .toBe('.jsii was compiled for lib@0.0.0, but package.json is lib@1.2.3');
  });

  test('lets a compiled checkout be packed', () => {
    expect(packRefusal(checkout({ 'package.json': pkg, ...compiled }))).toBeUndefined();
  });
});

describe('compatibility versions', () => {
  test('the lowest version of a peer range', () => {
    expect(['^2.70.106', '~2.70.106', '>=2.70.106', '2.70.106'].map(lowestOf)).toEqual(Array(4).fill('2.70.106'));
    expect(() => lowestOf('2.x || 3.x')).toThrow('peer range "2.x || 3.x" is not ^x.y.z');
    // Every peer range this package declares has a lowest version the compatibility task can install.
    expect(Object.values<string>(PKG.peerDependencies).map(lowestOf)).toHaveLength(Object.keys(PKG.peerDependencies).length);
  });

  test('versions compare numerically, not as strings', () => {
    expect(['2.70.98', '2.70.106', '2.9.5', '2.70.100'].sort(compareVersions)).toEqual(['2.9.5', '2.70.98', '2.70.100', '2.70.106']);
  });
});
