import { Manifest, textOf } from './finding';
import { NodePath } from './location';
import { CSI_DRIVER_NAME, POD_IDENTITY_LABEL, VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS } from '../facts/constants';

/**
 * Workloads and the Secrets Store CSI volumes of their pods. Each kind keeps its pod template at
 * a fixed path; a finding names the path from the document root.
 */

/** A Map, not an object literal: the kind comes from the input (`kind: constructor` is just an unknown kind). */
const POD_SPEC_PATHS = new Map<string, NodePath>([
  ['Pod', ['spec']],
  ['Deployment', ['spec', 'template', 'spec']],
  ['StatefulSet', ['spec', 'template', 'spec']],
  ['DaemonSet', ['spec', 'template', 'spec']],
  ['ReplicaSet', ['spec', 'template', 'spec']],
  ['ReplicationController', ['spec', 'template', 'spec']],
  ['Job', ['spec', 'template', 'spec']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
]);

/** One pod template with its Secrets Store CSI volumes. */
export interface PodModel {
  readonly manifest: Manifest;
  /** Path of the pod spec, e.g. ["spec", "template", "spec"]. */
  readonly specPath: NodePath;
  readonly spec: any;
  /** Labels of the pod (the template's, or the Pod's). */
  readonly labels: Record<string, unknown>;
  /** `serviceAccountName`, or "default". */
  readonly serviceAccount: string;
  readonly serviceAccountSet: boolean;
  readonly volumes: CsiVolume[];
}

export interface CsiVolume {
  readonly path: NodePath;
  readonly name: string;
  readonly csi: any;
  /** `volumeAttributes.secretProviderClass`, if set. */
  readonly className?: string;
}

/** The pod spec path of a workload kind (core and apps kinds, batch Job and CronJob). */
export function podSpecPath(manifest: Manifest): NodePath | undefined {
  const nodePath = POD_SPEC_PATHS.get(manifest.kind);
  if (!nodePath) return undefined;
  const group = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
  return ['', 'apps', 'batch', 'extensions'].includes(group) ? nodePath : undefined;
}

/** The pod of a workload, or undefined for other kinds. */
export function readPod(manifest: Manifest): PodModel | undefined {
  const specPath = podSpecPath(manifest);
  if (!specPath) return undefined;
  let spec: any = manifest.body;
  for (const key of specPath) spec = spec?.[key];
  if (typeof spec !== 'object' || spec === null) return undefined;
  const metadataPath = [...specPath.slice(0, -1), 'metadata'];
  let metadata: any = manifest.body;
  for (const key of metadataPath) metadata = metadata?.[key];
  const volumes: CsiVolume[] = [];
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((volume: any, i: number) => {
    if (volume?.csi?.driver !== CSI_DRIVER_NAME) return;
    const className = volume.csi.volumeAttributes?.[VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS];
    volumes.push({ path: [...specPath, 'volumes', i], name: textOf(volume.name), csi: volume.csi, className: typeof className === 'string' ? className : undefined });
  });
  const serviceAccount = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName ? spec.serviceAccountName
    : typeof spec.serviceAccount === 'string' && spec.serviceAccount ? spec.serviceAccount : undefined;
  return {
    manifest,
    specPath,
    spec,
    labels: typeof metadata?.labels === 'object' && metadata.labels !== null ? metadata.labels : Object.create(null),
    serviceAccount: serviceAccount ?? 'default',
    serviceAccountSet: serviceAccount !== undefined,
    volumes,
  };
}

/** The pod-identity selector label of a pod, if any. */
export function podIdentityLabel(pod: PodModel): unknown {
  return pod.labels[POD_IDENTITY_LABEL];
}
