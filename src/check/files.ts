import * as fs from 'fs';
import * as path from 'path';

/**
 * Which files `validate` reads, and reading them with a size bound. A path named on the command
 * line is read whatever it is (a file, a FIFO such as `<(helm template …)`, a device: the user
 * chose it), up to the size limit. Inside a directory only regular `*.yaml`/`*.yml` files are
 * read: a symlink is followed only when its target stays inside the directories given, and FIFOs,
 * devices and sockets are skipped with a note, so a checked-out pull request cannot make the
 * command hang on a FIFO, read `/dev/zero`, or echo files from outside the tree.
 */

/** What happened to one input file. */
export type FileRead =
  | { readonly kind: 'read'; readonly file: string; readonly bytes: Uint8Array }
  | { readonly kind: 'error'; readonly file: string; readonly message: string }
  | { readonly kind: 'skipped'; readonly file: string; readonly message: string };

const YAML_NAME = /\.ya?ml$/i;
const CHUNK = 1024 * 1024;

/** `code: message` of a file-system error, without Node's stack. */
export function describeError(e: unknown): string {
  const error = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ELOOP: 'too many levels of symbolic links',
    ENXIO: 'no such device or address (a socket?)',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a path component is not a directory',
  };
  return error?.code ? `${reasons[error.code] ?? error.code} (${error.code})` : String(error?.message ?? e);
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** Reads at most `limit + 1` bytes from an open descriptor (the extra byte tells "too large"). */
function readBounded(fd: number, limit: number): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
    let n: number;
    try {
      n = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        // A non-blocking pipe with nothing to read yet: wait a little and try again.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(buffer.subarray(0, n));
    total += n;
    if (total > limit) break;
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(file: string, limit: number): FileRead {
  return { kind: 'error', file, message: `is larger than ${limit} bytes (the limit per input file): split it, or check fewer manifests at once` };
}

/** Reads one file with the size limit; `regularOnly` refuses anything but a regular file (without blocking on a FIFO). */
export function readFile(file: string, limit: number, regularOnly: boolean, display = file): FileRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer before we can see that it is one.
    // eslint-disable-next-line no-bitwise
    const flags = regularOnly ? fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW : fs.constants.O_RDONLY;
    fd = fs.openSync(file, flags);
  } catch (e) {
    return { kind: 'error', file: display, message: `cannot be read: ${describeError(e)}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { kind: 'error', file: display, message: 'cannot be read: is a directory' };
    if (regularOnly && !stat.isFile()) return { kind: 'skipped', file: display, message: `is ${kindOf(stat)}, not a regular file, so it was not read` };
    if (stat.isFile() && stat.size > limit) return tooLarge(display, limit);
    const bytes = readBounded(fd, limit);
    return bytes.length > limit ? tooLarge(display, limit) : { kind: 'read', file: display, bytes };
  } catch (e) {
    return { kind: 'error', file: display, message: `cannot be read: ${describeError(e)}` };
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads stdin with the size limit. */
export function readStdin(limit: number): FileRead {
  try {
    const bytes = readBounded(0, limit);
    return bytes.length > limit ? tooLarge('stdin', limit) : { kind: 'read', file: 'stdin', bytes };
  } catch (e) {
    return { kind: 'error', file: 'stdin', message: `cannot be read: ${describeError(e)}` };
  }
}

function compareNames(a: fs.Dirent, b: fs.Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A file found by `inputFiles`: a path named on the command line, or a YAML file of a directory. */
export interface FoundFile {
  readonly kind: 'file';
  /** The path to show: as given, or joined from the directory given. */
  readonly file: string;
  /** Named on the command line (read whatever it is), or found in a directory (regular files only). */
  readonly explicit: boolean;
  /** The resolved path to open (for symbolic links found in a directory). */
  readonly real?: string;
}

const kindOfEntry = (entry: fs.Dirent) => entry.isFIFO() ? 'a FIFO (named pipe)' : entry.isCharacterDevice() ? 'a character device'
  : entry.isBlockDevice() ? 'a block device' : entry.isSocket() ? 'a socket' : 'not a regular file';

/**
 * The files to read for the command-line inputs, in a stable order: each path named, and the YAML
 * files of each directory given (recursively, entries sorted by name, a directory's files where
 * its name sorts). Iterative: a deep tree uses no call stack. Each file is found once, even when
 * symbolic links lead to it twice.
 */
export function* inputFiles(inputs: readonly string[]): Generator<FoundFile | Extract<FileRead, { kind: 'error' | 'skipped' }>> {
  // The directories given: a symbolic link found inside them may point anywhere inside any of them.
  const roots: string[] = [];
  for (const input of inputs) {
    try {
      if (input !== '-' && fs.statSync(input).isDirectory()) roots.push(fs.realpathSync(input));
    } catch {
      // reported below
    }
  }
  const inside = (real: string) => roots.some(root => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  /** Real paths of the directories entered and files found, so that nothing is read twice. */
  const seen = new Map<string, string>();

  for (const input of inputs) {
    if (input === '-') {
      yield { kind: 'file', file: '-', explicit: true };
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch (e) {
      yield { kind: 'error', file: input, message: `cannot be read: ${describeError(e)}` };
      continue;
    }
    if (!stat.isDirectory()) {
      yield { kind: 'file', file: input, explicit: true };
      continue;
    }
    const stack: Array<{ dir: string; real: string; entries: fs.Dirent[]; next: number }> = [];
    const enter = function* (dir: string, real: string) {
      if (seen.has(real)) return;
      seen.set(real, dir);
      try {
        stack.push({ dir, real, entries: fs.readdirSync(dir, { withFileTypes: true }).sort(compareNames), next: 0 });
      } catch (e) {
        yield { kind: 'error' as const, file: dir, message: `cannot be listed: ${describeError(e)}` };
      }
    };
    yield* enter(input, fs.realpathSync(input));
    while (stack.length) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.entries.length) {
        stack.pop();
        continue;
      }
      const entry = frame.entries[frame.next++];
      const full = path.join(frame.dir, entry.name);
      if (entry.isDirectory()) {
        yield* enter(full, path.join(frame.real, entry.name));
      } else if (entry.isSymbolicLink()) {
        let real: string;
        let target: fs.Stats;
        try {
          real = fs.realpathSync(full);
          target = fs.statSync(real);
        } catch (e) {
          if (YAML_NAME.test(entry.name)) yield { kind: 'skipped', file: full, message: `is a symbolic link that cannot be followed (${describeError(e)}), so it was not read` };
          continue;
        }
        if (!target.isDirectory() && !YAML_NAME.test(entry.name)) continue;
        if (!inside(real)) {
          yield { kind: 'skipped', file: full, message: 'is a symbolic link to outside the directories given, so it was not followed (name its target on the command line to check it)' };
        } else if (target.isDirectory()) {
          yield* enter(full, real);
        } else if (!target.isFile()) {
          yield { kind: 'skipped', file: full, message: `is a symbolic link to ${kindOf(target)}, not a regular file, so it was not read` };
        } else if (seen.has(real)) {
          yield { kind: 'skipped', file: full, message: `is a symbolic link to ${seen.get(real)}, which is read once` };
        } else {
          seen.set(real, full);
          yield { kind: 'file', file: full, explicit: false, real };
        }
      } else if (YAML_NAME.test(entry.name)) {
        const real = path.join(frame.real, entry.name);
        if (!entry.isFile()) {
          yield { kind: 'skipped', file: full, message: `is ${kindOfEntry(entry)}, so it was not read` };
        } else if (seen.has(real)) {
          yield { kind: 'skipped', file: full, message: `is the same file as ${seen.get(real)}, which is read once` };
        } else {
          seen.set(real, full);
          yield { kind: 'file', file: full, explicit: false };
        }
      }
    }
  }
}
