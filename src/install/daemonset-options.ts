import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { kubeShape } from './kube-shape';
import * as pod from './pod-options';
import { checkAffinity, DaemonSetPodAffinity, PreferredNodeAffinity, renderAffinity } from './scheduling';
import { check } from '../app/errors';
import { IMAGE_PULL_POLICY } from '../facts/install';
import { OperatingSystem } from '../facts/os';
import * as installRules from '../rules/install';
import { daemonSetInstalled } from '../rules/install-options';

/**
 * Options both install constructs share (the Helm charts' `{linux,windows}.podLabels`,
 * `podAnnotations`, `affinity`…), and their resolution into what a DaemonSet renders.
 */
export interface InstallDaemonSetOptions {
  /**
   * Labels added to every object the construct writes and to its pod templates (never to the
   * DaemonSets' selectors, which stay as upstream), as the driver chart's `commonLabels`.
   *
   * @default - none
   */
  readonly commonLabels?: { [key: string]: string };

  /**
   * Labels added to the pods (after `commonLabels`).
   *
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Annotations added to the pods.
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Annotations of the DaemonSets themselves.
   *
   * @default - none
   */
  readonly daemonSetAnnotations?: { [key: string]: string };

  /**
   * Pull policy of every container image: "IfNotPresent", "Always" or "Never" (an
   * `ImagePullPolicy` member of any cdk8s-plus is one of these strings).
   *
   * @default "IfNotPresent"
   */
  readonly imagePullPolicy?: string;

  /**
   * Nodes the pods prefer, by weight (node affinity beyond `requiredNodeAffinity`).
   *
   * @default - none
   */
  readonly preferredNodeAffinity?: PreferredNodeAffinity[];

  /**
   * Pods the install pods must (or, with a weight, should) run next to.
   *
   * @default - none
   */
  readonly podAffinity?: DaemonSetPodAffinity[];

  /**
   * Pods the install pods must not (or, with a weight, should not) run next to.
   *
   * @default - none
   */
  readonly podAntiAffinity?: DaemonSetPodAffinity[];

  /**
   * Node labels the Windows pods require, besides `kubernetes.io/os`.
   *
   * @default - `nodeSelector`
   */
  readonly windowsNodeSelector?: { [key: string]: string };

  /**
   * Taints the Windows pods tolerate (`k8s.Toleration` of any cdk8s-plus).
   *
   * @default - `tolerations`
   */
  readonly windowsTolerations?: kplus.k8s.Toleration[];

  /**
   * PriorityClass of the Windows pods.
   *
   * @default - `priorityClassName`
   */
  readonly windowsPriorityClassName?: string;
}

/** @internal Scheduling of one DaemonSet. */
export interface ResolvedScheduling {
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations?: kplus.k8s.Toleration[];
  readonly priorityClassName?: string;
}

/** @internal What both DaemonSets of a construct render from the shared options. */
export interface ResolvedDaemonSetOptions {
  readonly commonLabels: { [key: string]: string };
  /** Extra pod labels: `commonLabels`, then `podLabels`. */
  readonly podLabels: { [key: string]: string };
  readonly podAnnotations: { [key: string]: string };
  readonly daemonSetAnnotations?: { [key: string]: string };
  readonly imagePullPolicy: string;
  readonly affinity?: kplus.k8s.Affinity;
  readonly linux: ResolvedScheduling;
  readonly windows: ResolvedScheduling;
}

/** @internal The options both constructs had before, which the Windows ones default to. */
export interface BaseScheduling {
  readonly nodeSelector?: { [key: string]: string };
  readonly tolerations?: kplus.k8s.Toleration[];
  readonly priorityClassName?: string;
  readonly requiredNodeAffinity: kplus.k8s.NodeSelectorRequirement[];
}

/**
 * @internal
 * Checks and resolves the shared options. `reservedLabels` are the label keys the construct sets
 * itself (key → why); `windows` whether the Windows DaemonSet is installed.
 */
export function resolveDaemonSetOptions(
  scope: IConstruct, props: InstallDaemonSetOptions, base: BaseScheduling, windows: boolean, reservedLabels: { [key: string]: string },
): ResolvedDaemonSetOptions {
  const commonLabels = props.commonLabels ?? {};
  const podLabels = props.podLabels ?? {};
  const podAnnotations = props.podAnnotations ?? {};
  pod.checkLabels(scope, 'commonLabels', commonLabels, reservedLabels);
  pod.checkLabels(scope, 'podLabels', podLabels, reservedLabels);
  pod.checkAnnotations(scope, 'podAnnotations', podAnnotations);
  pod.checkAnnotations(scope, 'daemonSetAnnotations', props.daemonSetAnnotations ?? {});
  pod.checkScheduling(scope, 'windows', props.windowsPriorityClassName, props.windowsNodeSelector ?? {});
  if (props.imagePullPolicy !== undefined) check(scope, installRules.imagePullPolicy(props.imagePullPolicy, 'imagePullPolicy'));
  const windowsOnly: [string, unknown][] = [
    ['windowsNodeSelector', props.windowsNodeSelector],
    ['windowsTolerations', props.windowsTolerations],
    ['windowsPriorityClassName', props.windowsPriorityClassName],
  ];
  for (const [field, value] of windowsOnly) {
    if (value !== undefined) check(scope, daemonSetInstalled(windows, OperatingSystem.WINDOWS, field, value));
  }
  const affinityOptions = {
    requiredNodeAffinity: base.requiredNodeAffinity,
    preferredNodeAffinity: props.preferredNodeAffinity ?? [],
    podAffinity: props.podAffinity ?? [],
    podAntiAffinity: props.podAntiAffinity ?? [],
  };
  checkAffinity(scope, affinityOptions);

  const tolerations = (base.tolerations ?? [{ operator: 'Exists' }]).map(kubeShape);
  const windowsTolerations = props.windowsTolerations?.map(kubeShape);
  pod.checkTolerations(scope, 'tolerations', tolerations);
  pod.checkTolerations(scope, 'windowsTolerations', windowsTolerations ?? []);
  const daemonSetAnnotations = props.daemonSetAnnotations ?? {};
  return {
    commonLabels,
    podLabels: { ...commonLabels, ...podLabels },
    podAnnotations,
    daemonSetAnnotations: Object.keys(daemonSetAnnotations).length ? { ...daemonSetAnnotations } : undefined,
    imagePullPolicy: props.imagePullPolicy ?? IMAGE_PULL_POLICY,
    affinity: renderAffinity(affinityOptions),
    linux: {
      nodeSelector: base.nodeSelector ?? {},
      tolerations: pod.tolerations(tolerations),
      priorityClassName: base.priorityClassName,
    },
    windows: {
      nodeSelector: props.windowsNodeSelector ?? base.nodeSelector ?? {},
      tolerations: pod.tolerations(windowsTolerations ?? tolerations),
      priorityClassName: props.windowsPriorityClassName ?? base.priorityClassName,
    },
  };
}
