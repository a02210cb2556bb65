import { IConstruct } from 'constructs';
import { Finding } from '../rules/model';


/**
 * @internal
 * What an identity needs to know about, and do to, a workload that mounts a class. Facts that can
 * change until the app is complete (the ServiceAccount, the containers) are only read at synth,
 * through `atSynth`, so `mount()` may come before or after them.
 */
export interface MountedWorkload {
  /** The workload construct: error messages name its path; the cluster context is read from it. */
  readonly scope: IConstruct;
  /** The class being mounted: app-wide checks about its identity are reported on it. */
  readonly classScope: IConstruct;
  /** Namespace of the pods (fixed when the workload is created). */
  readonly namespace?: string;
  /** Runs `work` at synth, with the pod template as it ends up. */
  atSynth(work: (pod: SynthesizedPod) => void): void;
}

/**
 * @internal
 * The pod template of a mounted workload at synth.
 */
export interface SynthesizedPod {
  /** `serviceAccountName` (or the deprecated `serviceAccount`) of the pod template, if set. */
  readonly serviceAccountName?: string;
  /** Adds a label to the pod template (not to the workload's own metadata). */
  addLabel(key: string, value: string): void;
  /** Reports a finding as a synth error of the workload; returns whether there was none. */
  report(finding: Finding | undefined): boolean;
}
