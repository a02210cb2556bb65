import { error, Finding } from './model';
import * as values from './values';

/**
 * Rules of mounting a class into a workload: the options of `mount()` and the pod template the
 * mount is applied to at synth (containers, volumes, security context).
 */

/** Kind → JSON path of the pod template (metadata + spec) in that kind. */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = Object.freeze(Object.assign(Object.create(null), {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
}));

/** A workload to mount into is an ApiObject, or a construct whose default child is one. */
export function mountableObject(isApiObject: boolean, path: string, field: string): Finding | undefined {
  if (isApiObject) return undefined;
  return error(field, path,
    'a workload is an ApiObject (an imported `k8s` kind, or hand-written) or a construct whose default child is one (any cdk8s-plus workload)',
    'pass the Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob itself');
}

/** Only kinds with a pod template can mount a volume. */
export function mountableKind(kind: string, field: string): Finding | undefined {
  if (POD_TEMPLATE_PATHS[kind]) return undefined;
  return error(field, kind, `mount() mounts into ${Object.keys(POD_TEMPLATE_PATHS).join(', ')}`, 'mount into the workload that owns the pod template');
}

/** The pod volume's name: a DNS-1123 label (by default the class name, which may not be one). */
export function volumeName(name: string, defaulted: boolean, field: string): Finding | undefined {
  const broken = values.dns1123Label(name, field);
  return broken && defaulted ? { ...broken, fix: 'pass `volumeName` (it defaults to the class name, which is not a DNS-1123 label)' } : broken;
}

const where = (namespace: string | undefined) => namespace === undefined ? 'no namespace' : `namespace "${namespace}"`;

/** The driver reads the class from the pod's namespace. */
export function classInPodNamespace(
  podNamespace: string | undefined, className: string, classNamespace: string | undefined, field: string,
): Finding | undefined {
  if (podNamespace === classNamespace) return undefined;
  return error(field, podNamespace,
    `the driver reads the SecretProviderClass "${className}" from the pod's namespace, and the class is in ${where(classNamespace)}`,
    `move the class to ${where(podNamespace)} (create it in the workload's chart, or set its \`metadata.namespace\`), or move the workload to ${where(classNamespace)}`);
}

/** A class mounted again into the same workload reuses its volume: a different `volumeName` would be a second volume of one class. */
export function sameVolumeForClass(existing: string | undefined, given: string, className: string, field: string): Finding | undefined {
  if (existing === undefined || existing === given) return undefined;
  return error(field, given,
    `the workload already mounts the class "${className}" as volume "${existing}", and a second mount reuses that volume`,
    `omit \`volumeName\`, or pass "${existing}"`);
}

/** A new pod volume needs a name no other volume has. */
export function volumeNameFree(taken: boolean, field: string, name: string): Finding | undefined {
  if (!taken) return undefined;
  return error(field, name, 'the pod already has a volume with this name', 'pass a different `volumeName`');
}

/** Mounted files are only useful to containers. */
export function podHasContainers(count: number, field: string): Finding | undefined {
  if (count > 0) return undefined;
  return error(field, count, 'the pod template has no containers, so nothing can read the mounted files', 'add the workload\'s containers');
}

/** `containerNames` names containers of the pod. */
export function containerExists(name: string, containers: readonly string[], field: string): Finding | undefined {
  if (containers.includes(name)) return undefined;
  return error(field, name, `the pod template has no such container (containers: ${containers.join(', ')})`, 'name an existing container');
}

/** One container mounts one thing at a path. */
export function mountPathFree(taken: boolean, path: string, field: string): Finding | undefined {
  if (!taken) return undefined;
  return error(field, path, 'the container already mounts something at this path', 'pass a different `path`');
}

/** What decides whether a container can read a root-owned file. */
export interface ContainerIdentity {
  readonly name: string;
  readonly runAsUser?: number;
  readonly runAsNonRoot?: boolean;
  readonly runAsGroup?: number;
  readonly supplementalGroups?: readonly number[];
}

/** A file the class writes with an explicit mode. */
export interface ModedFile {
  readonly objectType: string;
  readonly objectName: string;
  readonly filePermission: string;
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
export function filesReadable(files: readonly ModedFile[], container: ContainerIdentity, className: string, field: string): Finding[] {
  const user = container.runAsUser;
  const nonRoot = user !== undefined ? user !== 0 : container.runAsNonRoot === true;
  if (!nonRoot) return [];
  const inRootGroup = container.runAsGroup === 0 || (container.supplementalGroups ?? []).includes(0);
  return files.filter(f => !canRead(f.filePermission, 0) && !(inRootGroup && canRead(f.filePermission, 1))).map(f => error(field, f.filePermission,
    `${f.objectType} "${f.objectName}" of the class "${className}" is written as root:root with mode ${f.filePermission}, and container "${container.name}" runs as a non-root user (${user !== undefined ? `runAsUser ${user}` : 'runAsNonRoot'}), so it cannot read it (fsGroup does not apply to inline CSI volumes: kubernetes-sigs/secrets-store-csi-driver#858)`,
    `give "other" read: \`filePermission: "${withReadForAll(f.filePermission)}"\``));
}
