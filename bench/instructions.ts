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
 * beyond starting node, loading the modules and writing empty charts; in all and per part of V8
 * (its optimizing compiler, garbage collector, interpreter and so on: `callgrind_annotate` names
 * V8's own functions, so the count says which part of the engine did the work).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { VARIANTS, Variant } from './workloads';

/**
 * The parts of the process that instructions are counted for, by the native function they run in
 * (first matching pattern). JavaScript runs as optimized machine code (no symbol), in the
 * interpreter's bytecode handlers or through builtins (inline caches, object spread, regexps).
 */
const COMPONENTS: readonly { readonly name: string; readonly symbol: RegExp }[] = [
  { name: 'optimizing compiler (TurboFan)', symbol: /v8::internal::compiler::|turboshaft|v8::internal::Pipeline/ },
  { name: 'garbage collector', symbol: /Scavenger|MarkCompact|Marking|Sweeper|v8::internal::Heap::|heap::base|Evacuat|RememberedSet|Ephemeron|IterateAndScavenge|BodyDescriptorBase/ },
  { name: 'parser, bytecode and baseline compilers', symbol: /Parser|Scanner|Preparse|BytecodeGenerator|v8::internal::interpreter::|v8::internal::baseline::/ },
  { name: 'builtins (interpreter, inline caches, stubs)', symbol: /Builtins?_/ },
  { name: 'optimized JavaScript', symbol: /^\?\?\?:0x/ },
  { name: 'other (V8 runtime, node, libc)', symbol: /./ },
];

/** Instructions per component (COMPONENTS' names). */
export type ComponentCounts = Record<string, number>;

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
  /** What the workloads cost, per component (total − empty for each). */
  readonly components: ComponentCounts;
}

/** Small shapes: under callgrind a process runs about 50× slower (~1 min for 200 workloads). */
export const DEFAULT_INSTRUCTION_SHAPES = '1x200,10x20,200x1';

/** Counts every variant × shape, with and without workloads, running `parallel` valgrind processes at a time. */
export async function countInstructions(child: string, shapes: readonly InstructionShape[], parallel = os.cpus().length): Promise<InstructionRow[]> {
  const found = spawnSync('valgrind', ['--version'], { encoding: 'utf-8' });
  if (found.error || found.status !== 0) throw new Error('valgrind was not found: --instructions counts with valgrind\'s callgrind. Fix: install it (Debian: apt-get install valgrind)');
  const jobs = shapes.flatMap(shape => VARIANTS.flatMap(variant =>
    [shape.charts * shape.perChart, 0].map(workloads => ({ shape, variant, workloads }))));
  const counts = new Map<(typeof jobs)[number], Collected>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      counts.set(job, await collected(child, job.variant, job.workloads, job.shape.charts));
      console.error(`  ${job.shape.charts}x${job.shape.perChart} ${job.variant}${job.workloads ? '' : ' (no workload)'}: ${(counts.get(job)!.total / 1e6).toFixed(0)} M instructions`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return shapes.flatMap(shape => VARIANTS.map(variant => {
    const [total, empty] = jobs.filter(j => j.shape === shape && j.variant === variant).map(j => counts.get(j)!);
    const components = Object.fromEntries(COMPONENTS.map(({ name }) => [name, (total.components[name] ?? 0) - (empty.components[name] ?? 0)]));
    return { shape: `${shape.charts}x${shape.perChart}`, variant, total: total.total, empty: empty.total, workloads: total.total - empty.total, components };
  }));
}

interface Collected {
  readonly total: number;
  readonly components: ComponentCounts;
}

/** Runs one child under callgrind: its `Collected :` line is the process's count, its output file the count per function. */
function collected(child: string, variant: Variant, workloads: number, charts: number): Promise<Collected> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callgrind-'));
  const out = path.join(dir, 'callgrind.out');
  const args = ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', child, 'measure', variant, String(workloads), String(charts)];
  return new Promise<Collected>((resolve, reject) => {
    const proc = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', chunk => { stderr += chunk; });
    proc.on('error', reject);
    proc.on('close', code => {
      const match = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code !== 0 || !match) {
        reject(new Error(`callgrind ${variant} ${workloads} workloads in ${charts} charts failed (${code}): ${stderr.slice(-2000)}`));
        return;
      }
      try {
        resolve({ total: Number(match[1]), components: componentsOf(out) });
      } catch (error) {
        reject(error); // callgrind_annotate failed
      }
    });
  }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** Sums a callgrind output's self counts per component (`callgrind_annotate` lists every function). */
function componentsOf(file: string): ComponentCounts {
  const annotated = spawnSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  if (annotated.status !== 0) throw new Error(`callgrind_annotate failed: ${annotated.stderr}`);
  const counts: ComponentCounts = {};
  for (const line of annotated.stdout.split('\n')) {
    const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!match || match[2].startsWith('PROGRAM TOTALS')) continue;
    const component = COMPONENTS.find(c => c.symbol.test(match[2]))!.name;
    counts[component] = (counts[component] ?? 0) + Number(match[1].replace(/,/g, ''));
  }
  return counts;
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

/** Where the difference between the variants' counts is, per component and shape. */
export function componentTable(rows: readonly InstructionRow[]): string {
  const shapes = [...new Set(rows.map(r => r.shape))].map(shape => {
    const [lib, hand] = VARIANTS.map(v => rows.find(r => r.shape === shape && r.variant === v)!);
    return { shape, lib, hand };
  });
  const lines = [
    `| component | ${shapes.map(({ shape }) => `${shape.replace('x', ' × ')}: library − hand (M) | share`).join(' | ')} |`,
    `|---|${shapes.map(() => '---|---').join('|')}|`,
  ];
  for (const { name } of COMPONENTS) {
    lines.push(`| ${name} | ${shapes.map(({ lib, hand }) => {
      const difference = (lib.components[name] ?? 0) - (hand.components[name] ?? 0);
      return `${(difference / 1e6).toFixed(0)} | ${Math.round(100 * difference / (lib.workloads - hand.workloads))}%`;
    }).join(' | ')} |`);
  }
  return lines.join('\n');
}
