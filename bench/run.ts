/**
 * Synth benchmark: the library vs the same manifests written by hand (see workloads.ts).
 *
 *   npm run bench                         N = 1,000 and 10,000, 3 runs per variant
 *   npm run bench -- --sizes 100,1000 --runs 5
 *   npm run bench -- --profile            also one --cpu-prof run per variant at the largest N
 *
 * Every measurement is a fresh `node` process running the transpiled JavaScript (bench/results/.build),
 * alternating library, hand, library, hand … so drift hits both. Prints a markdown table and writes
 * bench/results/bench-<timestamp>.json and bench/results/latest.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import type { Measurement, Verification } from './child';
import { summarizeProfile, ProfileSummary } from './profile';
import { VARIANTS, Variant } from './workloads';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const BUILD = path.join(RESULTS, '.build');
const VERIFY_N = 5;

/** library/hand ≤ 1.25 for time and memory; time growth ≤ 1.1 × the size ratio (11 for 1k → 10k): linear. */
const TARGETS = { ratio: 1.25, growthPerSizeRatio: 1.1 };

interface Options {
  readonly sizes: number[];
  readonly runs: number;
  readonly profile: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    sizes: (value('--sizes') ?? '1000,10000').split(',').map(Number),
    runs: Number(value('--runs') ?? 3),
    profile: argv.includes('--profile'),
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

interface Row {
  readonly n: number;
  readonly variant: Variant;
  readonly runs: Measurement[];
  readonly median: { totalMs: number; constructMs: number; synthMs: number; cpuMs: number; maxRssMB: number; processMs: number };
  /** Fastest run: less sensitive to other processes than the median. */
  readonly min: { totalMs: number; cpuMs: number };
}

function summarize(n: number, variant: Variant, runs: (Measurement & { processMs: number })[]): Row {
  return {
    n,
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

const fmt = (v: number, digits = 0) => v.toFixed(digits);

function table(rows: Row[], sizes: number[]): string {
  const lines = [
    '| N | variant | construct+synth ms | construct ms | synth ms | CPU ms | peak RSS MB | process wall ms | YAML MB |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.n} | ${r.variant} | ${fmt(r.median.totalMs)} | ${fmt(r.median.constructMs)} | ${fmt(r.median.synthMs)} | ${fmt(r.median.cpuMs)} | ${fmt(r.median.maxRssMB)} | ${fmt(r.median.processMs)} | ${fmt(r.runs[0].yamlBytes / 1024 / 1024, 1)} |`);
  }
  lines.push('', '| N | time ratio library/hand | CPU ratio | memory ratio library/hand | time ratio of fastest runs |', '|---|---|---|---|---|');
  for (const n of sizes) {
    const [lib, hand] = VARIANTS.map(v => rows.find(r => r.n === n && r.variant === v)!);
    const ratio = (key: 'totalMs' | 'cpuMs' | 'maxRssMB') => fmt(lib.median[key] / hand.median[key], 2);
    lines.push(`| ${n} | ${ratio('totalMs')} | ${ratio('cpuMs')} | ${ratio('maxRssMB')} | ${fmt(lib.min.totalMs / hand.min.totalMs, 2)} |`);
  }
  if (sizes.length > 1) {
    const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
    lines.push('', `| variant | time growth ${large}/${small} | CPU growth | memory growth |`, '|---|---|---|---|');
    for (const v of VARIANTS) {
      const [a, b] = [small, large].map(n => rows.find(r => r.n === n && r.variant === v)!);
      const growth = (key: 'totalMs' | 'cpuMs' | 'maxRssMB') => fmt(b.median[key] / a.median[key], 2);
      lines.push(`| ${v} | ${growth('totalMs')} | ${growth('cpuMs')} | ${growth('maxRssMB')} |`);
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

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  if (loadAtStart > os.cpus().length / 2) {
    console.warn(`warning: 1-minute load average ${loadAtStart.toFixed(2)} on ${os.cpus().length} CPUs: other processes compete, wall times will be noisy (compare the CPU columns)`);
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  const child = transpile();

  const verification: Verification = runChild(child, ['verify', String(VERIFY_N)]);
  console.log(verification.identical
    ? `verify (N=${VERIFY_N}): library and hand-written YAML are identical (${verification.bytes.library} bytes)`
    : `verify (N=${VERIFY_N}): YAML DIFFERS at line ${verification.firstDifference?.line}:\n  library: ${verification.firstDifference?.library}\n  hand:    ${verification.firstDifference?.hand}`);

  const rows: Row[] = [];
  for (const n of options.sizes) {
    const runs: Record<Variant, any[]> = { library: [], hand: [] };
    for (let i = 0; i < options.runs; i++) {
      for (const variant of VARIANTS) {
        const m = runChild(child, ['measure', variant, String(n)]);
        runs[variant].push(m);
        console.error(`  N=${n} ${variant} run ${i + 1}: ${m.totalMs} ms wall, ${m.cpuMs} ms CPU, ${m.maxRssMB} MB`);
      }
    }
    for (const variant of VARIANTS) rows.push(summarize(n, variant, runs[variant]));
  }

  let profiles: Record<string, ProfileSummary> | undefined;
  if (options.profile) {
    const n = Math.max(...options.sizes);
    const dir = path.join(RESULTS, 'profiles');
    fs.rmSync(dir, { recursive: true, force: true });
    profiles = {};
    for (const variant of VARIANTS) {
      const variantDir = path.join(dir, variant);
      runChild(child, ['measure', variant, String(n)], ['--cpu-prof', '--cpu-prof-dir', variantDir]);
      const file = path.join(variantDir, fs.readdirSync(variantDir)[0]);
      profiles[variant] = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf-8')), BUILD);
      console.log(`\n### CPU profile, ${variant}, N=${n} (${path.relative(ROOT, file)})\n`);
      console.log(renderProfile(profiles[variant]));
    }
  }

  const sizes = options.sizes;
  const report = table(rows, sizes);
  const env = machine();
  console.log(`\n${report}\n\nnode ${env.node}, ${env.nproc} CPUs (${env.cpu}), ${env.memTotalGB} GB, ${env.date}; load average ${env.loadAverage.join(' ')}; medians of ${options.runs} runs; bench took ${Math.round((Date.now() - started) / 1000)} s`);

  const ratios = Object.fromEntries(sizes.map(n => {
    const [lib, hand] = VARIANTS.map(v => rows.find(r => r.n === n && r.variant === v)!);
    const ratio = (key: 'totalMs' | 'cpuMs' | 'maxRssMB') => lib.median[key] / hand.median[key];
    return [n, { time: ratio('totalMs'), cpu: ratio('cpuMs'), memory: ratio('maxRssMB'), fastestTime: lib.min.totalMs / hand.min.totalMs }];
  }));
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  const growth = Object.fromEntries(VARIANTS.map(v => {
    const [a, b] = [small, large].map(n => rows.find(r => r.n === n && r.variant === v)!);
    return [v, { time: b.median.totalMs / a.median.totalMs, cpu: b.median.cpuMs / a.median.cpuMs, memory: b.median.maxRssMB / a.median.maxRssMB }];
  }));
  const worstRatio = Math.max(...Object.values(ratios).flatMap(r => [r.time, r.memory]));
  const libraryGrowth = growth.library.time;
  const growthTarget = TARGETS.growthPerSizeRatio * large / small;
  const verdict = (ok: boolean) => ok ? 'met' : 'MISSED';
  console.log(`targets: library/hand ≤ ${TARGETS.ratio} (worst ${fmt(worstRatio, 2)}: ${verdict(worstRatio <= TARGETS.ratio)})`
    + (large > small ? `; library ${large}/${small} time growth ≤ ${fmt(growthTarget, 1)} (${fmt(libraryGrowth, 2)}: ${verdict(libraryGrowth <= growthTarget)})` : ''));
  const machineInfo = { ...env, loadAverageAtStart: Math.round(loadAtStart * 100) / 100 };
  const json = { machine: machineInfo, options, targets: TARGETS, verification, rows, ratios, growth, profiles };
  const stamp = env.date.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(RESULTS, `bench-${stamp}.json`), JSON.stringify(json, null, 2));
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(json, null, 2));
  console.log(`\nresults: ${path.relative(ROOT, path.join(RESULTS, `bench-${stamp}.json`))}`);
  if (!verification.identical) process.exitCode = 1;
}

function renderProfile(summary: ProfileSummary): string {
  const lines = ['| self ms | % | function | where |', '|---|---|---|---|'];
  for (const f of summary.topFunctions) lines.push(`| ${f.selfMs} | ${f.percent} | ${f.name} | ${f.where} |`);
  lines.push('', '| package | self ms | inclusive ms (on the stack) |', '|---|---|---|');
  for (const p of summary.packages) lines.push(`| ${p.name} | ${p.selfMs} | ${p.inclusiveMs} |`);
  lines.push('', '| library function | inclusive ms | where |', '|---|---|---|');
  for (const f of summary.libraryInclusive) lines.push(`| ${f.name} | ${f.inclusiveMs} | ${f.where} |`);
  return lines.join('\n');
}

main();
