import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sarifErrors } from './sarif-schema';
import { main } from '../../src/check/cli';

const ROOT = path.join(__dirname, '../..');
const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

/** The command as a process: ts-node on the source, so the test needs no prior compile. */
function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/check/cli.ts'), ...args], {
    cwd: ROOT, input, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command in process. */
function runInProcess(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, stdin: () => stdin });
  return { code, stdout, stderr };
}

describe('as a process', () => {
  jest.setTimeout(60_000);

  test('reads stdin with "-" and exits 0 without errors', () => {
    const { code, stdout } = run(['validate', '-'], fs.readFileSync(fixture('good/identity-binding.yaml'), 'utf-8'));
    expect(stdout).toBe('0 errors, 0 warnings, 0 notes in 8 documents\n');
    expect(code).toBe(0);
  });

  test('exits 1 with an error, naming file, line and column', () => {
    const { code, stdout } = run(['validate', 'test/check/fixtures/bad/objects.yaml']);
    expect(stdout).toMatch(/^test\/check\/fixtures\/bad\/objects\.yaml:18:33: error: \[SecretProviderClass demo\/objects\] spec\.parameters\.objects\[0\]\.objectVersionHistory "5" is invalid: /m);
    expect(code).toBe(1);
  });

  test('exits 2 on a YAML syntax error, reported as a finding with file, line and column; the rest is still checked', () => {
    const { code, stderr, stdout } = run(['validate', '-'], 'kind: Pod\n---\nmetadata: {\n');
    expect(stdout).toMatch(/^stdin:4:1: error: YAML syntax error: .* \(input-yaml\)$/m);
    expect(stdout).toMatch(/^1 error, 0 warnings, 1 note in 1 document; some input could not be read, so the check is incomplete \(exit 2\)$/m);
    expect(stderr).toBe('');
    expect(code).toBe(2);
  });
});

describe('arguments', () => {
  test('warnings alone exit 0', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-check-'));
    const file = path.join(dir, 'warn.yml');
    fs.writeFileSync(file, fs.readFileSync(fixture('good/identity-binding.yaml'), 'utf-8').replace('tenantID:', 'tenantId:'));
    const { code, stdout } = runInProcess(['validate', dir]);
    expect(stdout).toMatch(/warning: .*spec\.parameters\.tenantId/);
    expect(stdout).toMatch(/0 errors, 1 warning, 0 notes in 8 documents/);
    expect(code).toBe(0);
  });

  test.each([
    [['validate'], /no input/],
    [['validate', '--format', 'xml', 'x.yaml'], /--format must be one of text, json, sarif/],
    [['validate', '--strict', 'x.yaml'], /unknown option "--strict"/],
    [['lint', 'x.yaml'], /unknown command "lint"/],
  ])('%j exits 2', (args, message) => {
    const { code, stderr } = runInProcess(args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  test('an unreadable file exits 2 with a finding naming it, in the report', () => {
    const { code, stdout } = runInProcess(['validate', 'does-not-exist.yaml']);
    expect(stdout).toMatch(/^does-not-exist\.yaml: error: cannot be read: no such file or directory \(ENOENT\)\. Fix: .* \(input-file\)$/m);
    expect(code).toBe(2);
  });

  test('--help', () => {
    expect(runInProcess(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: cdk8s-azure-keyvault-csi validate/) });
  });
});

describe('--format json', () => {
  test('a versioned shape with one entry per finding', () => {
    const { code, stdout } = runInProcess(['validate', '--format', 'json', fixture('bad/objects.yaml')]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.version).toBe(1);
    expect(report.tool).toEqual({ name: 'cdk8s-azure-keyvault-csi', version: expect.any(String) });
    expect(report.summary).toEqual({ errors: 3, warnings: 1, notes: 0, documents: 2 });
    expect(report.findings[0]).toEqual({
      severity: 'error',
      ruleId: 'spc-objects',
      file: fixture('bad/objects.yaml'),
      document: 0,
      line: 18,
      column: 33,
      endLine: 18,
      endColumn: 36,
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      object: 'demo/objects',
      field: 'spec.parameters.objects[0].objectVersionHistory',
      value: '5',
      rule: expect.stringMatching(/^must be an unquoted integer/),
      fix: 'write objectVersionHistory: 5 without quotes',
      message: expect.stringMatching(/^spec\.parameters\.objects\[0\]\.objectVersionHistory "5" is invalid: must be an unquoted integer.*\. Fix: write objectVersionHistory: 5 without quotes\.$/),
    });
    expect(report.findings[3]).toMatchObject({ document: 1, object: 'demo/bare-list', line: 35 });
  });
});

describe('--format sarif', () => {
  test('SARIF 2.1.0 with rules and regions on the offending nodes', () => {
    const { stdout } = runInProcess(['validate', '--format=sarif', 'test/check/fixtures/bad/install.yaml', '-'], 'kind: Pod\n');
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const [runResult] = sarif.runs;
    const rules = runResult.tool.driver.rules.map((r: any) => r.id);
    expect(rules).toEqual([...rules].sort());
    for (const r of runResult.results) expect(rules[r.ruleIndex]).toBe(r.ruleId);
    const version = runResult.results.find((r: any) => r.ruleId === 'provider-version');
    expect(version).toMatchObject({
      level: 'error',
      message: { text: expect.stringMatching(/^\[DaemonSet kube-system\/provider\] spec\.template\.spec\.containers\[0\]\.image .* needs provider v1\.8\.1/) },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'test/check/fixtures/bad/install.yaml' }, region: { startLine: 87, startColumn: 18, endLine: 87, endColumn: 84 } } }],
    });
    // A note about the input as a whole has no location; one about a skipped document points at it.
    const noteResult = runResult.results.find((r: any) => r.level === 'note' && r.ruleId !== 'input-skipped');
    expect(noteResult.locations).toBeUndefined();
    const skipped = runResult.results.find((r: any) => r.ruleId === 'input-skipped');
    expect(skipped).toMatchObject({ level: 'note', message: { text: expect.stringMatching(/without kind or apiVersion was not checked: stdin \(document 0\)/) } });
    expect(skipped.locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
  });
});

