/**
 * What splitting one app into many charts costs. The same W workloads (a ServiceAccount, a
 * cdk8s-plus Deployment and a class mounted into it, granted through one AksIdentityBinding) are
 * spread over C charts, and `app.synth()` is timed (CPU and wall time). cdk8s validates the whole app once more for
 * every chart it writes (`Chart.toJson()` → `App._synthChart()`), so time grows with
 * charts × objects. `--plain` builds the same number of Deployments and ServiceAccounts with
 * cdk8s-plus only (no library), to show the growth is cdk8s's own.
 *
 *   npx ts-node --transpile-only --project bench/tsconfig.json bench/charts.ts [--workloads 1000] [--charts 1,10,100,1000] [--runs 3] [--plain]
 *
 * Each measurement runs in a fresh process (no warm caches between variants); prints the medians
 * as a Markdown table.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AksIdentityBinding, KeyVaultObject, KeyVaultSecretProviderClass } from '../src';

const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';

function build(workloads: number, charts: number, plain: boolean, outdir: string): App {
  const app = new App({ outdir });
  const rbac = new Chart(app, 'rbac', { disableResourceNameHashes: true });
  const binding = plain ? undefined : new AksIdentityBinding(rbac, 'mi', { clientId: CLIENT_ID });
  const chartList = Array.from({ length: charts }, (_, c) => new Chart(app, `team-${c}`, { namespace: `team-${c}`, disableResourceNameHashes: true }));
  for (let i = 0; i < workloads; i++) {
    const chart = chartList[i % charts];
    const deployment = new kplus.Deployment(chart, `web-${i}`, {
      serviceAccount: new kplus.ServiceAccount(chart, `sa-${i}`, { metadata: { name: `web-${i}` } }),
      containers: [{ name: 'app', image: 'app', securityContext: { user: 1000 } }],
    });
    if (binding) {
      new KeyVaultSecretProviderClass(chart, `spc-${i}`, {
        metadata: { name: `kv-${i}` },
        keyVaultName: 'kv-bench',
        tenantId: TENANT_ID,
        identity: binding.identity,
        objects: [KeyVaultObject.secret('db-password'), KeyVaultObject.key('signing-key')],
      }).mount(deployment);
    }
  }
  return app;
}

function child(workloads: number, charts: number, plain: boolean): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-charts-'));
  const app = build(workloads, charts, plain, outdir);
  // CPU time of synth (user + system): on a shared machine it varies far less than wall time.
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  app.synth();
  const used = process.cpuUsage(cpu);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs }));
}

function main(argv: string[]): void {
  const value = (flag: string) => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined; };
  if (argv.includes('--child')) {
    child(Number(value('--workloads')), Number(value('--charts')), argv.includes('--plain'));
    return;
  }
  const workloads = Number(value('--workloads') ?? 1000);
  const chartCounts = (value('--charts') ?? '1,10,100,1000').split(',').map(Number);
  const runs = Number(value('--runs') ?? 3);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const variants = argv.includes('--plain') ? [false, true] : [false];
  console.log(`${workloads} workloads; ${os.cpus().length} cores, ${os.cpus()[0].model}, Node.js ${process.version}; medians of ${runs} runs\n`);
  console.log('| variant | charts | workloads per chart | synth CPU ms | synth wall ms |');
  console.log('|---|---|---|---|---|');
  for (const plain of variants) {
    for (const charts of chartCounts) {
      const args = [__filename, '--child', '--workloads', String(workloads), '--charts', String(charts), ...(plain ? ['--plain'] : [])];
      const results = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', ...args], {
        encoding: 'utf-8', maxBuffer: 1024 * 1024, env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
      })));
      const cpuMs = median(results.map(r => r.cpuMs));
      const wallMs = median(results.map(r => r.wallMs));
      console.log(`| ${plain ? 'cdk8s-plus only' : 'library'} | ${charts} | ${workloads / charts} | ${Math.round(cpuMs)} | ${Math.round(wallMs)} |`);
    }
  }
}

if (require.main === module) main(process.argv.slice(2));
