/**
 * Synth benchmark: the library vs the same manifests written by hand (see workloads.ts), for app
 * shapes of C charts × W workloads per chart.
 *
 *   npm run bench                                    the default shapes, 3 runs per variant
 *   npm run bench -- --shapes 1000x1,100x20 --runs 5
 *   npm run bench -- --shapes 1000x1 --runs 1 --profile   also one --cpu-prof run per variant and shape
 *   npm run bench -- --cdk8s-validates-once         experiment: what cdk8s validating once per synth would save
 *   npm run bench -- --instructions                 instruction counts under callgrind instead of time (instructions.ts)
 *
 * A shape is `<charts>x<workloads per chart>`; a bare number N means one chart of N workloads.
 * Every measurement is a fresh `node` process running the transpiled JavaScript (bench/results/.build),
 * alternating library, hand, library, hand … so drift hits both. Every run hashes the YAML it wrote;
 * the two variants' must be byte-identical in every shape. Prints markdown tables and writes
 * bench/results/bench-<timestamp>.json and bench/results/latest.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import type { Measurement, Verification } from './child';
import { componentTable, countInstructions, DEFAULT_INSTRUCTION_SHAPES, instructionTable } from './instructions';
import { summarizeProfile, ProfileSummary } from './profile';
import { VARIANTS, Variant } from './workloads';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const BUILD = path.join(RESULTS, '.build');

/** 1,000 workloads over 1 to 1,000 charts, the fleet shape 100 × 20, and 10,000 workloads in one chart. */
const DEFAULT_SHAPES = '1x1000,10x100,100x10,1000x1,100x20,1x10000';

/**
 * library/hand ≤ 1.10 in CPU time and peak memory for every shape (CPU time, not wall time: the
 * machine is shared, and CPU time is what other processes disturb least); time growth of the
 * one-chart shapes ≤ 1.1 × the size ratio (11 for 1k → 10k): linear.
 */
const TARGETS = { ratio: 1.10, growthPerSizeRatio: 1.1 };

/** C charts of W workloads each. */
interface Shape {
  readonly charts: number;
  readonly perChart: number;
}

const workloadsOf = (shape: Shape) => shape.charts * shape.perChart;
const label = (shape: Shape) => `${shape.charts}x${shape.perChart}`;

interface Options {
  readonly shapes: Shape[];
  readonly runs: number;
  readonly profile: boolean;
  /** Experiment: cdk8s validating the app once per synth instead of once more per chart (child.ts `validateOnce`). */
  readonly cdk8sValidatesOnce: boolean;
  /** Count instructions under callgrind instead of measuring time and memory (instructions.ts). */
  readonly instructions: boolean;
}

function parseShape(text: string): Shape {
  const [charts, perChart] = text.includes('x') ? text.split('x').map(Number) : [1, Number(text)];
  if (!(Number.isInteger(charts) && charts >= 1 && Number.isInteger(perChart) && perChart >= 1)) {
    throw new Error(`shape "${text}" is invalid: a shape is <charts>x<workloads per chart> (e.g. 100x20) or a workload count. Fix: --shapes 1000x1,100x20`);
  }
  return { charts, perChart };
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const instructions = argv.includes('--instructions');
  return {
    shapes: (value('--shapes') ?? (instructions ? DEFAULT_INSTRUCTION_SHAPES : DEFAULT_SHAPES)).split(',').map(parseShape),
    runs: Number(value('--runs') ?? 3),
    profile: argv.includes('--profile'),
    cdk8sValidatesOnce: argv.includes('--cdk8s-validates-once'),
    instructions,
  };
}

/** Transpiles src/, imports/ and bench/ to plain CommonJS so children start without ts-node. */
function transpile(): string {
  fs.rmSync(BUILD, { recursive: true, force: true });
  for (const dir of ['src', 'imports', 'bench']) {
    for (const file of fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts') || file.startsWith('results')) continue;
      const source = fs.readFileSync(path.join(ROOT, dir, file), 'utf-8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true },
        fileName: file,
      });
      const out = path.join(BUILD, dir, file.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, outputText);
    }
  }
  return path.join(BUILD, 'bench', 'child.js');
}

