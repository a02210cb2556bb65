import { Duration, Size } from 'cdk8s';
import { kubeShape } from './kube-shape';
import { error, Finding } from '../rules/model';
import {
  booleanRule, instanceRule, kindOf, listOf, mapOf, normalizedBy, numberRule, objectOf, requiredOf,
  stringListRule, stringMapRule, stringRule, TypeRule,
} from '../rules/types';

/**
 * The install constructs' props as untyped callers may pass them (JavaScript, `as any`, the jsii
 * languages): one declarative table per props interface, every prop and nested option with the
 * type it must have. The construct checks its props against it before reading any of them, so a
 * wrong type gets the usual message instead of a TypeError or a silently wrong value. The value
 * rules (ranges, formats, combinations) come after, in the settings checks.
 *
 * Classes of cdk8s-plus (`Cpu`, `EnvValue`, `PercentOrAbsolute`, `Topology`) are checked by their
 * public shape, so that those of any cdk8s-plus version pass; cdk8s's own `Duration` and `Size`
 * by class (there is one cdk8s per app).
 */

const duration = instanceRule(Duration, 'a cdk8s Duration, e.g. Duration.minutes(2)');
const size = instanceRule(Size, 'a cdk8s Size, e.g. Size.mebibytes(128)');
const cpu = objectOf({ amount: requiredOf(stringRule('100m'), 'Cpu.millis(100)') }, 'Cpu.millis(100)');
const requestAndLimit = (rule: TypeRule, example: string) => objectOf({ request: rule, limit: rule }, example);

/** `ContainerResources` of any cdk8s-plus. */
const resources = objectOf({
  cpu: requestAndLimit(cpu, '{ request: Cpu.millis(100), limit: Cpu.millis(200) }'),
  memory: requestAndLimit(size, '{ request: Size.mebibytes(128), limit: Size.mebibytes(256) }'),
  ephemeralStorage: requestAndLimit(size, '{ limit: Size.gibibytes(1) }'),
}, '{ cpu: { request: Cpu.millis(100) }, memory: { limit: Size.mebibytes(256) } }');

/** `PercentOrAbsolute` of any cdk8s-plus: its `value` is a count or a "N%" string. */
const maxUnavailable: TypeRule = (value, field) => {
  const inner = (value as { value?: unknown } | undefined)?.value;
  if (value === undefined || (typeof value === 'object' && (typeof inner === 'number' || typeof inner === 'string'))) return undefined;
  return error(field, value, `must be a PercentOrAbsolute, not ${kindOf(value)}`, 'use PercentOrAbsolute.absolute(1) or PercentOrAbsolute.percent(10)');
};

/** `EnvValue` of any cdk8s-plus: a string `value` or a `valueFrom` source. */
const envValue: TypeRule = (value, field) => {
  const { value: text, valueFrom } = (value ?? {}) as { value?: unknown; valueFrom?: unknown };
  if (typeof value === 'object' && value !== null && (typeof text === 'string' || (typeof valueFrom === 'object' && valueFrom !== null))) return undefined;
  return error(field, value, `must be an EnvValue, not ${kindOf(value)}`, 'use EnvValue.fromValue("…") or another EnvValue factory of cdk8s-plus');
};

/** A `k8s.Toleration` (a cdk8s-plus NodeTaintQuery is read as the toleration it renders). */
const toleration = normalizedBy(kubeShape, objectOf({
  key: stringRule('CriticalAddonsOnly'),
  operator: stringRule('Exists'),
  value: stringRule('system'),
  effect: stringRule('NoSchedule'),
  tolerationSeconds: numberRule(300),
}, '{ key: "CriticalAddonsOnly", operator: "Exists" }'));