describe('exit codes, --version and reports on failure', () => {
  test('--version prints the package version', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    expect(runInProcess(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(runInProcess(['validate', '--version']).stdout).toBe(`${version}\n`);
  });

  test.each([
    ['an empty stdin', ''],
    ['only comments', '# nothing here\n---\n# still nothing\n'],
  ])('%s exits 2: no document is not "0 errors"', (_case, stdin) => {
    const { code, stdout } = runInProcess(['validate', '--format', 'json', '-'], stdin);
    const report = JSON.parse(stdout);
    expect(report.execution).toEqual({ successful: false, exitCode: 2, problems: [expect.stringMatching(/^the input holds no YAML document/)] });
    expect(report.findings.map((f: any) => f.ruleId)).toEqual(['input-empty']);
    expect(code).toBe(2);
  });

  test('an internal error exits 3 and still writes a valid, failed SARIF run', () => {
    let stdout = '';
    let stderr = '';
    const code = main(['validate', '--format', 'sarif', '-'], {
      stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, stdin: () => { throw new Error('boom\u001b[2J'); },
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^internal error: boom\\u001b\[2J\n/);
    const sarif = JSON.parse(stdout);
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, exitCode: 3, toolExecutionNotifications: [{ level: 'error', message: { text: expect.stringMatching(/internal error: boom\\u001b/) } }] });
  });

  test('an unreadable input: the other inputs are checked, the SARIF is written and valid, the run marked failed', () => {
    const { code, stdout } = runInProcess(['validate', '--format', 'sarif', 'missing.yaml', fixture('bad/install.yaml')]);
    expect(code).toBe(2);
    const sarif = JSON.parse(stdout);
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, exitCode: 2, toolExecutionNotifications: [{ message: { text: expect.stringMatching(/^missing\.yaml: cannot be read/) } }] });
    expect(sarif.runs[0].results.some((r: any) => r.ruleId === 'provider-version')).toBe(true);
  });

  test('a complete run is valid SARIF 2.1.0 with relative, percent-encoded URIs (spaces, #, %, :, non-ASCII)', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, 'test/check/.tmp-sarif-'));
    try {
      const name = 'my app #1 100% é:v.yaml';
      fs.copyFileSync(fixture('bad/objects.yaml'), path.join(dir, name));
      const { code, stdout } = runInProcess(['validate', '--format', 'sarif', path.join(dir, name)]);
      expect(code).toBe(1);
      const sarif = JSON.parse(stdout);
      expect(sarifErrors(sarif)).toEqual([]);
      expect(sarif.runs[0].invocations[0]).toEqual({ executionSuccessful: true, exitCode: 1, toolExecutionNotifications: [] });
      expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri)
        .toBe(`${path.relative(process.cwd(), dir)}/my%20app%20%231%20100%25%20%C3%A9%3Av.yaml`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('as a process: an unrendered Go template is a finding, and nothing leaks to stderr', () => {
    const { code, stdout, stderr } = run(['validate', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n  labels: { {{ .Values.key }}: x }\n');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^stdin:\d+:\d+: error: .*unrendered Go template/m);
    expect(code).toBe(2);
  });
});
