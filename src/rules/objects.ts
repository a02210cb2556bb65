import { ClassContext, error, errorAt, Finding, ObjectEntry, present, warning } from './model';
import * as rules from './values';

/**
 * Rules of the `objects` parameter: one entry at a time (`checkObject`) and the files the
 * entries write together (`checkObjectFiles`). Provider facts, pinned at v1.8.2:
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/validate.go
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/provider.go
 */

export const OBJECT_TYPES = ['secret', 'key', 'cert'];
export const OBJECT_FORMATS = ['pem', 'pfx'];
export const OBJECT_ENCODINGS = ['utf-8', 'hex', 'base64'];

/** The file (relative to the mount) an entry is written to: a non-empty alias, else the name. */
export function fileOf(entry: ObjectEntry): string {
  return entry.objectAlias ? entry.objectAlias : entry.objectName;
}

/** The field that names an entry's file: the alias when set, else the name. */
export function fileField(entry: ObjectEntry, field: string): string {
  return entry.objectAlias ? `${field}.objectAlias` : `${field}.objectName`;
}

/** Number of version files (`<file>/0` …) an entry writes, or 0 for a single file. */
export function versionCount(entry: ObjectEntry): number {
  const history = entry.objectVersionHistory ?? 0;
  return history > 1 ? history : 0;
}

/**
 * Whether the provider may also write `<file>.crt` and `<file>.key`: with
 * `--write-cert-and-key-in-separate-files` it does so for every secret that backs a certificate,
 * in any objectFormat (empty files for PFX). At synth the content type is unknown, so every
 * secret counts: conservative for clashes, and a sync from them fails at mount if the secret
 * backs no certificate.
 */
export function writesCertAndKeyFiles(entry: ObjectEntry, context: ClassContext = {}): boolean {
  return context.writeCertAndKeyInSeparateFiles === true && entry.objectType === 'secret';
}

/** The files an entry writes, relative to the mount. */
export function filesWritten(entry: ObjectEntry, context: ClassContext = {}): string[] {
  const file = fileOf(entry);
  const count = versionCount(entry);
  const bases = count ? Array.from({ length: count }, (_, index) => `${file}/${index}`) : [file];
  if (!writesCertAndKeyFiles(entry, context)) return bases;
  return bases.flatMap(base => [base, `${base}.crt`, `${base}.key`]);
}

/** Which part of an entry a written file holds: all of it, or the `.crt`/`.key` split. */
export type FilePart = 'object' | 'crt' | 'key';

/** The part of `entry` written to `path`, or undefined when the entry does not write it (O(1), unlike filesWritten). */
export function partWritten(entry: ObjectEntry, path: string, context: ClassContext = {}): FilePart | undefined {
  if (writesBase(entry, path)) return 'object';
  if (!writesCertAndKeyFiles(entry, context)) return undefined;
  for (const suffix of ['crt', 'key'] as const) {
    if (path.endsWith(`.${suffix}`) && writesBase(entry, path.slice(0, -suffix.length - 1))) return suffix;
  }
  return undefined;
}

function writesBase(entry: ObjectEntry, path: string): boolean {
  const file = fileOf(entry);
  const count = versionCount(entry);
  if (!count) return path === file;
  if (!path.startsWith(`${file}/`)) return false;
  const index = path.slice(file.length + 1);
  return /^(0|[1-9][0-9]*)$/.test(index) && Number(index) < count;
}

/** How many files `describeFiles` names before "and N more" (a message stays short however many objects a class has). */
const FILES_SHOWN = 10;

/** The entries' files for messages: `a, db/b, c/0..2` (the first ten, then "and N more"). */
export function describeFiles(entries: readonly ObjectEntry[], context: ClassContext = {}): string {
  const more = entries.length > FILES_SHOWN ? ` and ${entries.length - FILES_SHOWN} more` : '';
  return entries.slice(0, FILES_SHOWN).map(entry => {
    const file = fileOf(entry);
    const count = versionCount(entry);
    const base = count ? `${file}/0..${count - 1}` : file;
    return writesCertAndKeyFiles(entry, context) ? `${base} (and ${count ? `${file}/<index>` : file}.crt/.key)` : base;
  }).join(', ') + more;
}

