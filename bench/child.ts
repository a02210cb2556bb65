/**
 * One measurement in a fresh process (run.ts starts it with plain `node` on the transpiled
 * JavaScript, so the TypeScript compiler never counts towards time or memory):
 *
 *   node child.js measure <library|hand> <N> [C]   construct + App.synth() to a temp dir (N workloads over C charts)
 *   node child.js verify <N> [C]                   both variants' YAML, compared byte for byte
 *
 * Prints one JSON line on stdout.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

/** What one `measure` run reports. */
export interface Measurement {
  readonly variant: string;
  readonly n: number;
  /** Charts the N workloads are spread over. */
  readonly charts: number;
  /** Loading cdk8s, cdk8s-plus-27 and the library. */
  readonly loadMs: number;
  /** Creating the constructs. */
  readonly constructMs: number;
  /** `App.synth()`: validation, resolution, YAML, file write. */
  readonly synthMs: number;
  /** constructMs + synthMs: the figure compared. */
  readonly totalMs: number;
  /** User + system CPU time of construct + synth (all threads, GC included): steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  /** Peak resident set size of the process (process.resourceUsage().maxRSS). */
  readonly maxRssMB: number;
  /** Resident set size after loading the modules, before any construct. */
  readonly loadRssMB: number;
  readonly yamlBytes: number;
  /** SHA-256 of the written files (names and contents, in name order), computed after timing: the runner compares the variants'. */
  readonly yamlSha256: string;
  readonly objects: number;
}

/** What `verify` reports. */
export interface Verification {
  readonly n: number;
  readonly charts: number;
  readonly identical: boolean;
  readonly bytes: { library: number; hand: number };
  /** First differing lines, when not identical. */
  readonly firstDifference?: { line: number; library?: string; hand?: string };
}

const MB = 1024 * 1024;

function main(): void {
  const [mode, ...args] = process.argv.slice(2);
  const result = mode === 'verify' ? verify(Number(args[0]), Number(args[1] ?? 1)) : measure(args[0], Number(args[1]), Number(args[2] ?? 1));
  process.stdout.write(JSON.stringify(result) + '\n');
}

function measure(variant: string, n: number, charts: number): Measurement {
  if (variant !== 'library' && variant !== 'hand') throw new Error(`unknown variant ${variant}`);
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const workloads: typeof import('./workloads') = require('./workloads');
  const loadMs = performance.now() - t0;
  const loadRssMB = process.memoryUsage().rss / MB;

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `kv-bench-${variant}-`));
  try {
    const cpu = process.cpuUsage();
    const t1 = performance.now();
    const app = workloads.build(variant, n, outdir, charts);
    const t2 = performance.now();
    app.synth();
    const t3 = performance.now();
    const { user, system } = process.cpuUsage(cpu);
    const maxRssMB = round(process.resourceUsage().maxRSS / 1024);
    const files = fs.readdirSync(outdir).sort();
    const hash = createHash('sha256');
    let yamlBytes = 0;
    for (const file of files) {
      const content = fs.readFileSync(path.join(outdir, file));
      yamlBytes += content.length;
      hash.update(`${file}\0${content.length}\0`).update(content);
    }
    return {
      variant,
      n,
      charts,
      loadMs: round(loadMs),
      constructMs: round(t2 - t1),
      synthMs: round(t3 - t2),
      totalMs: round(t3 - t1),
      cpuMs: round((user + system) / 1000),
      maxRssMB,
      loadRssMB: round(loadRssMB),
      yamlBytes,
      yamlSha256: hash.digest('hex'),
      objects: app.charts.reduce((sum, c) => sum + c.apiObjects.length, 0),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function verify(n: number, charts: number): Verification {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const workloads: typeof import('./workloads') = require('./workloads');
  const library = workloads.build('library', n, undefined, charts).synthYaml();
  const hand = workloads.build('hand', n, undefined, charts).synthYaml();
  const result: Verification = { n, charts, identical: library === hand, bytes: { library: library.length, hand: hand.length } };
  if (result.identical) return result;
  const a = library.split('\n');
  const b = hand.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  const at = line < 0 ? a.length : line;
  return { ...result, firstDifference: { line: at + 1, library: a[at], hand: b[at] } };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (require.main === module) main();
