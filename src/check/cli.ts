#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { azureCli } from './azure-cli';
import { check } from './checker';
import { Format, FORMATS, render, summarize } from './report';
import { InputError, readInputs } from './source';

/**
 * The `cdk8s-azure-keyvault-csi` command:
 *
 *   cdk8s-azure-keyvault-csi validate [--format text|json|sarif] PATH... | -
 *   cdk8s-azure-keyvault-csi azure-cli PATH... | -     (./azure-cli.ts)
 *
 * Exit codes: 0 no error (warnings and notes allowed), 1 at least one error, 2 could not run.
 */

export const USAGE = `Usage: cdk8s-azure-keyvault-csi validate [--format text|json|sarif] PATH... | -
       cdk8s-azure-keyvault-csi azure-cli PATH... | -

Checks SecretProviderClasses (provider: azure), the workloads that mount them, identity binding
RBAC, the CSIDriver, the driver's and provider's DaemonSets and Azure Service Operator objects, in
YAML files, directories (recursively *.yaml, *.yml) or stdin ("-").

azure-cli prints the az commands equivalent to the Azure Service Operator objects (--help: more).

Exit codes: 0 no error, 1 at least one error, 2 could not run (unreadable input, YAML syntax error).
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: () => string;
}

/** The package's version (shown in reports). */
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

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command === 'azure-cli') return azureCli(rest, io);
  if (command !== 'validate') {
    io.stderr(`${command === undefined ? 'missing command' : `unknown command "${command}"`}\n\n${USAGE}`);
    return 2;
  }
  let format: Format = 'text';
  const inputs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg.includes('=') ? arg.slice('--format='.length) : rest[++i];
      if (!FORMATS.includes(value as Format)) {
        io.stderr(`--format must be one of ${FORMATS.join(', ')}, not "${value ?? ''}"\n`);
        return 2;
      }
      format = value as Format;
    } else if (arg === '--help' || arg === '-h') {
      io.stdout(USAGE);
      return 0;
    } else if (arg === '--') {
      inputs.push(...rest.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      io.stderr(`unknown option "${arg}"\n\n${USAGE}`);
      return 2;
    } else {
      inputs.push(arg);
    }
  }
  if (!inputs.length) {
    io.stderr(`no input: give files, directories or "-" for stdin\n\n${USAGE}`);
    return 2;
  }
  try {
    const result = check(readInputs(inputs, io.stdin));
    io.stdout(render(result, format, packageVersion()));
    return summarize(result).errors > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  let code: number;
  try {
    code = main(process.argv.slice(2), {
      stdout: text => process.stdout.write(text),
      stderr: text => process.stderr.write(text),
      stdin: () => fs.readFileSync(0, 'utf-8'),
    });
  } catch (e) {
    process.stderr.write(`internal error: ${(e as Error).stack ?? e}\n`);
    code = 2;
  }
  process.exitCode = code;
}
