import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KeyVaultIdentity } from './identity';
import { KeyVaultObject } from './object';
import { SynthesizedPod } from './workload';
import { AppRegistry } from '../app/registry';
import { ownToJson, serveNextToJson } from '../app/served-manifests';
import { CSI_DRIVER_NAME, VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS } from '../facts/constants';
import { describeFinding, Finding } from '../rules/model';
import { containerExists, ContainerIdentity, filesReadable, ModedFile, mountPathFree, podHasContainers, volumeNameFree } from '../rules/mount';

/** @internal The mounted class, as the mount needs it. */
export interface MountSource {
  readonly scope: IConstruct;
  readonly name: string;
  readonly namespace?: string;
  readonly identity: KeyVaultIdentity;
  /** The objects the class writes, read at synth (objects may be added after `mount()`). */
  readonly objects: () => KeyVaultObject[];
}

/** @internal One class mounted into one workload at one path. */
export interface Mount {
  readonly source: MountSource;
  readonly path: string;
  readonly volumeName: string;
  readonly containerNames?: string[];
  /** What the identity does at synth (grant, record, label). */
  readonly atSynth: ((pod: SynthesizedPod) => void)[];
}

/**
 * @internal
 * The mounts of one workload. They are applied at synth, from the workload's manifest as it is
 * then, as JSON patches: that works the same for every cdk8s-plus major, imported `k8s` kinds and
 * hand-written `ApiObject`s, and for containers and ServiceAccounts set after `mount()`. A class
 * mounted twice has one volume and a mount per call.
 */
export class WorkloadMounts {
  /** The mounts of a workload's `ApiObject` (whichever construct the user passed). */
  public static of(scope: IConstruct, apiObject: ApiObject, templatePath: readonly string[]): WorkloadMounts {
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

  private constructor(scope: IConstruct, private readonly apiObject: ApiObject, private readonly templatePath: readonly string[]) {
    this.registry = AppRegistry.of(scope);
    this.registry.checkRenderedObjects({ scope, cluster: AppRegistry.clusterOf(scope), objects: () => [apiObject] });
    // Run after the app settled: the mounts were applied then (`errors`), and the rendered check ran.
    this.registry.addValidation(scope, () => [...this.errors, ...this.registry.findingsOf(scope).map(f => f.message)]);
  }

  /** The volume a class is mounted as, if it is. */
  public volumeOf(source: MountSource): string | undefined {
    return this.mounts.find(m => m.source.scope === source.scope)?.volumeName;
  }

  public add(mount: Mount): void {
    this.mounts.push(mount);
    this.registry.defer(() => this.settle());
  }

  /** Applies the mounts added since the last call, reading the manifest once. */
  private settle(): void {
    const pending = this.mounts.slice(this.settled);
    this.settled = this.mounts.length;
    if (pending.length === 0) return;

    const manifest = this.apiObject.toJson();
    const template = at(manifest, this.templatePath);
    const spec = template?.spec;
    const containers: any[] = spec?.containers ?? [];
    const report = (finding: Finding | undefined): boolean => {
      if (finding) this.errors.push(describeFinding(finding));
      return finding === undefined;
    };
    if (!report(podHasContainers(containers.length, 'spec.containers'))) return;

    const patch = new TemplatePatch(this.templatePath, template);
    const pod: SynthesizedPod = {
      serviceAccountName: spec.serviceAccountName ?? spec.serviceAccount,
      report,
      addLabel: (key, value) => patch.addLabel(key, value),
    };
    for (const mount of pending) {
      const { path, volumeName } = mount;
      // The class's first mount adds its volume; a second one (same class, same volume) only mounts it.
      const firstOfClass = this.mounts.find(m => m.source.scope === mount.source.scope) === mount;
      if (firstOfClass && !report(volumeNameFree(hasEntry(spec.volumes, 'name', volumeName), 'volumeName', volumeName))) continue;
      const targets = targetContainers(containers, mount.containerNames, report);
      if (targets === undefined) continue;
      let clashes = 0;
      for (const i of targets) {
        if (!report(mountPathFree(hasEntry(containers[i].volumeMounts, 'mountPath', path), path, `containers[${containers[i].name}].path`))) clashes++;
      }
      if (clashes) continue;
      const files = modedFiles(mount.source);
      for (const i of targets) filesReadable(files, containerIdentity(spec, containers[i]), mount.source.name, 'filePermission').forEach(report);

      if (firstOfClass) patch.append(spec, 'volumes', ['spec'], { csi: csiVolumeSource(mount.source), name: volumeName });
      for (const i of targets) {
        patch.append(containers[i], 'volumeMounts', ['spec', 'containers', i], { mountPath: path, name: volumeName, readOnly: true });
      }
      for (const work of mount.atSynth) work(pod);
    }
    if (patch.patches.length === 0) return;
    this.apiObject.addJsonPatch(...patch.patches);
    // `manifest` now is what toJson() returns with the patches: each was applied to it above, and a
    // typed object (generated k8s classes, which cdk8s-plus uses too) maps the patched manifest to
    // its schema's key order, which `cdk8s import` writes sorted (sortExtended). It is served to
    // cdk8s's write when this runs inside a synth call (serveNextToJson decides).
    serveNextToJson(this.apiObject, ownToJson(this.apiObject) === ApiObject.prototype.toJson ? manifest : patch.sortExtended(manifest));
  }
}

const WORKLOADS = new WeakMap<ApiObject, WorkloadMounts>();

/**
 * JSON patches to a pod template, applied in step to the manifest they were computed from, so
 * that each patch knows whether the array it appends to exists and the manifest ends up as
 * toJson() will write it.
 */
class TemplatePatch {
  public readonly patches: JsonPatch[] = [];
  /** Paths (below the template) of the objects given a new key: a typed `Kube*` object writes keys sorted. */
  private readonly extended = new Map<string, readonly (string | number)[]>();