function runChild(child: string, args: string[], nodeArgs: string[] = []): any {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...nodeArgs, child, ...args], { cwd: ROOT, encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024 });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`child ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return { ...JSON.parse(result.stdout.trim().split('\n').pop()!), processMs: Math.round(processMs) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

type Measured = Measurement & { processMs: number };

interface Row {
  readonly shape: Shape;
  readonly variant: Variant;
  readonly runs: Measured[];
  readonly median: { totalMs: number; constructMs: number; synthMs: number; cpuMs: number; maxRssMB: number; processMs: number };
  /** Fastest run: less sensitive to other processes than the median. */
  readonly min: { totalMs: number; cpuMs: number };
}

function summarize(shape: Shape, variant: Variant, runs: Measured[]): Row {
  return {
    shape,
    variant,
    runs,
    median: {
      totalMs: median(runs.map(r => r.totalMs)),
      constructMs: median(runs.map(r => r.constructMs)),
      synthMs: median(runs.map(r => r.synthMs)),
      cpuMs: median(runs.map(r => r.cpuMs)),
      maxRssMB: median(runs.map(r => r.maxRssMB)),
      processMs: median(runs.map(r => r.processMs)),
    },
    min: { totalMs: Math.min(...runs.map(r => r.totalMs)), cpuMs: Math.min(...runs.map(r => r.cpuMs)) },
  };
}

interface Ratio {
  readonly time: number;
  readonly cpu: number;
  readonly memory: number;
  readonly fastestTime: number;
  readonly fastestCpu: number;
}

function ratioOf(rows: Row[], shape: Shape): Ratio {
  const [lib, hand] = VARIANTS.map(v => rows.find(r => r.shape === shape && r.variant === v)!);
  const ratio = (key: 'totalMs' | 'cpuMs' | 'maxRssMB') => lib.median[key] / hand.median[key];
  return { time: ratio('totalMs'), cpu: ratio('cpuMs'), memory: ratio('maxRssMB'), fastestTime: lib.min.totalMs / hand.min.totalMs, fastestCpu: lib.min.cpuMs / hand.min.cpuMs };
}

const fmt = (v: number, digits = 0) => v.toFixed(digits);
const thousands = (v: number) => v.toLocaleString('en-US');

function table(rows: Row[], shapes: Shape[], growthPair?: [Shape, Shape]): string {
  const lines = [
    '| charts × workloads | variant | construct+synth ms | construct ms | synth ms | CPU ms | peak RSS MB | process wall ms | YAML MB |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${thousands(r.shape.charts)} × ${thousands(r.shape.perChart)} | ${r.variant} | ${fmt(r.median.totalMs)} | ${fmt(r.median.constructMs)} | ${fmt(r.median.synthMs)} | ${fmt(r.median.cpuMs)} | ${fmt(r.median.maxRssMB)} | ${fmt(r.median.processMs)} | ${fmt(r.runs[0].yamlBytes / 1024 / 1024, 1)} |`);
  }
  lines.push('', '| charts × workloads | CPU ratio library/hand | memory ratio | wall-time ratio | CPU ratio of fastest runs | wall-time ratio of fastest runs |', '|---|---|---|---|---|---|');
  for (const shape of shapes) {
    const r = ratioOf(rows, shape);
    lines.push(`| ${thousands(shape.charts)} × ${thousands(shape.perChart)} | ${fmt(r.cpu, 2)} | ${fmt(r.memory, 2)} | ${fmt(r.time, 2)} | ${fmt(r.fastestCpu, 2)} | ${fmt(r.fastestTime, 2)} |`);
  }
  if (growthPair) {
    const [small, large] = growthPair;
    lines.push('', `| variant | CPU growth ${label(large)}/${label(small)} | wall-time growth | memory growth |`, '|---|---|---|---|');
    for (const v of VARIANTS) {
      const [a, b] = [small, large].map(shape => rows.find(r => r.shape === shape && r.variant === v)!);
      const growth = (key: 'totalMs' | 'cpuMs' | 'maxRssMB') => fmt(b.median[key] / a.median[key], 2);
      lines.push(`| ${v} | ${growth('cpuMs')} | ${growth('totalMs')} | ${growth('maxRssMB')} |`);
    }
  }
  return lines.join('\n');
}

