/**
 * Manifest checker benchmark, two parts:
 *
 * 1. `validate` on the 10,000-workload manifests of workloads.ts (library variant) against parsing
 *    the same YAML alone: at most 2× the parse.
 * 2. Scaling (issue 16): for each input dimension an attacker controls (documents, `objects`
 *    entries, alias length, classes of one name, pods, classes per audience), `validate` at n and
 *    at 10n; the time per unit must stay flat (at most 2× at 10n; a quadratic spot shows 10×).
 *
 *   npm run bench:check                          both parts (N = 10,000, 3 runs each)
 *   npm run bench:check -- --only scaling        the scaling table only
 *   npm run bench:check -- --sizes 1000,10000 --runs 5 --only workloads
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
/** Time per unit at 10n / time per unit at n must stay within this factor (linear: about 1). */
const SCALING_TARGET = 2;

const CLASS_HEAD = (name: string, ns: string, parameters = '') => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: { name: ${name}, namespace: ${ns} }
spec:
  provider: azure
  parameters:
    keyvaultName: kvname
    tenantID: 11111111-1111-1111-1111-111111111111
${parameters}    objects: |
      array:
`;
const ENTRY = (name: string, more = '') => `        - |\n          objectName: ${name}\n          objectType: secret\n${more}`;
const CLIENT = '22222222-2222-2222-2222-222222222222';
const CSI_DRIVER = '---\napiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: { name: secrets-store.csi.k8s.io }\nspec:\n  podInfoOnMount: true\n  tokenRequests: [{ audience: api://AKSIdentityBinding }, { audience: api://AzureADTokenExchange }]\n';

/** One input dimension: a YAML text with n units of it. */
interface Dimension {
  readonly name: string;
  readonly unit: string;
  readonly n: number;
  readonly make: (n: number) => string;
}

const DIMENSIONS: Dimension[] = [
  { name: 'documents', unit: 'document', n: 10_000, make: n => Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\n`).join('---\n') },
  { name: 'objects entries of one class', unit: 'entry', n: 5_000, make: n => CLASS_HEAD('big', 'demo') + Array.from({ length: n }, (_, i) => ENTRY(`o${i}`)).join('') },
  { name: 'alias length (path segments)', unit: 'segment', n: 20_000, make: n => CLASS_HEAD('alias', 'demo') + ENTRY('a', `          objectAlias: ${'a/'.repeat(n)}x\n`) },
  { name: 'classes of one name', unit: 'class', n: 2_000, make: n => Array.from({ length: n }, (_, i) => CLASS_HEAD('same', `ns${i}`) + ENTRY('a')).join('---\n') },
  {
    name: 'pods mounting one class',
    unit: 'pod',
    n: 2_000,
    make: n => CLASS_HEAD('idb', 'demo', `    useAzureTokenProxy: "true"\n    clientID: ${CLIENT}\n`) + ENTRY('a') + CSI_DRIVER
      + `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: mi }\nrules: [{ apiGroups: [cid.wi.aks.azure.com], resources: ["${CLIENT}"], verbs: [use-managed-identity] }]\n`
      + Array.from({ length: n }, (_, i) => `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: b${i} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: mi }\nsubjects: [{ kind: ServiceAccount, name: sa${i}, namespace: demo }]\n`
        + `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: demo }\nspec:\n  serviceAccountName: sa${i}\n  containers: [{ name: c, image: busybox }]\n  volumes: [{ name: s, csi: { driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: { secretProviderClass: idb } } }]\n`).join(''),
  },
  {
    name: 'classes needing one token audience',
    unit: 'class',
    n: 2_000,
    make: n => Array.from({ length: n }, (_, i) => CLASS_HEAD(`wi${i}`, 'demo', `    clientID: ${CLIENT}\n`) + ENTRY('a')).join('---\n') + CSI_DRIVER,
  },
];

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

function runChild(mode: string, file: string): Timing {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename, 'child', mode, file], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`child ${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

/** The scaling table: each dimension at n and 10n, the median of `runs` each; returns the worst ratio. */
function scaling(runs: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-bench-scaling-'));
  const lines = ['| dimension | n | ms | µs per unit | 10n | ms | µs per unit | ratio |', '|---|---|---|---|---|---|---|---|'];
  let worst = 0;
  try {
    for (const d of DIMENSIONS) {
      const perUnit: number[] = [];
      const cells: string[] = [];
      for (const n of [d.n, d.n * 10]) {
        const file = path.join(dir, `${d.unit}-${n}.yaml`);
        fs.writeFileSync(file, d.make(n));
        const ms = median(Array.from({ length: runs }, () => runChild('validate', file).ms));
        perUnit.push(ms * 1000 / n);
        cells.push(`${n.toLocaleString('en')}`, `${ms}`, (ms * 1000 / n).toFixed(1));
      }
      const ratio = perUnit[1] / perUnit[0];
      worst = Math.max(worst, ratio);
      lines.push(`| ${d.name} | ${cells.join(' | ')} | ${ratio.toFixed(2)} |`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(lines.join('\n'));
  console.log(`\ntarget: time per unit at 10n ≤ ${SCALING_TARGET}× that at n (worst ${worst.toFixed(2)}: ${worst <= SCALING_TARGET ? 'met' : 'MISSED'})\n`);
  return worst;
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === 'child') {
    process.stdout.write(JSON.stringify(child(argv[1], argv[2])) + '\n');
    return;
  }
  const value = (flag: string) => argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined;
  const only = value('--only');
  if (only !== 'workloads') {
    const worst = scaling(Number(value('--runs') ?? 3));
    if (worst > SCALING_TARGET) process.exitCode = 1;
    if (only === 'scaling') return;
  }
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
          timings[mode].push(runChild(mode, file));
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
