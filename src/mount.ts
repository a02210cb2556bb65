import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { CSI_DRIVER_NAME, DEFAULT_MOUNT_PATH, VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS } from './constants';
import { KeyVaultIdentity } from './identity';
import * as rules from './validation';

/** Options for mounting a class into a cdk8s-plus workload. */
export interface MountOptions {
  /**
   * Path of the mount in the containers.
   *
   * @default "/mnt/secrets-store"
   */
  readonly path?: string;

  /**
   * Containers to mount into.
   *
   * @default - every container the workload has when `mount()` is called
   */
  readonly containers?: kplus.Container[];

  /**
   * Name of the pod volume.
   *
   * @default - the class name (must then be a DNS-1123 label)
   */
  readonly volumeName?: string;
}

/** Options for mounting a class into a workload that is a plain `ApiObject`. */
export interface ApiObjectMountOptions {
  /**
   * Path of the mount in the containers.
   *
   * @default "/mnt/secrets-store"
   */
  readonly path?: string;

  /**
   * Names of the containers to mount into.
   *
   * @default - every container in the pod template when `mountApiObject()` is called
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

/** The CSI volume source every mount uses: the class, read-only, with the identity's secret ref. */
function csiVolumeSource(source: MountSource) {
  const secretName = source.identity._nodePublishSecretName;
  return {
    driver: CSI_DRIVER_NAME,
    readOnly: true, // the driver refuses anything else ("Readonly is not true in request")
    volumeAttributes: { [VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS]: source.name },
    ...(secretName ? { nodePublishSecretRef: { name: secretName } } : {}),
  };
}

interface ResolvedMountOptions {
  readonly path: string;
  readonly volumeName: string;
}

function resolveOptions(source: MountSource, workload: IConstruct, options: { path?: string; volumeName?: string }): ResolvedMountOptions {
  const path = options.path ?? DEFAULT_MOUNT_PATH;
  rules.check(workload, 'path', path, rules.mountPath(path));
  const volumeName = options.volumeName ?? source.name;
  const violation = rules.dns1123Label(volumeName);
  rules.check(workload, 'volumeName', volumeName, violation && options.volumeName === undefined
    ? { ...violation, fix: 'pass `volumeName` (it defaults to the class name, which is not a DNS-1123 label)' }
    : violation);
  return { path, volumeName };
}

function checkNamespace(source: MountSource, workload: IConstruct, namespace: string | undefined): void {
  rules.check(workload, 'metadata.namespace', namespace, namespace === source.namespace ? undefined : {
    rule: `the driver reads the SecretProviderClass "${source.name}" from the pod's namespace, and the class is in ${source.namespace === undefined ? 'no namespace' : `namespace "${source.namespace}"`}`,
    fix: 'create the class in the same chart/namespace as the workload',
  });
}

/** Mounts a class into a cdk8s-plus workload. */
export function mountIntoPod(source: MountSource, pod: kplus.AbstractPod, options: MountOptions = {}): void {
  const { path, volumeName } = resolveOptions(source, pod, options);
  checkNamespace(source, pod, pod.metadata.namespace);
  const existing = pod.volumes.map(v => v.name);
  rules.check(pod, 'volumeName', volumeName, existing.includes(volumeName) ? { rule: 'the pod already has a volume with this name', fix: 'pass a different `volumeName`' } : undefined);
  const containers = options.containers ?? pod.containers;
  for (const container of containers) {
    rules.check(pod, `containers[${container.name}].path`, path, container.mounts.some(m => m.path === path)
      ? { rule: 'the container already mounts something at this path', fix: 'pass a different `path`' } : undefined);
  }
  source.identity._bind({
    scope: pod,
    classScope: source.scope,
    namespace: pod.metadata.namespace,
    serviceAccountName: pod.serviceAccount?.name,
    addPodLabel: (key, value) => pod.podMetadata.addLabel(key, value),
  });

  const volume = kplus.Volume.fromCsi(pod, `SecretsStore-${volumeName}`, CSI_DRIVER_NAME, { name: volumeName });
  // cdk8s-plus-27 cannot express nodePublishSecretRef (and its line is frozen at 2.9.5): render
  // the whole CSI source ourselves so every mount has the same shape as mountApiObject's.
  const csi = csiVolumeSource(source);
  (volume as unknown as { _toKube(): object })._toKube = () => ({ name: volumeName, csi });
  pod.addVolume(volume);
  for (const container of containers) {
    container.mount(path, volume, { readOnly: true });
  }
}

/** Mounts a class into any workload that is a plain `ApiObject` (Pod, Deployment, ..., CronJob). */
export function mountIntoApiObject(source: MountSource, workload: ApiObject, options: ApiObjectMountOptions = {}): void {
  const templatePath = POD_TEMPLATE_PATHS[workload.kind];
  rules.check(workload, 'kind', workload.kind, templatePath ? undefined : {
    rule: `mountApiObject() mounts into ${Object.keys(POD_TEMPLATE_PATHS).join(', ')}`,
    fix: 'mount into the workload that owns the pod template',
  });
  const { path, volumeName } = resolveOptions(source, workload, options);
  checkNamespace(source, workload, workload.metadata.namespace);

  // Read the manifest as it is now: JSON patches need to know which arrays already exist.
  const manifest = workload.toJson();
  const template = at(manifest, templatePath);
  const spec = template?.spec;
  const containers: any[] = spec?.containers ?? [];
  rules.check(workload, 'spec.containers', containers.length, containers.length > 0 ? undefined : {
    rule: 'the pod template has no containers yet', fix: 'call mountApiObject() after the containers are defined',
  });
  const names = options.containerNames ?? containers.map(c => c.name);
  const pointer = (...segments: (string | number)[]) => '/' + [...templatePath, ...segments].map(escapePointer).join('/');
  const patches: JsonPatch[] = [];
  const append = (array: unknown[] | undefined, arrayPointer: string, value: unknown) =>
    patches.push(array ? JsonPatch.add(`${arrayPointer}/-`, value) : JsonPatch.add(arrayPointer, [value]));

  const volumes: any[] | undefined = spec.volumes;
  rules.check(workload, 'volumeName', volumeName, volumes?.some(v => v.name === volumeName) ? { rule: 'the pod already has a volume with this name', fix: 'pass a different `volumeName`' } : undefined);
  append(volumes, pointer('spec', 'volumes'), { name: volumeName, csi: csiVolumeSource(source) });
  for (const name of names) {
    const index = containers.findIndex(c => c.name === name);
    rules.check(workload, 'containerNames', name, index >= 0 ? undefined : {
      rule: `the pod template has no such container (containers: ${containers.map(c => c.name).join(', ')})`, fix: 'name an existing container',
    });
    const mounts: any[] | undefined = containers[index].volumeMounts;
    rules.check(workload, `containers[${name}].path`, path, mounts?.some(m => m.mountPath === path) ? { rule: 'the container already mounts something at this path', fix: 'pass a different `path`' } : undefined);
    append(mounts, pointer('spec', 'containers', index, 'volumeMounts'), { name: volumeName, mountPath: path, readOnly: true });
  }

  source.identity._bind({
    scope: workload,
    classScope: source.scope,
    namespace: workload.metadata.namespace,
    serviceAccountName: spec.serviceAccountName ?? spec.serviceAccount,
    addPodLabel: (key, value) => {
      const labels = templatePath.length === 0 ? manifest.metadata?.labels : template.metadata?.labels;
      if (templatePath.length === 0) {
        workload.metadata.addLabel(key, value);
      } else if (labels) {
        patches.push(JsonPatch.add(pointer('metadata', 'labels', key), value));
      } else {
        patches.push(JsonPatch.add(pointer('metadata'), { ...template.metadata, labels: { [key]: value } }));
      }
    },
  });
  workload.addJsonPatch(...patches);
}

function at(json: any, path: string[]): any {
  return path.reduce((node, key) => node?.[key], json);
}

function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}
