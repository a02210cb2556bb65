import { errorAt, Finding } from './model';
import { labelKey as k8sLabelKey, labelValue as k8sLabelValue } from './values';

export { annotationKey } from './values';

/**
 * Validation rules of the install constructs' inputs (pure functions: `undefined` when valid,
 * else the rule and the fix), in the shape of `../validation`.
 */

/** `[host[:port]/]path[:tag][@sha256:digest]`; a first component is a host when it has a dot or a port, or is localhost. */
const IMAGE = /^(?:(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost)(?::\d+)?\/|[A-Za-z0-9-]+:\d+\/)?[a-z0-9]+(?:(?:[._/]|__|-+)[a-z0-9]+)*(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;
const METRICS_ADDRESS = /^([^\s:]*):(\d+)$/;

/** @internal A TCP port. */
export function port(value: number, field: string): Finding | undefined {
  if (Number.isInteger(value) && value >= 1 && value <= 65535) return undefined;
  return errorAt(field, value, { rule: 'must be a port number from 1 to 65535', fix: 'use e.g. 8898' });
}

/** @internal A klog verbosity (`-v`). */
export function logVerbosity(value: number, field: string): Finding | undefined {
  if (Number.isInteger(value) && value >= 0 && value <= 10) return undefined;
  return errorAt(field, value, { rule: 'must be an integer klog verbosity from 0 to 10', fix: 'use 0 (default) for errors and warnings, 2-5 for debugging' });
}

/** @internal A positive integer (e.g. a gRPC message size in bytes). */
export function positiveInteger(value: number, field: string): Finding | undefined {
  if (Number.isInteger(value) && value >= 1 && value <= Number.MAX_SAFE_INTEGER) return undefined;
  return errorAt(field, value, { rule: 'must be a positive integer', fix: 'use e.g. 4194304 (4 MiB)' });
}

/** @internal A Prometheus listen address `[host]:port` (`metricsPort` reads its port). */
export function metricsAddress(value: string, field: string): Finding | undefined {
  const match = METRICS_ADDRESS.exec(value);
  if (match && port(Number(match[2]), field) === undefined) return undefined;
  return errorAt(field, value, { rule: 'must be a listen address "[host]:port" with a port from 1 to 65535', fix: 'use e.g. ":8095"' });
}

/** @internal The port of a listen address that passed `metricsAddress`. */
export function metricsPort(value: string): number {
  return Number(METRICS_ADDRESS.exec(value)![2]);
}

/** @internal A container image reference. */
export function image(value: string, field: string): Finding | undefined {
  if (IMAGE.test(value)) return undefined;
  return errorAt(field, value, { rule: 'must be an image reference "[registry/]repository[:tag][@sha256:digest]" in lowercase without spaces', fix: 'use e.g. "myregistry.azurecr.io/csi-secrets-store/driver:v1.6.0"' });
}

/** @internal An image registry host (and optional path) that repositories are appended to. */
export function imageRegistry(value: string, field: string): Finding | undefined {
  if (value.length > 0 && !value.endsWith('/') && IMAGE.test(`${value}/x:y`)) return undefined;
  return errorAt(field, value, { rule: 'must be a registry host, optionally with a path, without a trailing "/"', fix: 'use e.g. "myregistry.azurecr.io" or "myregistry.azurecr.io/mirror"' });
}

/** @internal An image repository that a `:tag` is appended to. */
export function imageRepository(value: string, field: string): Finding | undefined {
  if (!/[:@]/.test(value.split('/').pop() ?? '') && IMAGE.test(`${value}:x`)) return undefined;
  return errorAt(field, value, { rule: 'must be an image repository "[registry/]path" in lowercase, without tag or digest', fix: 'use e.g. "myregistry.azurecr.io/provider-azure"' });
}

/** @internal An absolute Linux host or container path. */
export function linuxPath(value: string, field: string): Finding | undefined {
  if (value.startsWith('/') && !/[\s\u0000-\u001f]/.test(value) && !value.split('/').includes('..')) return undefined;
  return errorAt(field, value, { rule: 'must be an absolute Linux path without whitespace or ".." segments', fix: 'use e.g. "/var/run/secrets-store-csi-providers"' });
}

/** @internal An absolute Windows path with a drive letter. */
export function windowsPath(value: string, field: string): Finding | undefined {
  if (/^[A-Za-z]:\\/.test(value) && !value.includes('/') && !/[\u0000-\u001f]/.test(value) && !value.split('\\').includes('..')) return undefined;
  return errorAt(field, value, { rule: 'must be an absolute Windows path with a drive letter and "\\" separators', fix: 'use e.g. "C:\\k\\secrets-store-csi-providers"' });
}

/** @internal An HTTP path. */
export function httpPath(value: string, field: string): Finding | undefined {
  if (/^\/[^\s?#]*$/.test(value)) return undefined;
  return errorAt(field, value, { rule: 'must be an HTTP path starting with "/" without spaces, query or fragment', fix: 'use e.g. "/healthz"' });
}

/** @internal A node label key (`[prefix/]name`): the Kubernetes rule in ../validation. */
export function labelKey(value: string, field: string): Finding | undefined {
  const violation = k8sLabelKey(value, field);
  return errorAt(field, value, violation && { ...violation, fix: 'use e.g. "agentpool" or "kubernetes.azure.com/mode"' });
}

/** @internal A node label value (may be empty): the Kubernetes rule in ../validation. */
export function labelValue(value: string, field: string): Finding | undefined {
  const violation = k8sLabelValue(value, field);
  return errorAt(field, value, violation && { ...violation, fix: 'use the node label value exactly' });
}

/** @internal A service-account token audience for `CSIDriver.spec.tokenRequests`. */
export function audience(value: string, field: string): Finding | undefined {
  if (value.trim().length > 0 && value.trim() === value) return undefined;
  return errorAt(field, value, { rule: 'must be a non-empty audience without surrounding whitespace', fix: 'use e.g. "api://AKSIdentityBinding"' });
}

/** @internal A command-line flag value: one line. */
export function singleLine(value: string, field: string): Finding | undefined {
  if (value.length > 0 && !/[\r\n\u0000]/.test(value)) return undefined;
  return errorAt(field, value, { rule: 'must be a non-empty single line', fix: 'remove line breaks' });
}

/** @internal An environment variable name (the portable C-identifier-like form Kubernetes has always accepted). */
export function envName(value: string, field: string): Finding | undefined {
  if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)) return undefined;
  return errorAt(field, value, { rule: 'must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit', fix: 'use e.g. "HTTPS_PROXY"' });
}

/** @internal A scheduling preference weight. */
export function weight(value: number, field: string): Finding | undefined {
  if (Number.isInteger(value) && value >= 1 && value <= 100) return undefined;
  return errorAt(field, value, { rule: 'must be an integer weight from 1 to 100', fix: 'use e.g. 50' });
}

/** @internal A DaemonSet `maxUnavailable`: a positive count or a percentage from 1% to 100%. */
export function maxUnavailable(value: number | string, field: string): Finding | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 2147483647) return undefined;
  if (typeof value === 'string') {
    const match = /^(\d+)%$/.exec(value);
    if (match && Number(match[1]) >= 1 && Number(match[1]) <= 100) return undefined;
  }
  return errorAt(field, value, { rule: 'must be a positive whole number of pods or a whole percentage from 1 to 100 (a DaemonSet with 0 cannot roll)', fix: 'use PercentOrAbsolute.absolute(1) (the charts\' default) or PercentOrAbsolute.percent(10)' });
}

