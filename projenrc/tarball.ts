/**
 * `npx projen package:check` (the last step of `npx projen package`, so of `npx projen build`):
 * checks the npm tarball that jsii-pacmak packed into dist/js before anyone publishes it. It must hold
 * the compiled code of every source file with its typings, the .jsii assembly, README, LICENSE,
 * NOTICE, API.md and the bundled dependencies; it must hold no TypeScript sources, tests, examples,
 * benchmarks or build files; and it must stay within the size budget. Prints the sizes either way.
 *
 *   npx projen package:check                       # dist/js/<name>@<version>.jsii.tgz of this checkout
 *   ts-node projenrc/tarball.ts <file.tgz>         # any tarball, checked against this checkout
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Size budget of the tarball (README "Development" states it). */
export const BUDGET = { packedBytes: 1536 * 1024, unpackedBytes: 6 * 1024 * 1024 };

/** One file of a tarball, its path relative to the package root (no leading `package/`). */
export interface TarballFile {
  readonly path: string;
  readonly size: number;
}

/** The regular files of a .tgz (ustar, with pax and GNU long names), in archive order. */
export function readTarball(gzipped: Buffer): TarballFile[] {
  const tar = zlib.gunzipSync(gzipped);
  const files: TarballFile[] = [];
  const text = (start: number, length: number) => tar.subarray(start, start + length).toString('utf-8').replace(/\0.*$/s, '');
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    if (tar.subarray(at, at + 512).every(b => b === 0)) break; // end of archive
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1) || '0';
    const prefix = text(at + 257, 6).startsWith('ustar') ? text(at + 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(at, 100)}` : text(at, 100));
    const body = tar.subarray(at + 512, at + 512 + size);
    longName = undefined;
    if (type === 'x') { // pax header: "<length> path=<name>\n" records for the next entry
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf-8'))?.[1];
    } else if (type === 'L') { // GNU long name
      longName = body.toString('utf-8').replace(/\0.*$/s, '');
    } else if (type === '0' || type === '7') {
      files.push({ path: name.replace(/^[^/]+\//, ''), size });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** What the tarball must hold, derived from the checkout. */
export interface Expectations {
  /** package.json of the checkout. */
  readonly pkg: any;
  /** The TypeScript files jsii compiles (repo-relative), e.g. `src/index.ts`, `imports/….ts`. */
  readonly sources: readonly string[];
}

/** Files that never belong in the tarball (sources, tests, examples, benchmarks, build and CI files). */
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/^(src|test|examples|bench|projenrc|imports|coverage|test-reports|dist|\.ci|\.github|\.projen)\//, 'a source, test, example, benchmark or build directory'],
  [/^(?!node_modules\/).*(?<!\.d)\.tsx?$/, 'a TypeScript source (jsii needs only .js, .d.ts and .jsii)'],
  [/(^|\/)__snapshots__\/|\.snap$|\.test\.[jt]s$/, 'a test file'],
  [/^(tsconfig[^/]*\.json|\.projenrc\.ts|\.eslintrc\.json|\.gitattributes|\.gitignore|\.mergify\.yml|junit\.xml)$|\.tsbuildinfo$|\.tgz$/, 'a build file'],
];

/** Every problem with the tarball's file list (none: it may be published). */
export function tarballProblems(files: readonly TarballFile[], expect: Expectations): string[] {
  const problems: string[] = [];
  const paths = new Set(files.map(f => f.path));
  const need = (file: string, why: string) => {
    const normal = path.posix.normalize(file);
    if (!paths.has(normal)) problems.push(`missing ${normal}: ${why}`);
  };

  for (const file of ['package.json', 'README.md', 'LICENSE', 'NOTICE', 'API.md', '.jsii']) need(file, 'every release carries it');
  const { pkg } = expect;
  if (pkg.main) need(pkg.main, 'package.json "main"');
  if (pkg.types) need(pkg.types, 'package.json "types"');
  const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, target] of Object.entries<string>(bins)) need(target, `the "${name}" command (package.json "bin")`);
  for (const source of expect.sources) {
    const compiled = `lib/${source.replace(/\.ts$/, '')}`;
    need(`${compiled}.js`, `compiled from ${source}`);
    need(`${compiled}.d.ts`, `typings of ${source}`);
  }
  const compiledFrom = new Set(expect.sources.map(source => `lib/${source.replace(/\.ts$/, '')}`));
  for (const file of files) {
    const stem = /^lib\/(.*?)(\.d\.ts|\.js)$/.exec(file.path);
    if (stem && !compiledFrom.has(`lib/${stem[1]}`)) problems.push(`unexpected ${file.path}: no source compiles to it (left over from an earlier compile? \`rm -rf lib\` and build again)`);
  }
  for (const dep of pkg.bundledDependencies ?? pkg.bundleDependencies ?? []) need(`node_modules/${dep}/package.json`, 'a bundled dependency');

  for (const file of files) {
    const forbidden = FORBIDDEN.find(([pattern]) => pattern.test(file.path));
    if (forbidden) problems.push(`unexpected ${file.path}: ${forbidden[1]}`);
  }
  return problems;
}

