/**
 * Writing bash: every value single-quoted (inside single quotes bash expands nothing, so spaces,
 * quotes, `$()`, backticks and newlines reach the command as written), comments that no value can
 * end. A NUL byte cannot be in a command's argument at all; `ShellValueError` says so.
 */

/** A script variable the words may use, e.g. the subscription read at run time. */
export interface ShellVariable {
  readonly variable: string;
}

/** One argument: a literal, or literals and variables concatenated (`'/subscriptions/'"${subscription}"'/resourceGroups/…'`). */
export type ShellWord = string | readonly (string | ShellVariable)[];

/** A value no command line can carry. */
export class ShellValueError extends Error {}

/** A literal in single quotes; a `'` becomes `'\''`. */
export function quote(value: string): string {
  if (value.includes('\0')) throw new ShellValueError('contains a NUL character, which no command-line argument can carry');
  return `'${value.split('\'').join('\'\\\'\'')}'`;
}

/** A word as bash source. */
export function word(value: ShellWord): string {
  if (typeof value === 'string') return quote(value);
  return value.map(part => typeof part === 'string' ? (part === '' ? '' : quote(part)) : `"\${${part.variable}}"`).join('') || '\'\'';
}

/** A comment line: control characters and line breaks become "?", so the comment ends where it should. */
export function comment(text: string): string {
  return `# ${text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?')}`;
}

/**
 * A command, one option per line: `az role assignment create \` / `  --scope '…'`.
 * @param words the fixed words (never quoted: they are this program's own) and then option/value pairs
 */
export function command(fixed: readonly string[], options: readonly (readonly [string, ...ShellWord[]])[]): string {
  for (const w of [...fixed, ...options.map(o => o[0])]) {
    if (!/^[-a-z]+$/.test(w)) throw new Error(`not a fixed word: ${w}`);
  }
  const lines = [fixed.join(' '), ...options.map(([option, ...values]) => `  ${[option, ...values.map(word)].join(' ')}`)];
  return lines.join(' \\\n');
}