/** @internal A container image pull policy (what `ImagePullPolicy` of any cdk8s-plus holds). */
export function imagePullPolicy(value: string, field: string): Finding | undefined {
  if (['IfNotPresent', 'Always', 'Never'].includes(value)) return undefined;
  return errorAt(field, value, { rule: 'must be "IfNotPresent", "Always" or "Never"', fix: 'use e.g. "IfNotPresent" (the default) or ImagePullPolicy.ALWAYS' });
}

/**
 * @internal
 * The DNS policy of the provider pods (what `DnsPolicy` of any cdk8s-plus holds), without "None":
 * a pod with it needs a `dnsConfig`, which the provider pods do not have.
 */
export function providerDnsPolicy(value: string, field: string): Finding | undefined {
  if (['ClusterFirstWithHostNet', 'ClusterFirst', 'Default'].includes(value)) return undefined;
  const rule = value === 'None'
    ? '"None" needs a pod dnsConfig, which the provider pods do not have'
    : 'must be "ClusterFirstWithHostNet", "ClusterFirst" or "Default"';
  return errorAt(field, value, { rule, fix: 'use "ClusterFirstWithHostNet" (the default on the host network) or "ClusterFirst"' });
}

/**
 * @internal
 * An interval rendered as a Go duration: positive and a whole multiple of `unitMillis` (1000 for
 * intervals of minutes, where a fraction of a second is a unit mistake; 1 for timeouts).
 */
export function interval(millis: number, unitMillis: number, field: string, shown: string): Finding | undefined {
  if (Number.isFinite(millis) && millis > 0 && Number.isSafeInteger(millis / unitMillis)) return undefined;
  const unit = unitMillis === 1000 ? 'seconds' : 'milliseconds';
  return errorAt(field, shown, { rule: `must be a positive whole number of ${unit}`, fix: unitMillis === 1000 ? 'use e.g. Duration.minutes(2) or Duration.seconds(90)' : 'use e.g. Duration.seconds(5) or Duration.millis(500)' });
}
