import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KeyVaultIdentity } from './identity';
import { KeyVaultObject } from './object';
import { SynthesizedPod } from './workload';
import { check as checkOption } from '../app/errors';
import { AppRegistry } from '../app/registry';
import { CSI_DRIVER_NAME, DEFAULT_MOUNT_PATH, VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS } from '../facts/constants';
import { Violation, describeViolation } from '../rules/model';
import * as rules from '../rules/values';

/** Options for mounting a class into a workload. */
export interface MountOptions {
  /**
   * Path of the mount in the containers.
   *
   * @default "/mnt/secrets-store"
   */
  readonly path?: string;

  /**
   * Names of the containers to mount into (as in the pod spec; cdk8s-plus names a single unnamed
   * container "main").
   *
   * @default - every container the pod template has at synth, including containers added after `mount()`
   */
  readonly containerNames?: string[];

  /**
   * Name of the pod volume.
   *
   * @default - the class name (must then be a DNS-1123 label)
   */
  readonly volumeName?: string;
}

/** @internal The mounted class, as the mount needs it. */
export interface MountSource {
  readonly scope: IConstruct;
  readonly name: string;
  readonly namespace?: string;
  readonly identity: KeyVaultIdentity;
  /** The objects the class writes, read at synth (objects may be added after `mount()`). */
  readonly objects: () => KeyVaultObject[];
}

/** Kind → JSON path of the pod template (metadata + spec) in that kind. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** One class mounted into one workload. */
interface Mount {
  readonly source: MountSource;
  readonly path: string;
  readonly volumeName: string;
  readonly containerNames?: string[];
  /** What the identity does at synth (grant, record, label). */
  readonly atSynth: ((pod: SynthesizedPod) => void)[];
}

/**
 * The mounts of one workload. They are applied at synth, from the workload's manifest as it is
 * then, as JSON patches: that works the same for every cdk8s-plus major, imported `k8s` kinds and
 * hand-written `ApiObject`s, and for containers and ServiceAccounts set after `mount()`.
 */
class WorkloadMounts {
  /** The mounts of a workload's `ApiObject` (whichever construct the user passed). */
  public static of(scope: IConstruct, apiObject: ApiObject, templatePath: string[]): WorkloadMounts {
    let mounts = WORKLOADS.get(apiObject);
    if (!mounts) {
      mounts = new WorkloadMounts(scope, apiObject, templatePath);
      WORKLOADS.set(apiObject, mounts);
    }
    return mounts;
  }

  public readonly mounts: Mount[] = [];
  /** Synth errors, reported by the workload's validation. */
  private readonly errors: string[] = [];
  /** How many of `mounts` are applied. */
  private settled = 0;

  private readonly registry: AppRegistry;

  private constructor(scope: IConstruct, private readonly apiObject: ApiObject, private readonly templatePath: string[]) {
    this.registry = AppRegistry.of(scope);
    // cdk8s validates the app again for every chart it writes: settle() is a no-op after the first.
    scope.node.addValidation({ validate: () => { this.registry.settle(); return this.errors; } });
  }

  public add(mount: Mount): void {
    this.mounts.push(mount);
    this.registry.defer(synthesizing => this.settle(synthesizing));
  }

