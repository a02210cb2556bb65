import { error, Finding } from './model';
import { OS_LABEL } from '../facts/install';
import { OperatingSystem, paths } from '../facts/os';

/**
 * Rules of what the install constructs add to their pods: labels, environment variables,
 * scheduling terms and extra volumes, checked against what the construct sets itself. Pure
 * functions over plain values; `undefined` when the rule holds.
 */

/** @internal A node selector leaves `kubernetes.io/os` to the construct (one DaemonSet per OS). */
export function osLabelLeftToConstruct(key: string, field: string): Finding | undefined {
  if (key !== OS_LABEL) return undefined;
  return error(field, key, `"${OS_LABEL}" is set by the construct for each DaemonSet (linux / windows)`, 'use the `linux` and `windows` options to choose the operating systems');
}

/** @internal A label key the construct does not set itself (`reserved`: key → why it is set). */
export function labelNotReserved(key: string, reserved: { readonly [key: string]: string }, field: string): Finding | undefined {
  if (reserved[key] === undefined) return undefined;
  return error(field, key, `the construct sets "${key}" itself (${reserved[key]})`, 'use another label key');
}

/** @internal An environment variable the construct does not set itself. */
export function envNameNotReserved(name: string, reserved: readonly string[], field: string): Finding | undefined {
  if (!reserved.includes(name)) return undefined;
  return error(field, name, `the construct sets ${name} itself`, 'use another variable name');
}

/** @internal A node selector term has requirements (an empty one matches no node). */
export function nodeSelectorTermNotEmpty(requirements: number, field: string): Finding | undefined {
  if (requirements > 0) return undefined;
  return error(field, requirements, 'an empty node selector term matches no node', 'give at least one node selector requirement, e.g. { key: "agentpool", operator: "In", values: ["system"] }');
}

/** @internal A pod affinity term selects pods by labels, expressions or both. */
export function podAffinityTermSelects(labels: number, expressions: number, field: string): Finding | undefined {
  if (labels > 0 || expressions > 0) return undefined;
  return error(field, '{}', 'a pod affinity term without labels or expressions selects no pods', 'give the labels or expressions of the other pods');
}

/** Whether two directories of `os` are the same or one contains the other. */
function overlaps(os: OperatingSystem, a: string, b: string): boolean {
  const linux = os === OperatingSystem.LINUX;
  const sep = linux ? '/' : '\\';
  const [x, y] = linux ? [a, b] : [a.toLowerCase(), b.toLowerCase()];
  const under = (child: string, parent: string) => child.startsWith(parent.endsWith(sep) ? parent : `${parent}${sep}`);
  return paths(os).same(x, y) || under(x, y) || under(y, x);
}

/**
 * @internal
 * A mount path of a container overlaps none of the paths it already mounts (`claimed`: path →
 * what is mounted there).
 */
export function mountPathFree(os: OperatingSystem, path: string, claimed: ReadonlyMap<string, string>, field: string): Finding | undefined {
  const clash = [...claimed.entries()].find(([p]) => overlaps(os, p, path));
  if (!clash) return undefined;
  return error(field, path, `it overlaps ${clash[1]} mounted at ${clash[0]}`, 'mount it at another path');
}

/** @internal An extra volume names a source: Kubernetes turns a volume without one into an empty directory. */
export function volumeHasSource(volume: { readonly name: string }, field: string): Finding | undefined {
  if (Object.entries(volume).some(([key, value]) => key !== 'name' && value !== undefined && value !== null)) return undefined;
  return error(field, volume, 'names no volume source (Kubernetes would mount an empty directory)', 'give the source, e.g. { name: "ca", configMap: { name: "ca-bundle" } }');
}

/** @internal An extra volume's name is not one another volume of the pod has (`component`: "driver" or "provider"). */
export function volumeNameFree(name: string, taken: boolean, component: string, field: string): Finding | undefined {
  if (!taken) return undefined;
  return error(field, name, `another volume of the ${component} pod has this name`, 'give the volume another name');
}
