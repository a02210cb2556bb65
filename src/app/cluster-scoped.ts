import { ApiObjectMetadata, Lazy } from 'cdk8s';

/**
 * A namespace that resolves to nothing. cdk8s gives every ApiObject its chart's namespace when
 * `metadata.namespace` is undefined (`props.metadata?.namespace ?? chart.namespace`); a token is
 * not undefined, so the chart's namespace is not applied, and the token resolves to undefined,
 * which synthesis drops. No JSON patch needed (patches on typed `Kube*` objects run before the
 * key mapping, so they are fragile).
 */
const NO_NAMESPACE: string = Lazy.any({ produce: () => undefined });

/** @internal Metadata of a cluster-scoped object: never a namespace, even inside a namespaced chart. */
export function clusterScoped(metadata: ApiObjectMetadata): ApiObjectMetadata {
  return { ...metadata, namespace: NO_NAMESPACE };
}