/** Size problems (none: within the budget). */
export function budgetProblems(packedBytes: number, unpackedBytes: number, budget = BUDGET): string[] {
  const problems: string[] = [];
  if (packedBytes > budget.packedBytes) problems.push(`packed size ${kib(packedBytes)} is over the budget of ${kib(budget.packedBytes)}`);
  if (unpackedBytes > budget.unpackedBytes) problems.push(`unpacked size ${kib(unpackedBytes)} is over the budget of ${kib(budget.unpackedBytes)}`);
  return problems;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/** The TypeScript files jsii compiles: tsconfig.json `include` is src/**, imports/** (tests live in test/). */
export function compiledSources(root: string): string[] {
  const walk = (dir: string): string[] => !fs.existsSync(path.join(root, dir)) ? [] : fs.readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap(entry => entry.isDirectory() ? walk(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`]);
  return ['src', 'imports'].flatMap(walk).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
}

/** The tarball `npx projen package` wrote for this checkout's package.json. */
export function tarballOf(root: string, pkg: any): string {
  const dir = path.join(root, 'dist', 'js');
  const suffix = `@${pkg.version}.jsii.tgz`;
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith(suffix)) : [];
  if (found.length !== 1) {
    throw new Error(`expected one dist/js/*${suffix}, found ${found.length ? found.join(', ') : 'none'}: build it with \`npx projen compile && npx projen package\``);
  }
  return path.join(dir, found[0]);
}

export function main(root: string, tarball?: string, log: (line: string) => void = console.log): number {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  const file = tarball ?? tarballOf(root, pkg);
  const packed = fs.statSync(file).size;
  const files = readTarball(fs.readFileSync(file));
  const unpacked = files.reduce((sum, f) => sum + f.size, 0);

  const share = new Map<string, number>();
  for (const f of files) {
    const group = f.path.startsWith('node_modules/') ? f.path.split('/').slice(0, 2).join('/') : f.path.includes('/') ? `${f.path.split('/')[0]}/` : f.path;
    share.set(group, (share.get(group) ?? 0) + f.size);
  }
  log(`${path.relative(root, file) || file}: ${files.length} files, ${kib(packed)} packed, ${kib(unpacked)} unpacked `
    + `(budget ${kib(BUDGET.packedBytes)} packed, ${kib(BUDGET.unpackedBytes)} unpacked)`);
  log(`  largest: ${[...share].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([group, size]) => `${group} ${kib(size)}`).join(', ')}`);

  const problems = [...tarballProblems(files, { pkg, sources: compiledSources(root) }), ...budgetProblems(packed, unpacked)];
  for (const problem of problems) log(`  FAIL ${problem}`);
  if (problems.length) {
    log(`${problems.length} problem(s): fix .npmignore (via .projenrc.ts) or the build, then \`npx projen package\` again`);
    return 1;
  }
  log('  the tarball holds the compiled code, typings, .jsii, README, LICENSE, NOTICE and API.md, and nothing it should not');
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.cwd(), process.argv[2] && path.resolve(process.argv[2]));
  } catch (e) {
    console.error(`package:check: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
