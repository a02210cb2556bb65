import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { kubeShape } from './kube-shape';
import { check } from '../app/errors';
import { OperatingSystem } from '../facts/os';
import * as installRules from '../rules/install';
import { mountPathFree, volumeHasSource, volumeNameFree } from '../rules/install-pod';

/** An extra volume mounted into an install container (e.g. CA certificates, a proxy configuration). */
export interface InstallVolumeMount {
  /**
   * The volume, as Kubernetes writes it (`k8s.Volume` of any cdk8s-plus), e.g.
   * `{ name: 'ca', configMap: { name: 'ca-bundle' } }` or
   * `{ name: 'certs', hostPath: { path: '/etc/ssl/certs', type: 'Directory' } }`; a cdk8s-plus
   * `Volume` of any version fits too, and is written as it renders itself. Mounts that name one
   * volume twice (e.g. in the Linux and Windows pods) must give the same definition.
   */
  readonly volume: kplus.k8s.Volume;

  /** Path in the container. */
  readonly path: string;

  /**
   * Whether the mount is read-only.
   *
   * @default true
   */
  readonly readOnly?: boolean;

  /**
   * Path within the volume to mount.
   *
   * @default - the volume's root
   */
  readonly subPath?: string;
}

/**
 * @internal
 * The extra volumes and mounts of one container: checks every mount path (absolute for the OS, not
 * overlapping what the container already mounts) and adds each volume to the pod once, by name.
 */
export class ExtraVolumes {
  public readonly volumes: kplus.k8s.Volume[] = [];
  public readonly mounts: kplus.k8s.VolumeMount[] = [];
  private readonly claimed = new Map<string, string>();
  /** Volume name → its definition (canonical JSON): a name given twice must define one volume. */
  private readonly byName = new Map<string, string>();

  /**
   * @param pod "provider" or "driver", for messages
   * @param reservedName whether the pod already has a volume of this name
   */
  constructor(
    private readonly scope: IConstruct,
    private readonly os: OperatingSystem,
    private readonly pod: string,
    private readonly reservedName: (name: string) => boolean,
  ) {}

  /** A path the container already mounts. */
  public reserve(path: string, what: string): void {
    this.claimed.set(path, what);
  }

  /** Checks a new mount path and claims it. */
  public claim(field: string, path: string, what: string): void {
    const linux = this.os === OperatingSystem.LINUX;
    check(this.scope, linux ? installRules.linuxPath(path, field) : installRules.windowsPath(path, field));
    check(this.scope, mountPathFree(this.os, path, this.claimed, field));
    this.claimed.set(path, what);
  }

  /** A volume and mount the construct itself adds (already checked). */
  public addOwn(volume: kplus.k8s.Volume, mount: kplus.k8s.VolumeMount): void {
    this.volumes.push(volume);
    this.mounts.push(mount);
  }

  /** The user's mounts, `field` naming the option (e.g. "volumeMounts"). */
  public add(field: string, mounts: InstallVolumeMount[]): void {
    mounts.forEach((m, i) => this.claim(`${field}[${i}].path`, m.path, `${field}[${i}]`));
    mounts.forEach((m, i) => {
      const volume = kubeShape(m.volume);
      const name = volume.name;
      check(this.scope, volumeHasSource(volume, `${field}[${i}].volume`));
      const definition = canonicalJson(volume);
      const taken = this.reservedName(name) || (this.byName.has(name) && this.byName.get(name) !== definition);
      check(this.scope, volumeNameFree(name, taken, this.pod, `${field}[${i}].volume`));
      if (!this.byName.has(name)) {
        this.byName.set(name, definition);
        this.volumes.push(volume);
      }
      this.mounts.push({ name, mountPath: m.path, readOnly: m.readOnly ?? true, subPath: m.subPath });
    });
  }
}

/** JSON with object keys sorted, so one definition written in two key orders compares equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]]))
    : v);
}
