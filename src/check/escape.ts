import * as path from 'path';

/**
 * Making text from the input safe to print and to link: every value in a report comes from
 * untrusted manifests or file names.
 */

/** Control characters (C0, DEL, C1), invisible format characters (bidi overrides, zero-width) and line/paragraph separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * A line of text as it may reach a terminal or a CI log: no character from the input can end the
 * line, move the cursor, recolour or retitle the terminal, or reorder what is shown. Each such
 * character is written as an escape (`\n`, `\u001b`); a GitHub Actions v1 workflow command
 * (`##[`), which the runner finds anywhere in a line, is broken up as `#\u0023[`.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, ch => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    const code = ch.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }).replace(/##\[/g, '#\\u0023[');
}

/**
 * A file name as the first thing on a report line: escaped, and starting with `./` unless it
 * starts with a letter, digit or one of `_ . / ~ \`, so that no name can begin a line with a
 * GitHub Actions workflow command (`::error …::`, which the runner reads only at the start of a line).
 */
export function lineStartFile(file: string): string {
  const safe = escapeText(file);
  return /^[A-Za-z0-9_./~\\]/.test(safe) ? safe : `./${safe}`;
}

/**
 * A file as a SARIF `artifactLocation.uri`: a relative reference (to the working directory) with
 * "/" separators and every segment percent-encoded (RFC 3986 `uri-reference`: spaces, `#`, `%`,
 * `?`, `:` and non-ASCII are encoded). A file on another Windows drive becomes a `file:` URI.
 */
export function sarifUri(file: string, cwd: string = process.cwd()): string {
  if (file === 'stdin') return 'stdin';
  const well = file.replace(/\p{Cs}/gu, '\ufffd'); // lone surrogates cannot be percent-encoded
  const relative = path.relative(cwd, path.resolve(cwd, well));
  const encode = (p: string) => p.split(/[\\/]/).map(segment => encodeURIComponent(segment)).join('/');
  if (path.isAbsolute(relative)) return `file:///${encode(relative.replace(/^\//, ''))}`;
  return encode(relative) || '.';
}