/** A `k8s.NodeSelectorRequirement` or `k8s.LabelSelectorRequirement`. */
const requirement = (example: { key: string; operator: string; values: string[] }) => {
  const shown = `{ key: ${JSON.stringify(example.key)}, operator: ${JSON.stringify(example.operator)}, values: ${JSON.stringify(example.values)} }`;
  return objectOf({
    key: requiredOf(stringRule(example.key), JSON.stringify(example.key)),
    operator: requiredOf(stringRule(example.operator), JSON.stringify(example.operator)),
    values: stringListRule(example.values[0]),
  }, shown);
};
const nodeRequirements = listOf(requirement({ key: 'agentpool', operator: 'In', values: ['system'] }), 'node selector requirements');

const preferredNodeAffinity = listOf(objectOf({
  weight: requiredOf(numberRule(50), '50'),
  labels: requiredOf(nodeRequirements, '[{ key: "agentpool", operator: "In", values: ["system"] }]'),
}, '{ weight: 50, labels: [{ key: "agentpool", operator: "In", values: ["system"] }] }'), 'node preferences { weight, labels }');

const podAffinity = listOf(objectOf({
  labels: stringMapRule('app: "web"'),
  expressions: listOf(requirement({ key: 'app', operator: 'In', values: ['web'] }), 'label selector requirements'),
  namespaces: stringListRule('kube-system'),
  topology: objectOf({ key: requiredOf(stringRule('topology.kubernetes.io/zone'), 'Topology.ZONE') }, 'Topology.ZONE'),
  weight: numberRule(50),
}, '{ labels: { app: "web" } }'), 'pod affinity terms { labels, expressions, namespaces, topology, weight }');

/** An `InstallVolumeMount` (a cdk8s-plus Volume is read as the volume it renders). */
const volumeMounts = listOf(objectOf({
  volume: requiredOf(normalizedBy(kubeShape, objectOf({ name: requiredOf(stringRule('ca'), '"ca"') },
    '{ name: "ca", configMap: { name: "ca-bundle" } }')), '{ name: "ca", configMap: { name: "ca-bundle" } }'),
  path: requiredOf(stringRule('/etc/ssl/custom'), '"/etc/ssl/custom"'),
  readOnly: booleanRule,
  subPath: stringRule('ca.crt'),
}, '{ volume: { name: "ca", configMap: { name: "ca-bundle" } }, path: "/etc/ssl/custom" }'), 'volume mounts { volume, path }');

const tolerations = listOf(toleration, 'tolerations, e.g. { operator: "Exists" }');
const labels = stringMapRule('team: "platform"');

/** `InstallDaemonSetOptions`: the options both constructs share. */
const DAEMONSET_OPTIONS: { readonly [prop: string]: TypeRule } = {
  commonLabels: labels,
  podLabels: labels,
  podAnnotations: stringMapRule('"prometheus.io/scrape": "true"'),
  daemonSetAnnotations: stringMapRule('"example.com/owner": "platform"'),
  imagePullPolicy: stringRule('IfNotPresent'),
  preferredNodeAffinity,
  podAffinity,
  podAntiAffinity: podAffinity,
  windowsNodeSelector: stringMapRule('"kubernetes.azure.com/os-sku": "Windows2022"'),
  windowsTolerations: tolerations,
  windowsPriorityClassName: stringRule('system-node-critical'),
};

/** The props of both constructs with the same meaning and type. */
const INSTALL_PROPS: { readonly [prop: string]: TypeRule } = {
  ...DAEMONSET_OPTIONS,
  namespace: stringRule('kube-system'),
  linux: booleanRule,
  windows: booleanRule,
  version: stringRule('v1.6.0'),
  image: stringRule('myregistry.azurecr.io/csi-secrets-store/driver:v1.6.0'),
  imagePullSecrets: stringListRule('registry-credentials'),
  logVerbosity: numberRule(2),
  logFormatJson: booleanRule,
  priorityClassName: stringRule('system-node-critical'),
  nodeSelector: stringMapRule('agentpool: "system"'),
  tolerations,
  requiredNodeAffinity: nodeRequirements,
  resources,
  windowsResources: resources,
  volumeMounts,
  windowsVolumeMounts: volumeMounts,
  maxUnavailable,
  installRbac: booleanRule,
  serviceAccountName: stringRule('secrets-store-csi-driver'),
  providersDir: stringRule('/var/run/secrets-store-csi-providers'),
  windowsProvidersDir: stringRule('C:\\k\\secrets-store-csi-providers'),
};

