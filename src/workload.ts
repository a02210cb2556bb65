import { IConstruct } from 'constructs';

/**
 * @internal
 * What an identity needs to know about, and do to, a workload that mounts a class: the common
 * view of a cdk8s-plus workload and a plain `ApiObject` workload.
 */
export interface MountedWorkload {
  /** The workload construct: error messages name its path; the cluster context is read from it. */
  readonly scope: IConstruct;
  /** The class being mounted: app-wide checks about its identity are reported on it. */
  readonly classScope: IConstruct;
  /** Namespace of the pods, if known at synth. */
  readonly namespace?: string;
  /** `serviceAccountName` of the pod template, if set. */
  readonly serviceAccountName?: string;
  /** Adds a label to the pod template (not to the workload's own metadata). */
  addPodLabel(key: string, value: string): void;
}
