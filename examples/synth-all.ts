/**
 * Synthesizes every example app (each `examples/<name>/` with a `cdk8s.yaml`) into its output
 * directory, honouring each example's `cdk8s.yaml`: its `app` command runs in the example's directory
 * with `CDK8S_OUTDIR` set to its `output` — what `cdk8s synth` does, without the CLI's start-up
 * (a leading `npx <bin>` runs the project's own node_modules/.bin/<bin> when it is installed).
 * `--cli` runs `cdk8s synth --no-check-upgrade` itself instead. Each output directory is removed
 * first; two examples run at a time; exits non-zero if any fails.
 *
 *   npx ts-node --transpile-only --project examples/tsconfig.json examples/synth-all.ts [--cli] [name...]
 *
 * The test suite (test/examples.test.ts) calls `synthAll()` and `synthExample()` from here.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Directory holding the examples. */
export const EXAMPLES_DIR = __dirname;

/** The project root (node_modules/.bin lives there). */
const ROOT = path.resolve(EXAMPLES_DIR, '..');

/** How many examples are synthesized at once (each is one Node process running ts-node). */
export const DEFAULT_PARALLELISM = 2;

/** Outcome of one example's synthesis. */
export interface SynthResult {
  readonly name: string;
  readonly ok: boolean;
  /** The app's (or CLI's) stdout and stderr, interleaved. */
  readonly log: string;
  readonly durationMs: number;
}

/** Options for `synthExample` and `synthAll`. */
export interface SynthOptions {
  /**
   * Output directory (absolute, or relative to the example).
   *
   * @default - the example's `cdk8s.yaml` `output` (dist)
   */
  readonly output?: string;

  /**
   * Run `cdk8s synth --no-check-upgrade` (the CLI) rather than the app command directly.
   *
   * @default false
   */
  readonly cli?: boolean;
}

/** What an example's cdk8s.yaml says (the two keys the examples use). */
export interface ExampleConfig {
  /** Command that runs the app (cdk8s.yaml `app`). */
  readonly app: string;
  /** Absolute output directory (cdk8s.yaml `output`, the CLI's default `dist`). */
  readonly output: string;
}

/** Names of the examples: the directories under examples/ that have a cdk8s.yaml, sorted. */
export function exampleNames(): string[] {
  return fs.readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter(entry => entry.isDirectory() && fs.existsSync(path.join(EXAMPLES_DIR, entry.name, 'cdk8s.yaml')))
    .map(entry => entry.name)
    .sort();
}

/** Reads the `app` and `output` of an example's cdk8s.yaml (flat `key: value` lines). */
export function configOf(name: string): ExampleConfig {
  const file = path.join(EXAMPLES_DIR, name, 'cdk8s.yaml');
  const text = fs.readFileSync(file, 'utf-8');
  const value = (key: string) => new RegExp(`^${key}:[ \\t]*(.*?)[ \\t]*$`, 'm').exec(text)?.[1]?.replace(/^(["'])(.*)\1$/, '$2');
  const app = value('app');
  if (!app) throw new Error(`${file} has no app command`);
  return { app, output: path.resolve(EXAMPLES_DIR, name, value('output') || 'dist') };
}

/** The output directory of an example. */
export function outputDirOf(name: string): string {
  return configOf(name).output;
}

/** `npx <bin> args` → the project's node_modules/.bin/<bin> when installed (what npx would run, without npm's start-up). */
function localCommand(command: string): string {
  const match = /^npx\s+([A-Za-z0-9@/._-]+)(.*)$/s.exec(command);
  if (!match) return command;
  const bin = path.join(ROOT, 'node_modules', '.bin', match[1]);
  return fs.existsSync(bin) ? `"${bin}"${match[2]}` : command;
}

/** Synthesizes one example into its output directory (removed first). Never rejects. */
export function synthExample(name: string, options: SynthOptions = {}): Promise<SynthResult> {
  const cwd = path.join(EXAMPLES_DIR, name);
  const started = Date.now();
  let config: ExampleConfig;
  try {
    config = configOf(name);
  } catch (error) {
    return Promise.resolve({ name, ok: false, log: String(error), durationMs: 0 });
  }
  const outdir = options.output ? path.resolve(cwd, options.output) : config.output;
  fs.rmSync(outdir, { recursive: true, force: true });
  const command = options.cli
    ? `${localCommand('npx cdk8s')} synth --no-check-upgrade --output "${outdir}"`
    : localCommand(config.app);
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    const child = spawn(command, {
      cwd,
      shell: true,
      env: { ...process.env, CDK8S_OUTDIR: outdir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const finish = (ok: boolean, extra = '') => resolve({
      name, ok, log: Buffer.concat(chunks).toString('utf-8') + extra, durationMs: Date.now() - started,
    });
    child.on('error', error => finish(false, `\n${command}: ${error.message}`));
    child.on('close', code => {
      if (code !== 0) return finish(false, `\n${command}: exit code ${code}`);
      // Like the CLI: an app that exits 0 but writes no manifests has failed.
      const manifests = fs.existsSync(outdir) ? fs.readdirSync(outdir).filter(file => file.endsWith('.yaml')) : [];
      return finish(manifests.length > 0, manifests.length ? '' : `\n${command}: no manifests written to ${outdir}`);
    });
  });
}

/** Options for `synthAll`. */
export interface SynthAllOptions {
  /**
   * Run `cdk8s synth --no-check-upgrade` (the CLI) rather than the app commands directly.
   *
   * @default false
   */
  readonly cli?: boolean;

  /**
   * Write each example to `<outputRoot>/<name>` instead of its own output directory.
   *
   * @default - each example's `cdk8s.yaml` `output`
   */
  readonly outputRoot?: string;
}

/** Synthesizes the named examples (default: all), `parallelism` at a time. Never rejects. */
export async function synthAll(names: string[] = exampleNames(), options: SynthAllOptions = {},
  parallelism = DEFAULT_PARALLELISM, onResult: (result: SynthResult) => void = () => {}): Promise<SynthResult[]> {
  const results: SynthResult[] = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const index = next++;
      const name = names[index];
      results[index] = await synthExample(name, {
        cli: options.cli,
        output: options.outputRoot === undefined ? undefined : path.join(options.outputRoot, name),
      });
      onResult(results[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, names.length)) }, worker));
  return results;
}

async function main(argv: string[]): Promise<number> {
  const cli = argv.includes('--cli');
  const requested = argv.filter(arg => arg !== '--cli');
  const known = exampleNames();
  const unknown = requested.filter(name => !known.includes(name));
  if (unknown.length) {
    process.stderr.write(`unknown example(s): ${unknown.join(', ')} (examples: ${known.join(', ')})\n`);
    return 2;
  }
  const results = await synthAll(requested.length ? requested : known, { cli }, DEFAULT_PARALLELISM, result => {
    process.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name} (${(result.durationMs / 1000).toFixed(1)} s)\n`);
    if (!result.ok) process.stderr.write(`${result.log.trimEnd().replace(/^/gm, `  [${result.name}] `)}\n`);
  });
  const failed = results.filter(result => !result.ok);
  process.stdout.write(`${results.length - failed.length}/${results.length} examples synthesized`
    + `${failed.length ? `; failed: ${failed.map(f => f.name).join(', ')}` : ''}\n`);
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; }, error => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
