import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { check } from '../app/errors';
import * as installRules from '../rules/install';
import { nodeSelectorTermNotEmpty, podAffinityTermSelects } from '../rules/install-pod';
import { labelSelectorRequirement, nodeSelectorRequirement } from '../rules/install-scheduling';
import * as rules from '../rules/values';

/**
 * The affinity options of the install DaemonSets (the charts' `{linux,windows}.affinity`), as small
 * structs over the Kubernetes requirement shapes (any cdk8s-plus's `k8s` types fit), and their
 * rendering into the pod's `affinity`.
 */

/** A weighted node preference (`preferredDuringSchedulingIgnoredDuringExecution`). */
export interface PreferredNodeAffinity {
  /** Weight of the preference, 1 to 100. */
  readonly weight: number;

  /**
   * Node label requirements the preferred nodes meet (all of them: one node selector term), e.g.
   * `[{ key: 'agentpool', operator: 'In', values: ['system'] }]`.
   */
  readonly labels: kplus.k8s.NodeSelectorRequirement[];
}

/**
 * Pods that the install pods should (anti-)affine with: a required term, or a preference when
 * `weight` is set.
 */
export interface DaemonSetPodAffinity {
  /**
   * Labels the other pods have (`matchLabels`).
   *
   * @default - none; give `labels`, `expressions` or both
   */
  readonly labels?: { [key: string]: string };

  /**
   * Label requirements the other pods meet (`matchExpressions`), e.g.
   * `[{ key: 'app', operator: 'In', values: ['web'] }]`; a cdk8s-plus `LabelExpression` is one.
   *
   * @default - none; give `labels`, `expressions` or both
   */
  readonly expressions?: kplus.k8s.LabelSelectorRequirement[];

  /**
   * Namespaces of the other pods.
   *
   * @default - the install namespace
   */
  readonly namespaces?: string[];

  /**
   * Topology domain that counts as "together".
   *
   * @default Topology.HOSTNAME
   */
  readonly topology?: kplus.Topology;

  /**
   * Weight 1 to 100: makes the term a preference instead of a requirement.
   *
   * @default - a required term
   */
  readonly weight?: number;
}

/** @internal The affinity options one DaemonSet renders. */
export interface AffinityOptions {
  readonly requiredNodeAffinity: kplus.k8s.NodeSelectorRequirement[];
  readonly preferredNodeAffinity: PreferredNodeAffinity[];
  readonly podAffinity: DaemonSetPodAffinity[];
  readonly podAntiAffinity: DaemonSetPodAffinity[];
}

/** @internal Eager checks of the affinity options. */
export function checkAffinity(scope: IConstruct, options: AffinityOptions): void {
  const checkQueries = (field: string, requirements: kplus.k8s.NodeSelectorRequirement[]) => requirements.forEach((r, i) => {
    check(scope, nodeSelectorRequirement(r, `${field}[${i}]`));
  });
  checkQueries('requiredNodeAffinity', options.requiredNodeAffinity);
  options.preferredNodeAffinity.forEach((p, i) => {
    check(scope, installRules.weight(p.weight, `preferredNodeAffinity[${i}].weight`));
    check(scope, nodeSelectorTermNotEmpty(p.labels.length, `preferredNodeAffinity[${i}].labels`));
    checkQueries(`preferredNodeAffinity[${i}].labels`, p.labels);
  });
  for (const [field, terms] of [['podAffinity', options.podAffinity], ['podAntiAffinity', options.podAntiAffinity]] as const) {
    terms.forEach((t, i) => {
      const at = `${field}[${i}]`;
      const labels = Object.entries(t.labels ?? {});
      const expressions = t.expressions ?? [];
      check(scope, podAffinityTermSelects(labels.length, expressions.length, at));
      for (const [key, value] of labels) {
        check(scope, installRules.labelKey(key, `${at}.labels`));
        check(scope, installRules.labelValue(value, `${at}.labels["${key}"]`));
      }
      expressions.forEach((e, j) => check(scope, labelSelectorRequirement(e, `${at}.expressions[${j}]`)));
      (t.namespaces ?? []).forEach((ns, j) => check(scope, rules.dns1123Label(ns, `${at}.namespaces[${j}]`)));
      if (t.topology) check(scope, installRules.labelKey(t.topology.key, `${at}.topology`));
      if (t.weight !== undefined) check(scope, installRules.weight(t.weight, `${at}.weight`));
    });
  }
}

/** @internal The pod `affinity`, or none when every option is empty. */
export function renderAffinity(options: AffinityOptions): kplus.k8s.Affinity | undefined {
  const term = (requirements: kplus.k8s.NodeSelectorRequirement[]) => ({ matchExpressions: requirements.map(requirementOf) });
  const nodeAffinity: kplus.k8s.NodeAffinity | undefined = options.requiredNodeAffinity.length || options.preferredNodeAffinity.length ? {
    requiredDuringSchedulingIgnoredDuringExecution: options.requiredNodeAffinity.length
      ? { nodeSelectorTerms: [term(options.requiredNodeAffinity)] } : undefined,
    preferredDuringSchedulingIgnoredDuringExecution: options.preferredNodeAffinity.length
      ? options.preferredNodeAffinity.map(p => ({ weight: p.weight, preference: term(p.labels) })) : undefined,
  } : undefined;
  const affinity: kplus.k8s.Affinity = {
    nodeAffinity,
    podAffinity: podTerms(options.podAffinity),
    podAntiAffinity: podTerms(options.podAntiAffinity),
  };
  return affinity.nodeAffinity || affinity.podAffinity || affinity.podAntiAffinity ? affinity : undefined;
}

/** A requirement with only its own fields. */
function requirementOf(r: { readonly key: string; readonly operator: string; readonly values?: string[] }) {
  return { key: r.key, operator: r.operator, values: r.values };
}

/** Required terms and weighted preferences of pod (anti-)affinity (the same shape in both). */
interface PodTerms {
  readonly requiredDuringSchedulingIgnoredDuringExecution?: kplus.k8s.PodAffinityTerm[];
  readonly preferredDuringSchedulingIgnoredDuringExecution?: kplus.k8s.WeightedPodAffinityTerm[];
}

function podTerms(terms: DaemonSetPodAffinity[]): PodTerms | undefined {
  if (terms.length === 0) return undefined;
  const render = (t: DaemonSetPodAffinity): kplus.k8s.PodAffinityTerm => ({
    labelSelector: {
      matchLabels: t.labels && Object.keys(t.labels).length ? { ...t.labels } : undefined,
      matchExpressions: t.expressions?.length ? t.expressions.map(requirementOf) : undefined,
    },
    namespaces: t.namespaces?.length ? [...t.namespaces] : undefined,
    topologyKey: (t.topology ?? kplus.Topology.HOSTNAME).key,
  });
  const required = terms.filter(t => t.weight === undefined).map(render);
  const preferred = terms.filter(t => t.weight !== undefined).map(t => ({ weight: t.weight!, podAffinityTerm: render(t) }));
  return {
    requiredDuringSchedulingIgnoredDuringExecution: required.length ? required : undefined,
    preferredDuringSchedulingIgnoredDuringExecution: preferred.length ? preferred : undefined,
  };
}
