#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { readCommandArgs, usageError } from './args';
import { azureCli } from './azure-cli';
import { check, CheckResult } from './checker';
import { escapeText } from './escape';
import { CheckFinding } from './finding';
import { CliIo } from './io';
import { ExitCode, Format, FORMATS, render, statusOf } from './report';
import { readInputs } from './source';

/**
 * The `cdk8s-azure-keyvault-csi` command:
 *
 *   cdk8s-azure-keyvault-csi validate [--format text|json|sarif] PATH... | -
 *   cdk8s-azure-keyvault-csi azure-cli PATH... | -     (./azure-cli.ts)
 *
 * Exit codes (ExitCode): 0 no error (warnings and notes allowed), 1 at least one error, 2 bad
 * arguments, input that could not be read or parsed (the other files are still checked and
 * reported) or no document at all, 3 an internal error. JSON and SARIF are written in every case
 * but bad arguments, so a CI step always has a report to upload.
 */

export const USAGE = `Usage: cdk8s-azure-keyvault-csi validate [--format text|json|sarif] PATH... | -
       cdk8s-azure-keyvault-csi azure-cli PATH... | -
       cdk8s-azure-keyvault-csi --version

Checks SecretProviderClasses (provider: azure), the workloads that mount them, identity binding
RBAC, the CSIDriver, the driver's and provider's DaemonSets and Azure Service Operator objects, in
YAML files, directories (recursively *.yaml, *.yml) or stdin ("-").

azure-cli prints the az commands equivalent to the Azure Service Operator objects (--help: more).

Exit codes: 0 no error, 1 at least one error, 2 bad arguments, input that could not be read or
parsed, or no YAML document at all (the rest is still checked and reported), 3 internal error.
`;


/** The package's version (shown in reports and by --version). */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf-8'));
      if (pkg.name === 'cdk8s-azure-keyvault-csi') return String(pkg.version);
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}

/** Runs the command; returns the exit code. Never throws: an internal error is exit 3, with a report. */
export function main(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return ExitCode.OK;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  if (command === 'azure-cli') return azureCli(rest, io);
  if (command !== 'validate') {
    return usageError(io, USAGE, command === undefined ? 'missing command' : `unknown command "${command}"`);
  }
  const args = readCommandArgs(rest, io, {
    usage: USAGE,
    valueOptions: ['--format'],
    checkValue: (_, value) => FORMATS.includes(value as Format) ? undefined : `--format must be one of ${FORMATS.join(', ')}, not "${value ?? ''}"`,
    version: packageVersion,
  });
  if (typeof args === 'number') return args;
  const format = (args.values.get('--format') ?? 'text') as Format;
  const inputs = args.inputs;

  let version = '0.0.0';
  let result: CheckResult;
  try {
    version = packageVersion();
    result = check(readInputs(inputs, { stdin: io.stdin }));
    if (result.documents === 0 && !result.findings.some(f => f.severity === 'error')) {
      result = { ...result, findings: [...result.findings, EMPTY_INPUT] };
    }
  } catch (e) {
    // A bug: say so in every format (a CI upload still gets a valid, failed SARIF run).
    const message = `validate failed with an internal error: ${(e as Error)?.message ?? e}`;
    const frames = String((e as Error)?.stack ?? '').split('\n').filter(line => /^\s+at /.test(line));
    io.stderr([`internal error: ${(e as Error)?.message ?? e}`, ...frames].map(escapeText).join('\n') + '\n');
    const failed: CheckResult = {
      documents: 0,
      findings: [{ severity: 'error', ruleId: 'internal-error', field: '', value: undefined, rule: message, fix: 'report it to the maintainers of cdk8s-azure-keyvault-csi, with the input if it can be shared' }],
    };
    if (format !== 'text') io.stdout(render(failed, format, version, { exitCode: ExitCode.INTERNAL, problems: [message] }));
    return ExitCode.INTERNAL;
  }
  const status = statusOf(result);
  io.stdout(render(result, format, version, status));
  return status.exitCode;
}

/** Zero documents is exit 2: a failed `helm template` piped in must not pass as "0 errors". */
const EMPTY_INPUT: CheckFinding = {
  severity: 'error',
  ruleId: 'input-empty',
  field: '',
  value: undefined,
  rule: 'the input holds no YAML document (empty files, only comments, or nothing on stdin), so nothing was checked',
  fix: 'give the manifests to check; if they come from a command (helm template, kustomize build), check that it succeeded',
};

if (require.main === module) {
  const code = main(process.argv.slice(2), {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
  });
  process.exitCode = code;
}