  /** Applies the mounts added since the last call, reading the manifest once. */
  private settle(synthesizing: boolean): void {
    const pending = this.mounts.slice(this.settled);
    this.settled = this.mounts.length;
    if (pending.length === 0) return;

    const manifest = this.apiObject.toJson();
    const template = at(manifest, this.templatePath);
    const spec = template?.spec;
    const containers: any[] = spec?.containers ?? [];
    const check = (field: string, value: unknown, violation: Violation | undefined): boolean => {
      if (violation) this.errors.push(describeViolation(field, value, violation));
      return violation === undefined;
    };
    if (!check('spec.containers', containers.length, containers.length > 0 ? undefined : {
      rule: 'the pod template has no containers, so nothing can read the mounted files', fix: 'add the workload\'s containers',
    })) return;

    // The patches apply to the manifest as read here; it is kept in step so that each patch knows
    // whether the array it appends to exists, and so that it ends up as toJson() will write it.
    const patches: JsonPatch[] = [];
    /** Objects given a new key: a patch appends it, a typed `Kube*` object then writes keys sorted. */
    const extended = new Set<any>();
    const pointer = (...segments: (string | number)[]) => '/' + [...this.templatePath, ...segments].map(escapePointer).join('/');
    const append = (owner: any, key: string, ownerPointer: string, value: unknown) => {
      if (owner[key]) {
        patches.push(JsonPatch.add(`${ownerPointer}/${key}/-`, value));
        owner[key].push(value);
      } else {
        patches.push(JsonPatch.add(`${ownerPointer}/${key}`, [value]));
        owner[key] = [value];
        extended.add(owner);
      }
    };
    const pod: SynthesizedPod = {
      serviceAccountName: spec.serviceAccountName ?? spec.serviceAccount,
      check,
      addLabel: (key, value) => {
        const metadata = template.metadata ?? {};
        if (metadata.labels?.[key] === value) return;
        // The whole label map, keys sorted as cdk8s writes them (an added key would come last).
        const labels = Object.fromEntries(Object.entries({ ...metadata.labels, [key]: value }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        patches.push(template.metadata
          ? JsonPatch.add(pointer('metadata', 'labels'), labels)
          : JsonPatch.add(pointer('metadata'), { labels }));
        if (!template.metadata) extended.add(template);
        template.metadata = { ...metadata, labels };
        if (!metadata.labels) extended.add(template.metadata);
      },
    };

    for (const mount of pending) {
      const { path, volumeName } = mount;
      if (!check('volumeName', volumeName, (spec.volumes ?? []).some((v: any) => v.name === volumeName)
        ? { rule: 'the pod already has a volume with this name', fix: 'pass a different `volumeName`' } : undefined)) continue;
      const names = mount.containerNames ?? containers.map(c => c.name);
      const targets = names.map(name => containers.findIndex(c => c.name === name));
      const unknown = names.filter((_, i) => targets[i] < 0);
      for (const name of unknown) {
        check('containerNames', name, {
          rule: `the pod template has no such container (containers: ${containers.map(c => c.name).join(', ')})`, fix: 'name an existing container',
        });
      }
      if (unknown.length) continue;
      const clash = targets.filter(i => (containers[i].volumeMounts ?? []).some((m: any) => m.mountPath === path));
      if (clash.length) {
        for (const i of clash) {
          check(`containers[${containers[i].name}].path`, path, { rule: 'the container already mounts something at this path', fix: 'pass a different `path`' });
        }
        continue;
      }
      checkFilePermissions(mount.source, spec, targets.map(i => containers[i]), check);

      append(spec, 'volumes', pointer('spec'), { csi: csiVolumeSource(mount.source), name: volumeName });
      for (const i of targets) {
        append(containers[i], 'volumeMounts', pointer('spec', 'containers', i), { mountPath: path, name: volumeName, readOnly: true });
      }
      for (const work of mount.atSynth) work(pod);
    }
    if (patches.length === 0) return;
    this.apiObject.addJsonPatch(...patches);
    if (!synthesizing) return;
    // `manifest` now is what toJson() returns with the patches: each was applied to it above, and a
    // typed object (generated k8s classes, which cdk8s-plus uses too) maps the patched manifest to
    // its schema's key order, which `cdk8s import` writes sorted.
    if (this.apiObject.toJson !== ApiObject.prototype.toJson) extended.forEach(sortKeys);
    serveNextToJson(this.apiObject, manifest);
  }
}

const WORKLOADS = new WeakMap<ApiObject, WorkloadMounts>();

/**
 * Mounts a class into a workload: a read-only CSI volume and read-only mounts, plus what the
 * identity needs. Values are checked now; what the workload ends up with (containers,
 * ServiceAccount, other volumes) is read and applied at synth.
 */
export function mountClass(source: MountSource, workload: IConstruct, options: MountOptions = {}): void {
  const apiObject = workloadObject(workload);
  const templatePath = POD_TEMPLATE_PATHS[apiObject.kind];
  checkOption(workload, 'kind', apiObject.kind, templatePath ? undefined : {
    rule: `mount() mounts into ${Object.keys(POD_TEMPLATE_PATHS).join(', ')}`,
    fix: 'mount into the workload that owns the pod template',
  });
  const path = options.path ?? DEFAULT_MOUNT_PATH;
  checkOption(workload, 'path', path, rules.mountPath(path));
  const volumeName = options.volumeName ?? source.name;
  const violation = rules.dns1123Label(volumeName);
  checkOption(workload, 'volumeName', volumeName, violation && options.volumeName === undefined
    ? { ...violation, fix: 'pass `volumeName` (it defaults to the class name, which is not a DNS-1123 label)' }
    : violation);
  const namespace = apiObject.metadata.namespace;
  checkOption(workload, 'metadata.namespace', namespace, namespace === source.namespace ? undefined : {
    rule: `the driver reads the SecretProviderClass "${source.name}" from the pod's namespace, and the class is in ${source.namespace === undefined ? 'no namespace' : `namespace "${source.namespace}"`}`,
    fix: `move the class to ${namespace === undefined ? 'no namespace' : `namespace "${namespace}"`} (create it in the workload's chart, or set its \`metadata.namespace\`), or move the workload to ${source.namespace === undefined ? 'no namespace' : `namespace "${source.namespace}"`}`,
  });
  const mounts = WorkloadMounts.of(workload, apiObject, templatePath);
  checkOption(workload, 'volumeName', volumeName, mounts.mounts.some(m => m.volumeName === volumeName)
    ? { rule: 'the pod already has a volume with this name', fix: 'pass a different `volumeName`' } : undefined);
  const atSynth: Mount['atSynth'] = [];
  source.identity._bind({ scope: workload, classScope: source.scope, namespace, atSynth: work => atSynth.push(work) });
  mounts.add({ source, path, volumeName, containerNames: options.containerNames, atSynth });
}

/** The `ApiObject` of a workload: the object itself, or a construct's default child (cdk8s-plus, any major). */
function workloadObject(workload: IConstruct): ApiObject {
  const candidate = ApiObject.isApiObject(workload) ? workload : workload.node.defaultChild;
  checkOption(workload, 'workload', workload.node.path, candidate && ApiObject.isApiObject(candidate) ? undefined : {
    rule: 'a workload is an ApiObject (an imported `k8s` kind, or hand-written) or a construct whose default child is one (any cdk8s-plus workload)',
    fix: 'pass the Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob itself',
  });
  return candidate as ApiObject;
}

/** The CSI volume source every mount uses: the class, read-only, with the identity's secret ref. */
function csiVolumeSource(source: MountSource) {
  const secretName = source.identity._nodePublishSecretName;
  return {
    driver: CSI_DRIVER_NAME,
    ...(secretName ? { nodePublishSecretRef: { name: secretName } } : {}),
    readOnly: true, // the driver refuses anything else ("Readonly is not true in request")
    volumeAttributes: { [VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS]: source.name },
  };
}

/** Whether an octal mode's digit `fromEnd` (0 = other, 1 = group) grants read (4, 5, 6 or 7). */
function canRead(mode: string, fromEnd: number): boolean {
  return Number(mode[mode.length - 1 - fromEnd]) >= 4;
}

/** The mode with read added for user, group and other (e.g. "0440" → "0444"). */
function withReadForAll(mode: string): string {
  const digits = mode.padStart(4, '0').split('').map(Number);
  return digits.map((d, i) => i === 0 || d >= 4 ? d : d + 4).join('');
}

/**
 * The driver writes every file as root:root, and fsGroup does not apply to inline CSI volumes
 * (https://github.com/kubernetes-sigs/secrets-store-csi-driver/issues/858): a file without read
 * for "other" is unreadable by a container known to run as a non-root user outside group 0.
 */
function checkFilePermissions(source: MountSource, spec: any, containers: any[], check: SynthesizedPod['check']): void {
  const restricted = source.objects().filter(o => o.filePermission !== undefined && !canRead(o.filePermission, 0));
  if (restricted.length === 0) return;
  for (const container of containers) {
    const user = container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
    const nonRoot = user !== undefined ? user !== 0 : (container.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) === true;
    if (!nonRoot) continue;
    const group = container.securityContext?.runAsGroup ?? spec.securityContext?.runAsGroup;
    const inRootGroup = group === 0 || (spec.securityContext?.supplementalGroups ?? []).includes(0);
    for (const object of restricted) {
      if (inRootGroup && canRead(object.filePermission!, 1)) continue;
      const readable = withReadForAll(object.filePermission!);
      check('filePermission', object.filePermission, {
        rule: `${object.objectType} "${object.objectName}" of the class "${source.name}" is written as root:root with mode ${object.filePermission}, and container "${container.name}" runs as a non-root user (${user !== undefined ? `runAsUser ${user}` : 'runAsNonRoot'}), so it cannot read it (fsGroup does not apply to inline CSI volumes: kubernetes-sigs/secrets-store-csi-driver#858)`,
        fix: `give "other" read: \`filePermission: "${readable}"\``,
      });
    }
  }
}

/**
 * Synth would resolve every mounted workload twice: once to apply the mounts, once to write it —
 * half of mount()'s synth cost (bench/). Mounts settle in the app's first validation, right before
 * cdk8s serializes the charts, and nothing changes a workload in between, so the workload's next
 * toJson() returns the manifest read then. Only the next call: any later one resolves afresh.
 */
function serveNextToJson(apiObject: ApiObject, manifest: any): void {
  let next: any = manifest;
  const resolve = apiObject.toJson;
  apiObject.toJson = function toJson(this: ApiObject) {
    if (next === undefined) return resolve.call(this);
    const served = next;
    next = undefined;
    return served;
  };
}

/** Re-inserts an object's keys in sorted order. */
function sortKeys(object: any): void {
  for (const [key, value] of Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    delete object[key];
    object[key] = value;
  }
}

function at(json: any, path: string[]): any {
  return path.reduce((node, key) => node?.[key], json);
}

function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}