  /** The JSON pointer of the template. */
  private readonly templatePointer: string;

  constructor(private readonly templatePath: readonly string[], private readonly template: any) {
    this.templatePointer = pointerOf(templatePath);
  }

  /** Appends `value` to `owner[key]` (at `ownerPath` below the template), creating the array if needed. */
  public append(owner: any, key: string, ownerPath: (string | number)[], value: unknown): void {
    if (owner[key]) {
      this.patches.push(JsonPatch.add(this.pointer(...ownerPath, key, '-'), value));
      owner[key].push(value);
    } else {
      this.patches.push(JsonPatch.add(this.pointer(...ownerPath, key), [value]));
      owner[key] = [value];
      this.extend(ownerPath);
    }
  }

  /** Adds a label to the pod template (not to the workload's own metadata). */
  public addLabel(key: string, value: string): void {
    const template = this.template;
    const metadata = template.metadata ?? {};
    if (metadata.labels?.[key] === value) return;
    // The whole label map, keys sorted as cdk8s writes them (an added key would come last).
    const labels = withSortedKeys({ ...metadata.labels, [key]: value });
    this.patches.push(template.metadata
      ? JsonPatch.add(this.pointer('metadata', 'labels'), labels)
      : JsonPatch.add(this.pointer('metadata'), { labels }));
    if (!template.metadata) this.extend([]);
    if (!metadata.labels) this.extend(['metadata']);
    template.metadata = { ...metadata, labels };
  }

  /**
   * The manifest with each object given a new key re-created with its keys sorted, as a typed
   * object's toJson() writes them (deepest first, so that a copied parent holds its sorted
   * children). Re-inserting the keys in place instead would leave slow dictionary-mode objects
   * for cdk8s's YAML writer.
   */
  public sortExtended(manifest: any): any {
    const deepestFirst = [...this.extended.values()].sort((a, b) => b.length - a.length);
    for (const path of deepestFirst) {
      const full = [...this.templatePath, ...path];
      const sorted = withSortedKeys(at(manifest, full));
      if (full.length === 0) manifest = sorted;
      else at(manifest, full.slice(0, -1))[full[full.length - 1]] = sorted;
    }
    return manifest;
  }

  /** Notes that the object at `path` (below the template) was given a new key. */
  private extend(path: readonly (string | number)[]): void {
    this.extended.set(path.join('/'), path);
  }

  private pointer(...segments: (string | number)[]): string {
    return this.templatePointer + pointerOf(segments);
  }
}

/**
 * The indexes of the containers a mount targets (every container when it names none), or undefined
 * when it names a container the pod does not have (reported).
 */
function targetContainers(containers: any[], names: string[] | undefined, report: (finding: Finding | undefined) => boolean): number[] | undefined {
  const targets: number[] = [];
  if (names === undefined) {
    for (let i = 0; i < containers.length; i++) targets.push(i);
    return targets;
  }
  let unknown = 0;
  for (const name of names) {
    const index = containers.findIndex(c => c.name === name);
    if (!report(index < 0 ? containerExists(name, containers.map(c => c.name), 'containerNames') : undefined)) unknown++;
    targets.push(index);
  }
  return unknown ? undefined : targets;
}

/** Whether a list of the manifest (volumes, volume mounts; perhaps absent) has an entry whose `key` is `value`. */
function hasEntry(list: any[] | undefined, key: string, value: string): boolean {
  if (list === undefined) return false;
  for (const entry of list) if (entry[key] === value) return true;
  return false;
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

function modedFiles(source: MountSource): ModedFile[] {
  return source.objects().filter(o => o.filePermission !== undefined)
    .map(o => ({ objectType: o.objectType, objectName: o.objectName, filePermission: o.filePermission! }));
}

/** A container's user and groups as it runs: its own security context over the pod's. */
function containerIdentity(spec: any, container: any): ContainerIdentity {
  const own = container.securityContext ?? {};
  const pod = spec.securityContext ?? {};
  return {
    name: container.name,
    runAsUser: own.runAsUser ?? pod.runAsUser,
    runAsNonRoot: own.runAsNonRoot ?? pod.runAsNonRoot,
    runAsGroup: own.runAsGroup ?? pod.runAsGroup,
    supplementalGroups: pod.supplementalGroups,
  };
}

/** Path segments as a JSON pointer. A loop, not map/join: see DESIGN.md, "Per-workload code". */
function pointerOf(segments: readonly (string | number)[]): string {
  let pointer = '';
  for (const segment of segments) pointer += pointerSegment(segment);
  return pointer;
}

/** `/segment` of a JSON pointer (RFC 6901: "~" and "/" escaped). */
function pointerSegment(segment: string | number): string {
  const text = String(segment);
  return '/' + (text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text);
}

/** A copy of `object` with its keys sorted as cdk8s sorts them (by UTF-16 code units). */
function withSortedKeys(object: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(object).sort()) sorted[key] = object[key];
  return sorted;
}

function at(json: any, path: readonly (string | number)[]): any {
  return path.reduce((node, key) => node?.[key], json);
}
