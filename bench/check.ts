/**
 * Manifest checker benchmark: `validate` on the 10,000-workload manifests of workloads.ts
 * (library variant) against parsing the same YAML alone. The checker must stay linear: at most
 * 2× the parse.
 *
 *   npm run bench:check                     N = 10,000, 3 runs each, alternating
 *   npm run bench:check -- --sizes 1000,10000 --runs 5
 *
 * Each run is a fresh process (this file with `child`), timing only the work after module load.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

/** validate / parse alone must stay within this factor. */
const TARGET = 2;

interface Timing {
  readonly mode: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly documents: number;
  readonly findings?: number;
}

function child(mode: string, file: string): Timing {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const yaml: typeof import('yaml') = require('yaml');
  const { check }: typeof import('../src/check/checker') = require('../src/check/checker');
  const { readInputs }: typeof import('../src/check/source') = require('../src/check/source');
  const { render }: typeof import('../src/check/report') = require('../src/check/report');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let documents: number;
  let findings: number | undefined;
  if (mode === 'parse') {
    // The least any checker must do: read the file and parse every document.
    documents = yaml.parseAllDocuments(fs.readFileSync(file, 'utf-8')).length;
  } else {
    // The whole command: read, parse with positions, model, rules, cross-object rules, JSON report.
    const result = check(readInputs([file]));
    render(result, 'json', '0.0.0');
    documents = result.documents;
    findings = result.findings.length;
  }
  const ms = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu);
  return { mode, ms: Math.round(ms), cpuMs: Math.round((user + system) / 1000), documents, findings };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === 'child') {
    process.stdout.write(JSON.stringify(child(argv[1], argv[2])) + '\n');
    return;
  }
  const value = (flag: string) => argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined;
  const sizes = (value('--sizes') ?? '10000').split(',').map(Number);
  const runs = Number(value('--runs') ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-bench-check-'));
  const lines = ['| N | YAML MB | documents | parse ms | validate ms | ratio | parse CPU ms | validate CPU ms | findings |', '|---|---|---|---|---|---|---|---|---|'];
  let worst = 0;
  try {
    for (const n of sizes) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const workloads: typeof import('./workloads') = require('./workloads');
      const file = path.join(dir, `workloads-${n}.yaml`);
      fs.writeFileSync(file, workloads.build('library', n).synthYaml());
      const timings: Record<string, Timing[]> = { parse: [], validate: [] };
      for (let i = 0; i < runs; i++) {
        for (const mode of ['parse', 'validate']) {
          const result = spawnSync(process.execPath, [...process.execArgv, __filename, 'child', mode, file], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
          if (result.status !== 0) throw new Error(`child ${mode} failed: ${result.stderr}`);
          timings[mode].push(JSON.parse(result.stdout.trim().split('\n').pop()!));
        }
      }
      const [parse, validate] = [timings.parse, timings.validate];
      const ratio = median(validate.map(t => t.ms)) / median(parse.map(t => t.ms));
      worst = Math.max(worst, ratio);
      lines.push(`| ${n} | ${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} | ${validate[0].documents} | ${median(parse.map(t => t.ms))} | ${median(validate.map(t => t.ms))} | ${ratio.toFixed(2)} | ${median(parse.map(t => t.cpuMs))} | ${median(validate.map(t => t.cpuMs))} | ${validate[0].findings} |`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(lines.join('\n'));
  console.log(`\nnode ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map(l => l.toFixed(2)).join(' ')}; medians of ${runs} runs`);
  console.log(`target: validate ≤ ${TARGET}× parse (worst ${worst.toFixed(2)}: ${worst <= TARGET ? 'met' : 'MISSED'})`);
  if (worst > TARGET) process.exitCode = 1;
}

main();