function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memTotalGB: Math.round(os.totalmem() / 1024 ** 3 * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    /** 1/5/15-minute load averages when the bench ended: above ~1 on 2 CPUs, other work competed with it. */
    loadAverage: os.loadavg().map(l => Math.round(l * 100) / 100),
  };
}

/** Stops the bench when a shape's two variants wrote different YAML: the comparison would mean nothing. */
function checkIdentical(child: string, shape: Shape, library: Measured, hand: Measured): Verification | undefined {
  if (library.yamlSha256 === hand.yamlSha256) return undefined;
  const verification: Verification = runChild(child, ['verify', String(workloadsOf(shape)), String(shape.charts)]);
  console.log(`shape ${label(shape)}: YAML DIFFERS at line ${verification.firstDifference?.line}:\n  library: ${verification.firstDifference?.library}\n  hand:    ${verification.firstDifference?.hand}`);
  return verification;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  if (loadAtStart > os.cpus().length / 2) {
    console.warn(`warning: 1-minute load average ${loadAtStart.toFixed(2)} on ${os.cpus().length} CPUs: other processes compete, wall times will be noisy (compare the CPU columns)`);
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  const child = transpile();
  if (options.instructions) {
    instructionsOnly(child, options.shapes, started).catch((error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    });
    return;
  }

  const experiment = options.cdk8sValidatesOnce ? ['--cdk8s-validates-once'] : [];
  if (options.cdk8sValidatesOnce) console.log('experiment: cdk8s resolves dependencies and validates the app once per synth, not once more per chart');
  const rows: Row[] = [];
  const differences: Verification[] = [];
  for (const shape of options.shapes) {
    const runs: Record<Variant, Measured[]> = { library: [], hand: [] };
    for (let i = 0; i < options.runs; i++) {
      for (const variant of VARIANTS) {
        const m: Measured = runChild(child, ['measure', variant, String(workloadsOf(shape)), String(shape.charts), ...experiment]);
        runs[variant].push(m);
        console.error(`  ${label(shape)} ${variant} run ${i + 1}: ${m.cpuMs} ms CPU, ${m.totalMs} ms wall, ${m.maxRssMB} MB`);
      }
      const difference = checkIdentical(child, shape, runs.library[i], runs.hand[i]);
      if (difference) {
        differences.push(difference);
        break;
      }
    }
    if (differences.length) break;
    console.error(`  ${label(shape)}: library and hand-written YAML identical (${runs.library[0].yamlBytes} bytes, sha256 ${runs.library[0].yamlSha256.slice(0, 12)}…)`);
    for (const variant of VARIANTS) rows.push(summarize(shape, variant, runs[variant]));
  }
  if (differences.length) {
    process.exitCode = 1;
    return;
  }

  let profiles: Record<string, Record<string, ProfileSummary>> | undefined;
  if (options.profile) {
    const dir = path.join(RESULTS, 'profiles');
    fs.rmSync(dir, { recursive: true, force: true });
    profiles = {};
    for (const shape of options.shapes) {
      profiles[label(shape)] = {};
      for (const variant of VARIANTS) {
        const variantDir = path.join(dir, label(shape), variant);
        runChild(child, ['measure', variant, String(workloadsOf(shape)), String(shape.charts), ...experiment], ['--cpu-prof', '--cpu-prof-dir', variantDir]);
        const file = path.join(variantDir, fs.readdirSync(variantDir)[0]);
        const summary = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf-8')), BUILD);
        profiles[label(shape)][variant] = summary;
        console.log(`\n### CPU profile, ${variant}, ${label(shape)} (${path.relative(ROOT, file)})\n`);
        console.log(renderProfile(summary));
      }
    }
  }

  const shapes = options.shapes;
  const oneChart = shapes.filter(s => s.charts === 1).sort((a, b) => a.perChart - b.perChart);
  const growthPair: [Shape, Shape] | undefined = oneChart.length > 1 ? [oneChart[0], oneChart[oneChart.length - 1]] : undefined;
  const report = table(rows, shapes, growthPair);
  const env = machine();
  console.log(`\n${report}\n\nnode ${env.node}, ${env.nproc} CPUs (${env.cpu}), ${env.memTotalGB} GB, ${env.date}; load average ${fmt(loadAtStart, 2)} at start, ${env.loadAverage.join(' ')} at the end; medians of ${options.runs} alternating runs; bench took ${Math.round((Date.now() - started) / 1000)} s; YAML byte-identical in every shape`);

  const ratios = Object.fromEntries(shapes.map(shape => [label(shape), ratioOf(rows, shape)]));
  const growth = growthPair && Object.fromEntries(VARIANTS.map(v => {
    const [a, b] = growthPair.map(shape => rows.find(r => r.shape === shape && r.variant === v)!);
    return [v, { time: b.median.totalMs / a.median.totalMs, cpu: b.median.cpuMs / a.median.cpuMs, memory: b.median.maxRssMB / a.median.maxRssMB }];
  }));
  const worst = (key: 'cpu' | 'memory') => Math.max(...Object.values(ratios).map(r => r[key]));
  const verdict = (ok: boolean) => ok ? 'met' : 'MISSED';
  let targets = `targets: library/hand ≤ ${TARGETS.ratio} in CPU time (worst ${fmt(worst('cpu'), 2)}: ${verdict(worst('cpu') <= TARGETS.ratio)}) and memory (worst ${fmt(worst('memory'), 2)}: ${verdict(worst('memory') <= TARGETS.ratio)})`;
  if (growthPair && growth) {
    const target = TARGETS.growthPerSizeRatio * workloadsOf(growthPair[1]) / workloadsOf(growthPair[0]);
    targets += `; library ${label(growthPair[1])}/${label(growthPair[0])} CPU growth ≤ ${fmt(target, 1)} (${fmt(growth.library.cpu, 2)}: ${verdict(growth.library.cpu <= target)})`;
  }
  console.log(targets);
  const machineInfo = { ...env, loadAverageAtStart: Math.round(loadAtStart * 100) / 100 };
  const json = { machine: machineInfo, options, targets: TARGETS, rows, ratios, growth, profiles };
  const stamp = env.date.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(RESULTS, `bench-${stamp}.json`), JSON.stringify(json, null, 2));
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(json, null, 2));
  console.log(`\nresults: ${path.relative(ROOT, path.join(RESULTS, `bench-${stamp}.json`))}`);
}

