import { ApiObject, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { check } from '../app/errors';
import { OS_LABEL, ResourcesFact } from '../facts/install';
import * as installRules from '../rules/install';
import { envNameNotReserved, labelNotReserved, osLabelLeftToConstruct } from '../rules/install-pod';
import { toleration } from '../rules/install-scheduling';
import * as rules from '../rules/values';

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

/** @internal Tolerations as written (only their own fields), or none. */
export function tolerations(given: kplus.k8s.Toleration[]): kplus.k8s.Toleration[] | undefined {
  return given.length
    ? given.map(t => ({ key: t.key, operator: t.operator, value: t.value, effect: t.effect, tolerationSeconds: t.tolerationSeconds }))
    : undefined;
}

/** @internal Checks tolerations (`field` names the prop). */
export function checkTolerations(scope: IConstruct, field: string, given: kplus.k8s.Toleration[]): void {
  given.forEach((t, i) => check(scope, toleration(t, `${field}[${i}]`)));
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
  readonly serviceAccountName: string;
}

/** @internal Eager checks of the shared pod options. */
export function checkPodOptions(scope: IConstruct, options: PodOptionsToCheck): void {
  check(scope, rules.dns1123Label(options.namespace, 'namespace'));
  check(scope, rules.dns1123Subdomain(options.serviceAccountName, 'serviceAccountName'));
  options.imagePullSecrets.forEach((name, i) => check(scope, rules.dns1123Subdomain(name, `imagePullSecrets[${i}]`)));
  checkScheduling(scope, '', options.priorityClassName, options.nodeSelector);
}

/** @internal Checks of a priority class and node selector (`prefix` "windows" for the Windows ones). */
export function checkScheduling(scope: IConstruct, prefix: string, priorityClassName: string | undefined, selector: { [key: string]: string }): void {
  const field = (name: string) => prefix ? `${prefix}${name[0].toUpperCase()}${name.slice(1)}` : name;
  if (priorityClassName !== undefined) {
    check(scope, rules.dns1123Subdomain(priorityClassName, field('priorityClassName')));
  }
  for (const [key, value] of Object.entries(selector)) {
    check(scope, installRules.labelKey(key, field('nodeSelector')));
    check(scope, installRules.labelValue(value, `${field('nodeSelector')}["${key}"]`));
    check(scope, osLabelLeftToConstruct(key, field('nodeSelector')));
  }
}

/**
 * @internal
 * Checks labels the construct adds to its objects or pods: valid keys and values, and none of
 * the keys it sets itself (the DaemonSets' selector label `app` must stay as upstream, or a
 * re-apply would fail: a DaemonSet selector is immutable).
 */
export function checkLabels(scope: IConstruct, field: string, labels: { [key: string]: string }, reserved: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(labels)) {
    check(scope, installRules.labelKey(key, field));
    check(scope, installRules.labelValue(value, `${field}["${key}"]`));
    check(scope, labelNotReserved(key, reserved, field));
  }
}

/** @internal Checks annotation keys (values are free text). */
export function checkAnnotations(scope: IConstruct, field: string, annotations: { [key: string]: string }): void {
  for (const key of Object.keys(annotations)) check(scope, installRules.annotationKey(key, field));
}

/** @internal Adds labels to every ApiObject under `scope` (idempotent: derived objects are labelled when created). */
export function applyCommonLabels(scope: IConstruct, labels: { [key: string]: string }): void {
  const entries = Object.entries(labels);
  if (entries.length === 0) return;
  for (const child of scope.node.findAll()) {
    if (child instanceof ApiObject) for (const [key, value] of entries) child.metadata.addLabel(key, value);
  }
}

/** @internal Environment variables from cdk8s-plus `EnvValue`s, in the given order. */
export function envVars(env: { [name: string]: kplus.EnvValue }): kplus.k8s.EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value: value.value, valueFrom: value.valueFrom }));
}

/** @internal Checks extra environment variables: valid names, not the ones the construct sets. */
export function checkEnv(scope: IConstruct, field: string, env: { [name: string]: kplus.EnvValue }, reserved: string[]): void {
  for (const name of Object.keys(env)) {
    check(scope, installRules.envName(name, field));
    check(scope, envNameNotReserved(name, reserved, field));
  }
}

/** @internal A RollingUpdate strategy with `maxUnavailable`, or none. */
export function rollingUpdate(maxUnavailable: kplus.PercentOrAbsolute | undefined): kplus.k8s.DaemonSetUpdateStrategy | undefined {
  if (maxUnavailable === undefined) return undefined;
  const value = maxUnavailable.value;
  return {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: typeof value === 'number' ? kplus.k8s.IntOrString.fromNumber(value) : kplus.k8s.IntOrString.fromString(value) },
  };
}
