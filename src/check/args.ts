import { escapeText } from './escape';
import { CliIo } from './io';
import { ExitCode } from './report';

/**
 * The arguments of a command that reads `PATH... | -` (validate, azure-cli): one loop for both, so
 * `--help`, `--`, unknown options and a missing input mean the same in each.
 */

/** What a command was given: its inputs, and the value of each value option it takes. */
export interface CommandArgs {
  readonly inputs: string[];
  /** `--name value` or `--name=value`; undefined when the value is missing. */
  readonly values: ReadonlyMap<string, string | undefined>;
}

/** How a command reads its arguments. */
export interface CommandSyntax {
  readonly usage: string;
  /** Options that take a value, e.g. `--format`. */
  readonly valueOptions?: readonly string[];
  /** Checks an option's value; returns what is wrong with it. */
  readonly checkValue?: (option: string, value: string | undefined) => string | undefined;
  /** `--version` prints this (the option is unknown otherwise). */
  readonly version?: () => string;
}

/** Prints `message` and the usage to stderr, escaped (arguments may come from anywhere); the bad-arguments exit code. */
export function usageError(io: CliIo, usage: string, message: string): number {
  io.stderr(`${escapeText(message)}\n\n${usage}`);
  return ExitCode.INPUT;
}

/** The command's arguments, or the exit code when it stops here (help, version, bad arguments). */
export function readCommandArgs(args: readonly string[], io: CliIo, syntax: CommandSyntax): CommandArgs | number {
  const inputs: string[] = [];
  const values = new Map<string, string | undefined>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const option = syntax.valueOptions?.find(o => arg === o || arg.startsWith(`${o}=`));
    if (option) {
      const value = arg.includes('=') ? arg.slice(option.length + 1) : args[++i];
      const wrong = syntax.checkValue?.(option, value);
      if (wrong) return usageError(io, syntax.usage, wrong);
      values.set(option, value);
    } else if (arg === '--help' || arg === '-h') {
      io.stdout(syntax.usage);
      return ExitCode.OK;
    } else if (arg === '--version' && syntax.version) {
      io.stdout(`${syntax.version()}\n`);
      return ExitCode.OK;
    } else if (arg === '--') {
      inputs.push(...args.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      return usageError(io, syntax.usage, `unknown option "${arg}"`);
    } else {
      inputs.push(arg);
    }
  }
  if (!inputs.length) return usageError(io, syntax.usage, 'no input: give files, directories or "-" for stdin');
  return { inputs, values };
}
