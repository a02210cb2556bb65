import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** A workload whose containers read a value handed out by `SyncedSecret.envValue()`. */
export interface EnvValueConsumer {
  readonly scope: IConstruct;
  readonly namespace?: string;
}

const CONSUMERS = new WeakMap<IConstruct, Map<unknown, EnvValueConsumer[]>>();

/**
 * @internal
 * The workloads reading each env value, found in one walk over the app's cdk8s-plus workloads (any
 * major: a workload construct with `containers`, each with `env.variables`). The walk runs once per
 * app, at the first check after the app is complete (validation), and only if env values were handed
 * out; `forget()` drops it when a new one is.
 */
export function envValueConsumers(scope: IConstruct): Map<unknown, EnvValueConsumer[]> {
  const root = scope.node.root;
  let consumers = CONSUMERS.get(root);
  if (consumers) return consumers;
  consumers = new Map();
  for (const construct of root.node.findAll()) {
    const workload = construct as { containers?: unknown; initContainers?: unknown };
    if (!Array.isArray(workload.containers)) continue;
    const containers = [...workload.containers, ...Array.isArray(workload.initContainers) ? workload.initContainers : []];
    const child = construct.node.defaultChild;
    const namespace = child && ApiObject.isApiObject(child) ? child.metadata.namespace : undefined;
    for (const container of containers) {
      const variables: Record<string, unknown> | undefined = container?.env?.variables;
      for (const value of Object.values(variables ?? {})) {
        consumers.set(value, [...consumers.get(value) ?? [], { scope: construct, namespace }]);
      }
    }
  }
  CONSUMERS.set(root, consumers);
  return consumers;
}

/** @internal Drops the app's consumers: a new env value was handed out. */
export function forgetEnvValueConsumers(scope: IConstruct): void {
  CONSUMERS.delete(scope.node.root);
}