const DRIVER_PROPS = objectOf({
  ...INSTALL_PROPS,
  imageRegistry: stringRule('myregistry.azurecr.io'),
  registrarImage: stringRule('registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.16.0'),
  livenessProbeImage: stringRule('registry.k8s.io/sig-storage/livenessprobe:v2.18.0'),
  rotation: objectOf({ enabled: booleanRule, pollInterval: duration }, '{ enabled: true, pollInterval: Duration.minutes(2) }'),
  tokenAudiences: stringListRule('api://AKSIdentityBinding'),
  serviceAccountTokenInSecrets: booleanRule,
  syncSecrets: booleanRule,
  legacyRbac: booleanRule,
  providerHealthCheck: booleanRule,
  providerHealthCheckInterval: duration,
  metricsAddress: stringRule(':8095'),
  maxCallRecvMsgSize: numberRule(4194304),
  kubeletRootDir: stringRule('/var/lib/kubelet'),
  windowsKubeletRootDir: stringRule('C:\\var\\lib\\kubelet'),
  additionalProvidersDirs: stringListRule('/etc/kubernetes/secrets-store-csi-providers'),
  registrarResources: resources,
  livenessProbeResources: resources,
  windowsRegistrarResources: resources,
  windowsLivenessProbeResources: resources,
  installCrds: booleanRule,
  aggregatedRoles: booleanRule,
  automountServiceAccountToken: booleanRule,
  env: mapOf(envValue, 'HTTPS_PROXY: EnvValue.fromValue("http://proxy:3128")'),
  windowsEnv: mapOf(envValue, 'HTTPS_PROXY: EnvValue.fromValue("http://proxy:3128")'),
  registrarLogVerbosity: numberRule(5),
  livenessProbePort: numberRule(9808),
  livenessProbeLogVerbosity: numberRule(2),
}, '{ windows: true }');

const PROVIDER_PROPS = objectOf({
  ...INSTALL_PROPS,
  version: stringRule('v1.8.2'),
  image: stringRule('myregistry.azurecr.io/provider-azure:v1.8.2'),
  serviceAccountName: stringRule('csi-secrets-store-provider-azure'),
  imageRepository: stringRule('myregistry.azurecr.io/provider-azure'),
  constructPemChain: booleanRule,
  writeCertAndKeyInSeparateFiles: booleanRule,
  customUserAgent: stringRule('my-app/1.0'),
  healthzPort: numberRule(8989),
  healthzPath: stringRule('/healthz'),
  healthzTimeout: instanceRule(Duration, 'a cdk8s Duration, e.g. Duration.seconds(5)'),
  metricsPort: numberRule(8898),
  privileged: booleanRule,
  hostNetwork: booleanRule,
  dnsPolicy: stringRule('ClusterFirstWithHostNet'),
  cloudEnvironmentFile: objectOf({
    hostPath: requiredOf(stringRule('/etc/kubernetes/custom_environment.json'), '"/etc/kubernetes/custom_environment.json"'),
    mountPath: stringRule('/etc/kubernetes/custom_environment.json'),
  }, '{ hostPath: "/etc/kubernetes/custom_environment.json" }'),
}, '{ windows: true }');

/** @internal The first prop of a SecretsStoreCsiDriver's props with the wrong type. */
export function driverPropTypes(props: unknown): Finding | undefined {
  return DRIVER_PROPS(props, '');
}

/** @internal The first prop of an AzureKeyVaultProvider's props with the wrong type. */
export function providerPropTypes(props: unknown): Finding | undefined {
  return PROVIDER_PROPS(props, '');
}
