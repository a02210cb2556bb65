import { Manifest, textOf } from './finding';
import { NodePath } from './location';
import { readPod } from './workloads';
import { CSI_DRIVER_NAME } from '../facts/constants';
import { OperatingSystem } from '../facts/os';
import { versionRule } from '../rules/version';

/**
 * The driver's and the provider's installs as manifests: the CSIDriver object, the driver's and
 * the provider's DaemonSets (found by image or flags, since Helm charts rename them).
 * Flags and defaults: https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/v1.6.0/cmd/secrets-store-csi-driver/main.go
 * and https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/cmd/main.go
 */

const OS_LABEL = 'kubernetes.io/os';
const DRIVER_IMAGE = /(^|\/)(csi-)?secrets-store\/driver([:@]|$)/;
const PROVIDER_IMAGE = /(^|\/)provider-azure([:@]|$)/;
const DEFAULT_DRIVER_DIR = '/var/run/secrets-store-csi-providers';
const DEFAULT_ADDITIONAL_DIRS = '/etc/kubernetes/secrets-store-csi-providers';
const DEFAULT_PROVIDER_ENDPOINT = 'unix:///tmp/azure.sock';

/** Whether a document is the CSIDriver of the Secrets Store CSI Driver. */
export function isCsiDriver(manifest: Manifest): boolean {
  return manifest.kind === 'CSIDriver' && manifest.apiVersion.startsWith('storage.k8s.io/') && manifest.name === CSI_DRIVER_NAME;
}

/** The audiences the CSIDriver asks kubelet to mint tokens for. */
export function audiencesOf(manifest: Manifest): string[] {
  const requests = manifest.body.spec?.tokenRequests;
  return Array.isArray(requests) ? requests.map((r: any) => r?.audience).filter((a: unknown): a is string => typeof a === 'string') : [];
}

/** A container of a DaemonSet's pod, with the paths a finding points at. */
interface Container {
  readonly path: NodePath;
  readonly body: any;
  readonly args: string[];
}

/** A driver or provider DaemonSet. */
export interface InstallDaemonSet {
  readonly manifest: Manifest;
  readonly os: OperatingSystem;
  readonly specPath: NodePath;
  readonly spec: any;
  readonly container: Container;
}

export interface DriverDaemonSet extends InstallDaemonSet {
  /** Host directories the driver searches for provider sockets (those it mounts). */
  readonly providersDirs: string[];
  /** Image tag when it is a release version (e.g. v1.6.0). */
  readonly version?: string;
  /** `--enable-secret-rotation` is on. */
  readonly rotation: boolean;
}

/** The image's tag when it is a release version. */
function releaseOf(image: string): string | undefined {
  const tag = /:([^:/@]+)$/.exec(image.split('@')[0])?.[1];
  return tag !== undefined && versionRule(tag, 'image') === undefined ? tag : undefined;
}

export interface ProviderDaemonSet extends InstallDaemonSet {
  /** Image tag when it is a release version (e.g. v1.8.2). */
  readonly version?: string;
  readonly image: string;
  readonly hostNetwork: boolean;
  readonly dnsPolicy?: string;
  /** Host directory of the socket, and the path of its hostPath in the manifest. */
  readonly providersDir?: { readonly dir: string; readonly path: NodePath };
  readonly writeCertAndKeyInSeparateFiles: boolean;
  /** Paths mounted into the provider container (custom cloud environment files). */
  readonly mountPaths: string[];
}

function containers(specPath: NodePath, spec: any): Container[] {
  return (Array.isArray(spec.containers) ? spec.containers : []).map((body: any, i: number) => ({
    path: [...specPath, 'containers', i],
    body,
    args: [...(Array.isArray(body?.command) ? body.command : []), ...(Array.isArray(body?.args) ? body.args : [])].map(textOf),
  }));
}

/** A flag's value: `--name=value` or `--name value`. */
function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i].replace(/^--?/, '-');
    if (arg.startsWith(`-${name}=`)) return arg.slice(name.length + 2);
    if (arg === `-${name}`) return args[i + 1];
  }
  return undefined;
}

/** A Go boolean flag: `--name`, `--name=true` … */
function boolFlag(args: string[], name: string): boolean {
  const arg = args.map(a => a.replace(/^--?/, '-')).reverse().find(a => a === `-${name}` || a.startsWith(`-${name}=`));
  if (arg === undefined) return false;
  return arg === `-${name}` || ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(arg.slice(name.length + 2));
}