async function instructionsOnly(child: string, shapes: Shape[], started: number): Promise<void> {
  const rows = await countInstructions(child, shapes);
  const env = machine();
  console.log(`\n${instructionTable(rows)}\n\nWhere the difference is (what the workloads cost, per part of the process):\n\n${componentTable(rows)}\n\nnode ${env.node} --single-threaded under valgrind's callgrind, ${env.date}; bench took ${Math.round((Date.now() - started) / 1000)} s`);
  const stamp = env.date.replace(/[:.]/g, '-');
  const file = path.join(RESULTS, `instructions-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify({ machine: env, rows }, null, 2));
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
}

function renderProfile(summary: ProfileSummary): string {
  const lines = ['| self ms | % | function | where |', '|---|---|---|---|'];
  for (const f of summary.topFunctions) lines.push(`| ${f.selfMs} | ${f.percent} | ${f.name} | ${f.where} |`);
  lines.push('', '| package | self ms | inclusive ms (on the stack) |', '|---|---|---|');
  for (const p of summary.packages) lines.push(`| ${p.name} | ${p.selfMs} | ${p.inclusiveMs} |`);
  lines.push('', '| library function | inclusive ms | where |', '|---|---|---|');
  for (const f of summary.libraryInclusive) lines.push(`| ${f.name} | ${f.inclusiveMs} | ${f.where} |`);
  lines.push('', '| cdk8s step | inclusive ms | of which library code on the stack, ms |', '|---|---|---|');
  for (const step of summary.cdk8sSteps) lines.push(`| ${step.name} | ${step.inclusiveMs} | ${step.libraryMs} |`);
  return lines.join('\n');
}

main();
