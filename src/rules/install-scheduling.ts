import { labelKey, labelValue } from './install';
import { error, Finding } from './model';

/**
 * Rules of the scheduling shapes the install constructs take as Kubernetes wrote them (the L1
 * shapes of any cdk8s-plus: tolerations, node selector and label selector requirements), as the
 * API server validates them
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#scheduling and
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/).
 * Pure functions over plain values; `undefined` when the rule holds.
 */

/** A toleration as plain values (`k8s.Toleration` of any cdk8s-plus). */
export interface TolerationValues {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

/** A node selector or label selector requirement as plain values. */
export interface RequirementValues {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const NODE_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

const quoted = (values: readonly string[]) => values.map(v => JSON.stringify(v)).join(', ');

/** @internal A toleration the API server accepts, which tolerates what it says. */
export function toleration(t: TolerationValues, field: string): Finding | undefined {
  const operator = t.operator ?? 'Equal'; // the API default
  if (!TOLERATION_OPERATORS.includes(operator)) {
    return error(`${field}.operator`, t.operator, `must be one of ${quoted(TOLERATION_OPERATORS)}`, 'use "Exists" (any value of the key) or "Equal" (with `value`)');
  }
  if (t.key !== undefined && t.key !== '') {
    const badKey = labelKey(t.key, `${field}.key`);
    if (badKey) return badKey;
  } else if (operator !== 'Exists') {
    return error(`${field}.operator`, t.operator ?? null, 'a toleration without `key` must have operator "Exists" (it then tolerates every taint)', 'give the taint key, or use { operator: "Exists" }');
  }
  if (operator === 'Exists' && t.value !== undefined && t.value !== '') {
    return error(`${field}.value`, t.value, 'must be empty when `operator` is "Exists"', 'remove value, or use operator "Equal"');
  }
  if (operator === 'Equal' && t.value !== undefined) {
    const badValue = labelValue(t.value, `${field}.value`);
    if (badValue) return { ...badValue, fix: 'use the taint value exactly' };
  }
  if (t.effect !== undefined && t.effect !== '' && !TAINT_EFFECTS.includes(t.effect)) {
    return error(`${field}.effect`, t.effect, `must be one of ${quoted(TAINT_EFFECTS)}, or empty for every effect`, 'use e.g. "NoSchedule"');
  }
  if (t.tolerationSeconds !== undefined && (t.effect !== 'NoExecute' || !Number.isInteger(t.tolerationSeconds))) {
    return error(`${field}.tolerationSeconds`, t.tolerationSeconds, 'must be a whole number of seconds, and needs effect "NoExecute" (it says how long an evicting taint is tolerated)', 'set effect: "NoExecute", or remove tolerationSeconds');
  }
  return undefined;
}

/** The operator and values of a requirement agree, and every value is a label value. */
function requirement(r: RequirementValues, field: string, operators: readonly string[], example: string, labelsOf: string): Finding | undefined {
  const badKey = labelKey(r.key, `${field}.key`);
  if (badKey) return badKey;
  if (!operators.includes(r.operator)) {
    return error(`${field}.operator`, r.operator, `must be one of ${quoted(operators)}`, `use e.g. ${example}`);
  }
  const values = r.values ?? [];
  if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) {
    return error(`${field}.values`, values, `operator "${r.operator}" needs at least one value`, 'list the label values, or use operator "Exists"');
  }
  if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0) {
    return error(`${field}.values`, values, `must be empty with operator "${r.operator}"`, 'remove values, or use operator "In"');
  }
  if ((r.operator === 'Gt' || r.operator === 'Lt') && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) {
    return error(`${field}.values`, values, `operator "${r.operator}" needs exactly one value, an integer`, 'use e.g. ["3"]');
  }
  for (const [i, v] of values.entries()) {
    const badValue = labelValue(v, `${field}.values[${i}]`);
    if (badValue) return { ...badValue, fix: `use the ${labelsOf} label value exactly` };
  }
  return undefined;
}

/** @internal A node selector requirement (node affinity `matchExpressions`). */
export function nodeSelectorRequirement(r: RequirementValues, field: string): Finding | undefined {
  return requirement(r, field, NODE_SELECTOR_OPERATORS, '{ key: "agentpool", operator: "In", values: ["system"] }', 'node');
}

/** @internal A label selector requirement (pod affinity `matchExpressions`). */
export function labelSelectorRequirement(r: RequirementValues, field: string): Finding | undefined {
  return requirement(r, field, LABEL_SELECTOR_OPERATORS, '{ key: "app", operator: "In", values: ["web"] }', 'pod');
}
