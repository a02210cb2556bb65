import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Mount, MountSource, WorkloadMounts } from './workload-mounts';
import { check } from '../app/errors';
import { DEFAULT_MOUNT_PATH } from '../facts/constants';
import { classInPodNamespace, mountableKind, mountableObject, POD_TEMPLATE_PATHS, sameVolumeForClass, volumeName as volumeNameRule, volumeNameFree } from '../rules/mount';
import * as types from '../rules/types';
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

/**
 * Mounts a class into a workload: a read-only CSI volume and read-only mounts, plus what the
 * identity needs. Values are checked now; what the workload ends up with (containers,
 * ServiceAccount, other volumes) is read and applied at synth. Mounting the class again adds
 * mounts of the same volume.
 */
export function mountClass(source: MountSource, workload: IConstruct, options: MountOptions = {}): void {
  const apiObject = workloadObject(workload);
  check(workload, mountableKind(apiObject.kind, 'kind'));
  options = options ?? {};
  check(workload, [
    types.optionalString(options.path, 'path', DEFAULT_MOUNT_PATH),
    types.optionalString(options.volumeName, 'volumeName', 'secrets-store'),
    types.optionalStringList(options.containerNames, 'containerNames', 'main'),
  ]);
  const path = options.path ?? DEFAULT_MOUNT_PATH;
  check(workload, rules.mountPath(path, 'path'));
  const mounts = WorkloadMounts.of(workload, apiObject, POD_TEMPLATE_PATHS[apiObject.kind]);
  const existing = mounts.volumeOf(source);
  const volumeName = options.volumeName ?? existing ?? source.name;
  check(workload, [
    volumeNameRule(volumeName, options.volumeName === undefined, 'volumeName'),
    classInPodNamespace(apiObject.metadata.namespace, source.name, source.namespace, 'metadata.namespace'),
    sameVolumeForClass(existing, volumeName, source.name, 'volumeName'),
    existing ? undefined : volumeNameFree(mounts.mounts.some(m => m.volumeName === volumeName), 'volumeName', volumeName),
  ]);
  const atSynth: Mount['atSynth'] = [];
  source.identity._bind({ scope: workload, classScope: source.scope, namespace: apiObject.metadata.namespace, atSynth: work => atSynth.push(work) });
  mounts.add({ source, path, volumeName, containerNames: options.containerNames, atSynth });
}

/** The `ApiObject` of a workload: the object itself, or a construct's default child (cdk8s-plus, any major). */
function workloadObject(workload: IConstruct): ApiObject {
  const candidate = ApiObject.isApiObject(workload) ? workload : workload.node.defaultChild;
  check(workload, mountableObject(candidate !== undefined && ApiObject.isApiObject(candidate), workload.node.path, 'workload'));
  return candidate as ApiObject;
}