/** Rules of one `objects` entry; `field` names it, e.g. "objects[2]". */
export function checkObject(entry: ObjectEntry, field: string): Finding[] {
  const findings: Finding[] = [];
  findings.push(...present(rules.objectName(entry.objectName, `${field}.objectName`)));
  if (!OBJECT_TYPES.includes(entry.objectType)) {
    findings.push(error(`${field}.objectType`, entry.objectType,
      `must be one of ${OBJECT_TYPES.map(t => JSON.stringify(t)).join(', ')} (the provider fails the mount with "Invalid vaultObjectTypes")`,
      'use "secret" for secrets and a certificate\'s key and chain, "key" for a public key, "cert" for a public certificate'));
  }
  if (entry.objectAlias === '') {
    findings.push(warning(`${field}.objectAlias`, '',
      'the file name must not be empty; the provider ignores an empty objectAlias and names the file after objectName',
      'remove the alias, or set it to a relative path like "db/password"'));
  }
  const file = fileOf(entry);
  const written = fileField(entry, field);
  const badFile = rules.filePath(file, written)
    // A version directory's files too: "a:" alone is fine, "a:/0" is absolute on Windows nodes.
    ?? (versionCount(entry) ? errorAt(written, file, rules.filePath(`${file}/0`, written)) : undefined);
  findings.push(...present(badFile));
  findings.push(...checkVersion(entry, field));
  if (entry.filePermission !== undefined) {
    findings.push(...present(
      rules.filePermission(entry.filePermission, `${field}.filePermission`),
      rules.filePermissionBits(entry.filePermission, `${field}.filePermission`),
    ));
  }
  findings.push(...checkFormatAndEncoding(entry, field));
  return findings;
}

function checkVersion(entry: ObjectEntry, field: string): Finding[] {
  const findings: Finding[] = [];
  const version = entry.objectVersion;
  // "" is the latest version, as every upstream example writes it (rules.objectVersion).
  if (version !== undefined && version !== '') {
    findings.push(...present(rules.objectVersion(version, `${field}.objectVersion`)));
    if (version === 'latest' && !versionCount(entry)) {
      findings.push(error(`${field}.objectVersion`, version,
        'Key Vault has no version named "latest": the provider resolves "latest" only with objectVersionHistory above 1 and otherwise sends it to Key Vault as a version ID (404 at mount)',
        'omit the version for the latest'));
    }
  }
  if (entry.objectVersionHistory !== undefined) {
    findings.push(...present(
      rules.versionHistory(entry.objectVersionHistory, `${field}.objectVersionHistory`),
      rules.versionHistoryEffect(entry.objectVersionHistory, `${field}.objectVersionHistory`),
    ));
  }
  return findings;
}

