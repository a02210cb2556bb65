import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import * as rules from '../validation';
import { OS_LABEL, ResourcesFact } from './defaults';
import * as installRules from './rules';

/**
 * Renders the cdk8s-plus option types the install constructs accept (resources, taint and label
 * queries) into the typed `k8s` shapes of the DaemonSets, and validates the shared pod options.
 */

const { Quantity } = kplus.k8s;

/** @internal Requests and limits from an upstream fact. */
export function factResources(fact: ResourcesFact): kplus.k8s.ResourceRequirements {
  return {
    limits: { cpu: Quantity.fromString(fact.limits.cpu), memory: Quantity.fromString(fact.limits.memory) },
    requests: { cpu: Quantity.fromString(fact.requests.cpu), memory: Quantity.fromString(fact.requests.memory) },
  };
}

/**
 * @internal
 * Requests and limits from cdk8s-plus `ContainerResources` (memory in Mi, ephemeral storage in Gi,
 * as cdk8s-plus renders them), or the upstream fact when none are given. Given resources replace
 * the default entirely; `{}` removes the block.
 */
export function resources(given: kplus.ContainerResources | undefined, fallback: ResourcesFact): kplus.k8s.ResourceRequirements | undefined {
  if (given === undefined) return factResources(fallback);
  const limits: { [key: string]: kplus.k8s.Quantity } = {};
  const requests: { [key: string]: kplus.k8s.Quantity } = {};
  const mebibytes = (size: Size) => Quantity.fromString(`${size.toMebibytes({ rounding: SizeRoundingBehavior.FAIL })}Mi`);
  const gibibytes = (size: Size) => Quantity.fromString(`${size.toGibibytes({ rounding: SizeRoundingBehavior.FAIL })}Gi`);
  if (given.cpu?.limit) limits.cpu = Quantity.fromString(given.cpu.limit.amount);
  if (given.cpu?.request) requests.cpu = Quantity.fromString(given.cpu.request.amount);
  if (given.memory?.limit) limits.memory = mebibytes(given.memory.limit);
  if (given.memory?.request) requests.memory = mebibytes(given.memory.request);
  if (given.ephemeralStorage?.limit) limits['ephemeral-storage'] = gibibytes(given.ephemeralStorage.limit);
  if (given.ephemeralStorage?.request) requests['ephemeral-storage'] = gibibytes(given.ephemeralStorage.request);
  const some = (m: object) => Object.keys(m).length > 0;
  if (!some(limits) && !some(requests)) return undefined;
  return { limits: some(limits) ? limits : undefined, requests: some(requests) ? requests : undefined };
}

/** @internal Tolerations from cdk8s-plus taint queries (`NodeTaintQuery.any()` is `{operator: Exists}`). */
export function tolerations(queries: kplus.NodeTaintQuery[]): kplus.k8s.Toleration[] | undefined {
  return queries.length ? queries.map(q => q._toKube()) : undefined;
}

/** @internal A required node affinity with one term of all the label queries, or none. */
export function requiredNodeAffinity(queries: kplus.NodeLabelQuery[]): kplus.k8s.Affinity | undefined {
  if (queries.length === 0) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: queries.map(q => q._toKube()) }],
      },
    },
  };
}

/** @internal The OS selector, then the user's labels (as the Helm charts merge them). */
export function nodeSelector(os: string, extra: { [key: string]: string }): { [key: string]: string } {
  return { [OS_LABEL]: os, ...extra };
}

/** @internal `imagePullSecrets` of a pod spec. */
export function imagePullSecrets(names: string[]): kplus.k8s.LocalObjectReference[] | undefined {
  return names.length ? names.map(name => ({ name })) : undefined;
}

/** The pod options both install constructs validate the same way. */
export interface PodOptionsToCheck {
  readonly namespace: string;
  readonly imagePullSecrets: string[];
  readonly priorityClassName?: string;
  readonly nodeSelector: { [key: string]: string };
}

/** @internal Eager checks of the shared pod options. */
export function checkPodOptions(scope: IConstruct, options: PodOptionsToCheck): void {
  rules.check(scope, 'namespace', options.namespace, rules.dns1123Label(options.namespace));
  options.imagePullSecrets.forEach((name, i) => rules.check(scope, `imagePullSecrets[${i}]`, name, rules.dns1123Subdomain(name)));
  if (options.priorityClassName !== undefined) {
    rules.check(scope, 'priorityClassName', options.priorityClassName, rules.dns1123Subdomain(options.priorityClassName));
  }
  for (const [key, value] of Object.entries(options.nodeSelector)) {
    rules.check(scope, 'nodeSelector', key, installRules.labelKey(key));
    rules.check(scope, `nodeSelector["${key}"]`, value, installRules.labelValue(value));
    rules.check(scope, 'nodeSelector', key, key === OS_LABEL ? {
      rule: `"${OS_LABEL}" is set by the construct for each DaemonSet (linux / windows)`,
      fix: 'use the `linux` and `windows` options to choose the operating systems',
    } : undefined);
  }
}
