/**
 * The install props take Kubernetes shapes (`k8s.Toleration`, `k8s.NodeSelectorRequirement`,
 * `k8s.Volume`…), which TypeScript checks structurally, so values of any cdk8s-plus fit. An untyped
 * caller (JavaScript, `as any`) may still pass a cdk8s-plus object instead (`NodeTaintQuery` or
 * `Volume`, of any version): its own rendering gives the shape, where reading its fields would
 * drop some (a NodeTaintQuery keeps `tolerationSeconds` as a Duration, a Volume its source in a
 * private field).
 */

/** @internal The Kubernetes shape of a value: a cdk8s-plus object rendered, anything else as given. */
export function kubeShape<T>(value: T): T {
  const render = (value as { _toKube?: unknown } | undefined)?._toKube;
  return typeof render === 'function' ? render.call(value) : value;
}