function checkFormatAndEncoding(entry: ObjectEntry, field: string): Finding[] {
  const findings: Finding[] = [];
  const isSecret = entry.objectType === 'secret';
  const format = entry.objectFormat;
  if (format !== undefined) {
    if (!OBJECT_FORMATS.includes(format.toLowerCase())) {
      findings.push(error(`${field}.objectFormat`, format,
        `must be one of ${OBJECT_FORMATS.map(v => JSON.stringify(v)).join(', ')} (the provider fails the mount otherwise)`, 'use "pem" or "pfx" (ObjectFormat)'));
    } else if (!isSecret && format === 'pfx') {
      // validate.go rejects exactly "pfx" on a key or cert; "pem" is accepted there (Key Vault returns them as PEM anyway).
      findings.push(error(`${field}.objectFormat`, format,
        `objectFormat pfx applies only to secrets, and this is a ${entry.objectType}: Key Vault returns keys and certificates only as PEM (the provider rejects the object at mount)`,
        `read the certificate's secret for its PFX (objectType secret: KeyVaultObject.secret("${entry.objectName}", { format })), or drop the format`));
    } else if (!isSecret && format.toLowerCase() === 'pfx') {
      // The check is case-sensitive (`objectFormat == types.ObjectFormatPFX`, validate.go#L33), so "PFX" passes and is ignored.
      findings.push(warning(`${field}.objectFormat`, format,
        `the provider's PFX check is case-sensitive, so "${format}" on a ${entry.objectType} passes, is ignored and the ${entry.objectType} is written as PEM (Key Vault returns keys and certificates only as PEM)`,
        `drop the format, or read the certificate's secret for its PFX (objectType secret: KeyVaultObject.secret("${entry.objectName}", { format }))`));
    }
  }
  const encoding = entry.objectEncoding;
  if (encoding !== undefined) {
    if (!isSecret) {
      // validate.go rejects any objectEncoding, even "utf-8", unless objectType is exactly "secret".
      findings.push(error(`${field}.objectEncoding`, encoding,
        `objectEncoding applies only to secrets, and this is a ${entry.objectType} (the provider rejects the object at mount, even for "utf-8")`,
        `read the certificate's secret instead (objectType secret: KeyVaultObject.secret("${entry.objectName}", { encoding })) or drop encoding`));
    } else if (!OBJECT_ENCODINGS.includes(encoding.toLowerCase())) {
      findings.push(error(`${field}.objectEncoding`, encoding,
        `must be one of ${OBJECT_ENCODINGS.map(v => JSON.stringify(v)).join(', ')} (the provider fails the mount otherwise)`, 'use "utf-8", "hex" or "base64" (ObjectEncoding)'));
    }
  }
  return findings;
}

/**
 * A claim on a path, as a number (a class keeps its claims for the app's lifetime, and fleet apps
 * have tens of thousands of classes): the claiming entry's index and which of its paths it is.
 */
type Claim = number;
const PARTS = ['', '.crt', '.key'] as const;
const claimOf = (index: number, part: number): Claim => index * PARTS.length + part;
const indexOf = (claim: Claim) => Math.floor(claim / PARTS.length);
const pathOf = (claim: Claim, entry: ObjectEntry) => fileOf(entry) + PARTS[claim % PARTS.length];

/**
 * One path segment's node: the file written at this path, and the first claim below it (a
 * directory). A node that is only a file is its claim; `children` is created with the first child.
 */
type PathNode = Claim | { children?: Map<string, PathNode>; file?: Claim; directory?: Claim };
type Directory = Exclude<PathNode, Claim>;

/**
 * The paths claimed by entries so far, for clash checks: a tree of path segments, so that claiming
 * or checking a path costs O(its length) however deep it is (a map of every prefix would cost
 * O(length × depth)). `checkObjectFiles` runs it over a whole list; constructs keep one to check
 * each object as it is added.
 */
export class FileClaims {
  private readonly root: Directory = {};
  private count = 0;

  /** @param entryAt the entry claimed with an index (for the message of a clash) */
  constructor(private readonly entryAt: (index: number) => ObjectEntry, private readonly context: ClassContext = {}) {}

  /** Claims the paths of the next entry (`objects[<count so far>]`), returning the first clash. */
  public claim(entry: ObjectEntry): Finding | undefined {
    const index = this.count++;
    const field = `objects[${index}]`;
    const file = fileOf(entry);
    // A path the file rules reject is never written: nothing to clash with (and no cost for a huge alias).
    if (rules.filePath(file, field) !== undefined) return undefined;
    const ownsDirectory = versionCount(entry) > 0;
    // The .crt/.key files of a version directory lie inside it: the directory's claim covers them.
    const parts = !ownsDirectory && writesCertAndKeyFiles(entry, this.context) ? PARTS.length : 1;
    let found: Finding | undefined;
    for (let part = 0; part < parts; part++) {
      const segments = (file + PARTS[part]).split('/');
      const clash = found ? undefined : this.clashOf(segments);
      if (clash !== undefined) {
        const other = this.entryAt(indexOf(clash));
        found = clashFinding(entry, field, file + PARTS[part], { entry: other, index: indexOf(clash), path: pathOf(clash, other) }, this.context);
      }
      this.add(segments, claimOf(index, part));
      // A version directory is the entry's own: nothing else may be written below it.
      if (ownsDirectory) this.add(segments, claimOf(index, part), true);
    }
    return found;
  }