/** The host path a container path comes from (through a volumeMount of a hostPath volume). */
function hostPathOf(specPath: NodePath, spec: any, container: Container, dir: string, windows: boolean): { dir: string; path: NodePath } | undefined {
  const norm = (p: string) => windows ? p.replace(/[\\/]+$/, '').toLowerCase() : p.replace(/\/+$/, '');
  const mount = (Array.isArray(container.body?.volumeMounts) ? container.body.volumeMounts : []).find((m: any) => typeof m?.mountPath === 'string' && norm(m.mountPath) === norm(dir));
  if (!mount) return undefined;
  const volumes: any[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  const index = volumes.findIndex(v => v?.name === mount.name);
  const hostPath = volumes[index]?.hostPath?.path;
  return typeof hostPath === 'string' ? { dir: hostPath, path: [...specPath, 'volumes', index, 'hostPath', 'path'] } : undefined;
}

function osOf(spec: any): OperatingSystem {
  return spec.nodeSelector?.[OS_LABEL] === 'windows' ? OperatingSystem.WINDOWS : OperatingSystem.LINUX;
}

/** The driver's DaemonSet, or undefined. */
export function readDriver(manifest: Manifest): DriverDaemonSet | undefined {
  if (manifest.kind !== 'DaemonSet') return undefined;
  const pod = readPod(manifest);
  if (!pod) return undefined;
  const container = containers(pod.specPath, pod.spec).find(c => DRIVER_IMAGE.test(textOf(c.body?.image)) || flag(c.args, 'provider-volume') !== undefined);
  if (!container) return undefined;
  const os = osOf(pod.spec);
  const windows = os === OperatingSystem.WINDOWS;
  // Upstream's Windows manifest writes paths with doubled backslashes (plain YAML scalars).
  const unescape = (dir: string) => windows ? dir.replace(/\\\\/g, '\\') : dir;
  const dirs = [
    ...(flag(container.args, 'additional-provider-volume-paths') ?? DEFAULT_ADDITIONAL_DIRS).split(',').map(d => d.trim()).filter(d => d),
    flag(container.args, 'provider-volume') ?? DEFAULT_DRIVER_DIR,
  ].map(unescape);
  const providersDirs = dirs.map(d => hostPathOf(pod.specPath, pod.spec, container, d, windows)?.dir).filter((d): d is string => d !== undefined);
  return {
    manifest,
    os,
    specPath: pod.specPath,
    spec: pod.spec,
    container,
    providersDirs,
    version: releaseOf(textOf(container.body?.image)),
    rotation: boolFlag(container.args, 'enable-secret-rotation'),
  };
}

/** The Azure provider's DaemonSet, or undefined. */
export function readProvider(manifest: Manifest): ProviderDaemonSet | undefined {
  if (manifest.kind !== 'DaemonSet') return undefined;
  const pod = readPod(manifest);
  if (!pod) return undefined;
  const container = containers(pod.specPath, pod.spec).find(c => PROVIDER_IMAGE.test(textOf(c.body?.image)) || /azure\.sock$/.test(flag(c.args, 'endpoint') ?? ''));
  if (!container) return undefined;
  const os = osOf(pod.spec);
  const windows = os === OperatingSystem.WINDOWS;
  const image = textOf(container.body?.image);
  // Upstream's Windows manifest writes the endpoint with doubled backslashes.
  const endpoint = (flag(container.args, 'endpoint') ?? DEFAULT_PROVIDER_ENDPOINT).replace(/^unix:\/\//, '').replace(/\\\\/g, '\\');
  const socketDir = windows ? endpoint.replace(/\\[^\\]*$/, '') : endpoint.replace(/\/[^/]*$/, '') || '/';
  return {
    manifest,
    os,
    specPath: pod.specPath,
    spec: pod.spec,
    container,
    image,
    version: releaseOf(image),
    hostNetwork: pod.spec.hostNetwork === true,
    dnsPolicy: typeof pod.spec.dnsPolicy === 'string' ? pod.spec.dnsPolicy : undefined,
    providersDir: hostPathOf(pod.specPath, pod.spec, container, socketDir, windows),
    writeCertAndKeyInSeparateFiles: boolFlag(container.args, 'write-cert-and-key-in-separate-files'),
    mountPaths: (Array.isArray(container.body?.volumeMounts) ? container.body.volumeMounts : []).map((m: any) => m?.mountPath).filter((p: unknown): p is string => typeof p === 'string'),
  };
}
