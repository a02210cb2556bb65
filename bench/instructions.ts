/**
 * Instruction counts (`npm run bench -- --instructions`): the work each variant does, counted by
 * valgrind's callgrind, with V8 on one thread (`node --single-threaded`, so that compilation and
 * garbage collection run on the main thread and are counted too).
 *
 * Time on a shared machine moves by ±25% between identical runs; the count moves by about ±1%, so
 * a change of a few percent shows. It weighs a cache miss like any other instruction, so it
 * complements the time and memory figures rather than replacing them.
 *
 * Per shape and variant: I(N workloads) − I(no workload, same charts), what the workloads cost
 * beyond starting node, loading the modules and writing empty charts.
 */
import { spawn, spawnSync } from 'child_process';
import * as os from 'os';
import { VARIANTS, Variant } from './workloads';

/** C charts of W workloads each (run.ts parses them). */
export interface InstructionShape {
  readonly charts: number;
  readonly perChart: number;
}

export interface InstructionRow {
  readonly shape: string;
  readonly variant: Variant;
  /** Instructions of the whole process with the shape's workloads. */
  readonly total: number;
  /** Instructions of the same process with no workload (the same charts). */
  readonly empty: number;
  /** total − empty: what the workloads cost. */
  readonly workloads: number;
}

/** Small shapes: under callgrind a process runs about 50× slower (~1 min for 200 workloads). */
export const DEFAULT_INSTRUCTION_SHAPES = '1x200,10x20,200x1';

/** Counts every variant × shape, with and without workloads, running `parallel` valgrind processes at a time. */
export async function countInstructions(child: string, shapes: readonly InstructionShape[], parallel = os.cpus().length): Promise<InstructionRow[]> {
  const found = spawnSync('valgrind', ['--version'], { encoding: 'utf-8' });
  if (found.error || found.status !== 0) throw new Error('valgrind was not found: --instructions counts with valgrind\'s callgrind. Fix: install it (Debian: apt-get install valgrind)');
  const jobs = shapes.flatMap(shape => VARIANTS.flatMap(variant =>
    [shape.charts * shape.perChart, 0].map(workloads => ({ shape, variant, workloads }))));
  const counts = new Map<(typeof jobs)[number], number>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      counts.set(job, await collected(child, job.variant, job.workloads, job.shape.charts));
      console.error(`  ${job.shape.charts}x${job.shape.perChart} ${job.variant}${job.workloads ? '' : ' (no workload)'}: ${(counts.get(job)! / 1e6).toFixed(0)} M instructions`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return shapes.flatMap(shape => VARIANTS.map(variant => {
    const [total, empty] = jobs.filter(j => j.shape === shape && j.variant === variant).map(j => counts.get(j)!);
    return { shape: `${shape.charts}x${shape.perChart}`, variant, total, empty, workloads: total - empty };
  }));
}

/** Runs one child under callgrind; its `Collected :` line is the process's instruction count. */
function collected(child: string, variant: Variant, workloads: number, charts: number): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', child, 'measure', variant, String(workloads), String(charts)];
  return new Promise((resolve, reject) => {
    const proc = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', chunk => { stderr += chunk; });
    proc.on('error', reject);
    proc.on('close', code => {
      const match = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code !== 0 || !match) reject(new Error(`callgrind ${variant} ${workloads} workloads in ${charts} charts failed (${code}): ${stderr.slice(-2000)}`));
      else resolve(Number(match[1]));
    });
  });
}

/** The markdown table of counts and library/hand ratios. */
export function instructionTable(rows: readonly InstructionRow[]): string {
  const lines = [
    '| charts × workloads | library M instructions | hand M instructions | ratio | library per workload (M) | hand per workload (M) | without workloads: library / hand (M) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const shape of [...new Set(rows.map(r => r.shape))]) {
    const [lib, hand] = VARIANTS.map(v => rows.find(r => r.shape === shape && r.variant === v)!);
    const n = shape.split('x').map(Number).reduce((a, b) => a * b);
    const m = (v: number, digits = 0) => (v / 1e6).toFixed(digits);
    lines.push(`| ${shape.replace('x', ' × ')} | ${m(lib.workloads)} | ${m(hand.workloads)} | ${(lib.workloads / hand.workloads).toFixed(3)} | ${m(lib.workloads / n, 2)} | ${m(hand.workloads / n, 2)} | ${m(lib.empty)} / ${m(hand.empty)} |`);
  }
  return lines.join('\n');
}
