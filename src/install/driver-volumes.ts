import { IConstruct } from 'constructs';
import { DriverSettings } from './driver-settings';
import { ExtraVolumes } from './volume-mounts';
import { Driver } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';

/**
 * The driver pod's host directories: the providers directories it mounts, and the extra volumes
 * users add, checked against what the driver container already mounts.
 */

/**
 * @internal
 * Providers directories in upstream's volume order: the additional ones, then `--provider-volume`,
 * named `providers-dir`, `providers-dir-0`, `providers-dir-1`… (deploy/ names the first additional
 * directory `providers-dir` and the main one `providers-dir-0`). Duplicates are mounted once.
 */
export function providerVolumes(
  settings: { readonly providersDir: string; readonly additionalProvidersDirs: string[] },
): { name: string; path: string }[] {
  const dirs = [...new Set([...settings.additionalProvidersDirs, settings.providersDir])];
  return dirs.map((path, i) => ({ name: i === 0 ? Driver.Volume.PROVIDERS : `${Driver.Volume.PROVIDERS}-${i - 1}`, path }));
}

/** @internal The extra volumes of each driver DaemonSet. */
export interface DriverExtraVolumes {
  readonly linux: ExtraVolumes;
  readonly windows: ExtraVolumes;
}

/**
 * @internal
 * The extra volumes of each DaemonSet, checked against the driver container's own mounts
 * (CSI socket, kubelet pods directory, providers directories) and volume names.
 */
export function driverExtraVolumes(scope: IConstruct, s: DriverSettings): DriverExtraVolumes {
  const linuxPaths = paths(OperatingSystem.LINUX);
  const windowsPaths = paths(OperatingSystem.WINDOWS);
  const reservedName = (name: string) => (Object.values(Driver.Volume) as string[]).includes(name) || name.startsWith(`${Driver.Volume.PROVIDERS}-`);
  const linux = new ExtraVolumes(scope, OperatingSystem.LINUX, 'driver', reservedName);
  linux.reserve(linuxPaths.csiDir, 'the CSI socket directory');
  linux.reserve(linuxPaths.join(s.kubeletRootDir, 'pods'), 'the kubelet pods directory');
  providerVolumes(s).forEach(p => linux.reserve(p.path, `the providers directory ${p.name}`));
  linux.add('volumeMounts', s.volumeMounts);
  const windows = new ExtraVolumes(scope, OperatingSystem.WINDOWS, 'driver', reservedName);
  windows.reserve(windowsPaths.csiDir, 'the CSI socket directory');
  windows.reserve(windowsPaths.join(s.windowsKubeletRootDir, 'pods'), 'the kubelet pods directory');
  windows.reserve(s.windowsProvidersDir, 'the providers directory providers-dir');
  windows.add('windowsVolumeMounts', s.windowsVolumeMounts);
  return { linux, windows };
}