  /** Counts an entry that could not be read, so that later entries keep their index. */
  public skip(): void {
    this.count++;
  }

  /** Records `claim` as the file at `segments` (or the directory, with `directory`), and as the directory of its ancestors, where unclaimed. */
  private add(segments: readonly string[], claim: Claim, directory = false): void {
    let parent = this.root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const children = parent.children ??= new Map();
      const last = i === segments.length - 1;
      let node = children.get(segment);
      if (node === undefined && last && !directory) {
        children.set(segment, claim);
        return;
      }
      if (node === undefined || typeof node === 'number') children.set(segment, node = { file: node });
      if (!last || directory) node.directory ??= claim;
      else node.file ??= claim;
      parent = node;
    }
  }

  /** The claim a path clashes with: a file or directory at the path, or a file at one of its ancestors. */
  private clashOf(segments: readonly string[]): Claim | undefined {
    let node: PathNode = this.root;
    for (let i = 0; i < segments.length; i++) {
      const next: PathNode | undefined = typeof node === 'number' ? undefined : node.children?.get(segments[i]);
      if (next === undefined) return undefined;
      node = next;
      const file = typeof node === 'number' ? node : node.file;
      if (i < segments.length - 1 && file !== undefined) return file;
    }
    return typeof node === 'number' ? node : node.file ?? node.directory;
  }
}

/** The entry a clash is with: which one, and the path of it that clashes. */
interface Claimant {
  readonly entry: ObjectEntry;
  readonly index: number;
  readonly path: string;
}

function clashFinding(entry: ObjectEntry, field: string, path: string, clash: Claimant, context: ClassContext): Finding {
  const describe = (e: ObjectEntry, p: string) => {
    if (versionCount(e) && p === fileOf(e)) return `"${p}" (a version directory)`;
    if (p !== fileOf(e)) return `"${p}" (its ${p.slice(-4)} file, as the provider writes with --write-cert-and-key-in-separate-files)`;
    return `"${p}"`;
  };
  const duplicate = sameEntry(entry, clash.entry);
  return error(fileField(entry, field), fileOf(entry),
    `the file ${describe(entry, path)} clashes with ${describe(clash.entry, clash.path)} written by ${clash.entry.objectType} "${clash.entry.objectName}" (objects[${clash.index}])`
      + `${duplicate ? ', an exact duplicate' : ''}; the driver would silently keep only one`,
    duplicate
      ? 'remove the duplicate entry (or give one a distinct `alias` if both are needed)'
      : `give one of the objects a distinct \`alias\`${context.writeCertAndKeyInSeparateFiles && path !== fileOf(entry) ? ' (not ending in .crt or .key next to a secret)' : ''}`);
}

function sameEntry(a: ObjectEntry, b: ObjectEntry): boolean {
  const keys: (keyof ObjectEntry)[] = ['objectName', 'objectAlias', 'objectType', 'objectVersion', 'objectVersionHistory', 'objectFormat', 'objectEncoding', 'filePermission'];
  return keys.every(key => (a[key] || undefined) === (b[key] || undefined));
}

/**
 * Clashes between the entries' files (the driver keeps one file per path, silently). An undefined
 * entry is one that could not be read: it keeps its index, and claims nothing.
 */
export function checkObjectFiles(entries: readonly (ObjectEntry | undefined)[], context: ClassContext = {}): Finding[] {
  const claims = new FileClaims(index => entries[index]!, context);
  const findings: Finding[] = [];
  for (const entry of entries) {
    if (entry === undefined) {
      claims.skip();
      continue;
    }
    const clash = claims.claim(entry);
    if (clash) findings.push(clash);
  }
  return findings;
}
