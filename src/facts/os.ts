import { Driver } from './install';

/** @internal The node operating systems the install DaemonSets target (the `kubernetes.io/os` value). */
export enum OperatingSystem {
  LINUX = 'linux',
  WINDOWS = 'windows',
}

/** @internal How one operating system spells the driver's paths. */
export interface OsPaths {
  /** Where the CSI socket directory is mounted in the driver pod. */
  readonly csiDir: string;
  /** Where the kubelet registration directory is mounted in the registrar. */
  readonly registrationDir: string;
  /** `--csi-address` of the registrar and the liveness probe. */
  readonly csiAddress: string;
  /** `CSI_ENDPOINT` of the driver container. */
  readonly csiEndpointEnv: string;
  /** Joins path segments with the OS separator. */
  join(...segments: string[]): string;
  /**
   * A hostPath directory as upstream writes it: Windows always with a trailing backslash; Linux
   * with a trailing slash only for the kubelet plugin directories (`plugins_registry/`, `plugins/csi-secrets-store/`).
   */
  hostDir(path: string, kubeletPluginDir: boolean): string;
  /** Removes trailing separators (user input), keeping a root. */
  trim(path: string): string;
  /** Compares two directories the way the OS does (Windows: case-insensitive). */
  same(a: string, b: string): boolean;
}

const LINUX: OsPaths = {
  join: (...segments) => segments.join('/'),
  hostDir: (path, kubeletPluginDir) => kubeletPluginDir ? `${path}/` : path,
  trim: path => path.length > 1 ? path.replace(/\/+$/, '') || '/' : path,
  same: (a, b) => LINUX.trim(a) === LINUX.trim(b),
  csiDir: Driver.Linux.CSI_DIR,
  registrationDir: Driver.Linux.REGISTRATION_DIR,
  csiAddress: `${Driver.Linux.CSI_DIR}/csi.sock`,
  csiEndpointEnv: `unix://${Driver.Linux.CSI_DIR}/csi.sock`,
};

const WINDOWS: OsPaths = {
  join: (...segments) => segments.join('\\'),
  hostDir: path => `${path}\\`,
  trim: path => /^[A-Za-z]:\\$/.test(path) ? path : path.replace(/\\+$/, ''),
  same: (a, b) => WINDOWS.trim(a).toLowerCase() === WINDOWS.trim(b).toLowerCase(),
  csiDir: Driver.Windows.CSI_DIR,
  registrationDir: Driver.Windows.REGISTRATION_DIR,
  csiAddress: `unix://${Driver.Windows.CSI_DIR}\\csi.sock`,
  csiEndpointEnv: Driver.Windows.CSI_ENDPOINT_ENV,
};

/** @internal The path conventions of an operating system. */
export function paths(os: OperatingSystem): OsPaths {
  return os === OperatingSystem.LINUX ? LINUX : WINDOWS;
}
