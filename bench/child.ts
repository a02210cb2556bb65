/**
 * One measurement in a fresh process (run.ts starts it with plain `node` on the transpiled
 * JavaScript, so the TypeScript compiler never counts towards time or memory):
 *
 *   node child.js measure <library|hand> <N> [C] [--cdk8s-validates-once]
 *                                                  construct + App.synth() to a temp dir (N workloads over C charts)
 *   node child.js verify <N> [C]                   both variants' YAML, compared byte for byte
 *
 * `--cdk8s-validates-once` measures what cdk8s would cost if `App.synth()` resolved dependencies
 * and validated the app once, not again for every chart (see `validateOnce`).
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
  if (args.includes('--cdk8s-validates-once')) validateOnce();
  const positional = args.filter(a => !a.startsWith('--'));
  const result = mode === 'verify' ? verify(Number(positional[0]), Number(positional[1] ?? 1)) : measure(positional[0], Number(positional[1]), Number(positional[2] ?? 1));
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

/**
 * An experiment, not the library: makes `Chart.toJson()` skip cdk8s's dependency resolution and
 * validation of the whole app while `App.synth()` runs, which did both once already (cdk8s 2.70's
 * `App._synthChart()` does both for every chart). The second half of
 * https://github.com/cdk8s-team/cdk8s-core/pull/1658 proposed it and was dropped before the merge.
 */
function validateOnce(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdk8s: typeof import('cdk8s') = require('cdk8s');
  type Cdk8sApp = { prototype: { synth(): void }; _synthChart(chart: import('cdk8s').Chart): any[] };
  const app = cdk8s.App as unknown as Cdk8sApp;
  const synthChart = app._synthChart;
  const synth = app.prototype.synth;
  let inSynth = false;
  app.prototype.synth = function (this: import('cdk8s').App) {
    inSynth = true;
    try {
      synth.call(this);
    } finally {
      inSynth = false;
    }
  };
  app._synthChart = function (chart) {
    if (!inSynth) return synthChart.call(this, chart);
    // What _synthChart returns after its resolveDependencies() and validate(): the chart's objects in dependency order.
    return new cdk8s.DependencyGraph(chart.node).topology()
      .filter((x): x is import('cdk8s').ApiObject => cdk8s.ApiObject.isApiObject(x) && cdk8s.Chart.of(x) === chart)
      .map(o => o.toJson());
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (require.main === module) main();
