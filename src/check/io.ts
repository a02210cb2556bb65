/** What a command writes to and reads from: the process's streams, or a test's buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** What "-" reads: bytes (decoded like a file) or text; default: the process's stdin, bounded. */
  readonly stdin?: () => string | Uint8Array;
}
