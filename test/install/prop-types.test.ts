/**
 * Untyped callers (JavaScript, `as any`, the jsii languages) get the usual message — construct
 * path, field, value, rule, fix — for a prop of the wrong type, never a TypeError or a silently
 * wrong value. One table per props interface feeds a wrong type to every prop; the TypeScript
 * compiler lists each interface's props, so a prop added without a case fails the coverage test.
 */
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as ts from 'typescript';
import { AzureKeyVaultProvider, SecretsStoreCsiDriver } from '../../src';
import { errorOf, expectProblem, synth } from '../util';

/** A prop given a wrong value: the props passed, and the field, value, rule and fix the message names. */
interface Case {
  /** `Interface.prop`, e.g. "SecretRotationOptions.pollInterval". */
  readonly prop: string;
  readonly props: Record<string, unknown>;
  readonly field: string;
  readonly value: unknown;
  readonly rule: RegExp;
  readonly fix: RegExp;
}

const STRING = { rule: /^ is invalid: must be a string, not /, fix: /^pass a string, e.g. "/ };
const NUMBER = { rule: /^ is invalid: must be a number, not /, fix: /^pass a number, e.g. \d/ };
const BOOLEAN = { rule: /^ is invalid: must be true or false, not /, fix: /^pass true or false/ };
const LIST = { rule: /^ is invalid: must be a list(?: of strings)?, not /, fix: /^pass / };
const MAP = { rule: /^ is invalid: must be a map(?: of strings)?, not /, fix: /^pass e\.g\. \{ / };
const OBJECT = { rule: /^ is invalid: must be an object, not /, fix: /^pass e\.g\. / };
const REQUIRED = { rule: /^ is invalid: is required/, fix: /^pass / };
const DURATION = { rule: /^ is invalid: must be a Duration, not /, fix: /^use a cdk8s Duration, e\.g\. Duration\./ };
const MAP_VALUE = { rule: /^ is invalid: must be a string, not /, fix: /^quote the value, e\.g\. "true"/ };
const SIZE = { rule: /^ is invalid: must be a Size, not /, fix: /Size\.mebibytes\(128\)/ };

/** A top-level prop given `value`. */
function top(
  iface: string, prop: string, value: unknown, expected: { rule: RegExp; fix: RegExp }, ...at: [field: string, shown: unknown] | []
): Case {
  const [field, shown] = at.length ? at : [prop, value];
  return { prop: `${iface}.${prop}`, props: { [prop]: value }, field, value: shown, ...expected };
}

/** A nested prop: `props` holds it, `field` and `value` are what the message names. */
function nested(prop: string, props: Record<string, unknown>, field: string, value: unknown, expected: { rule: RegExp; fix: RegExp }): Case {
  return { prop, props, field, value, ...expected };
}

/** Props of InstallDaemonSetOptions, for either construct (`iface` names it). */
function daemonSetOptionCases(iface: string): Case[] {
  return [
    top(iface, 'commonLabels', ['team'], MAP),
    top(iface, 'podLabels', { team: true }, MAP_VALUE, 'podLabels["team"]', true),
    top(iface, 'podAnnotations', 'prometheus.io/scrape=true', MAP),
    top(iface, 'daemonSetAnnotations', { owner: 1 }, MAP_VALUE, 'daemonSetAnnotations["owner"]', 1),
    top(iface, 'imagePullPolicy', 1, STRING),
    top(iface, 'preferredNodeAffinity', { weight: 1 }, LIST),
    top(iface, 'podAffinity', 'app=web', LIST),
    top(iface, 'podAntiAffinity', [null], REQUIRED, 'podAntiAffinity[0]', null),
    top(iface, 'windowsNodeSelector', 'pool=win', MAP),
    top(iface, 'windowsTolerations', [{ tolerationSeconds: '60' }], NUMBER, 'windowsTolerations[0].tolerationSeconds', '60'),
    top(iface, 'windowsPriorityClassName', 1, STRING),
  ];
}

/** Props both constructs have with the same type. */
function installCases(iface: string): Case[] {
  return [
    ...daemonSetOptionCases(iface),
    top(iface, 'namespace', 42, STRING),
    top(iface, 'linux', 'yes', BOOLEAN),
    top(iface, 'windows', 1, BOOLEAN),
    top(iface, 'version', 1.6, STRING),
    top(iface, 'image', {}, STRING),
    top(iface, 'imagePullSecrets', 'registry-credentials', LIST),
    top(iface, 'logVerbosity', '2', NUMBER),
    top(iface, 'logFormatJson', 'true', BOOLEAN),
    top(iface, 'priorityClassName', null, STRING),
    top(iface, 'nodeSelector', { pool: 1 }, MAP_VALUE, 'nodeSelector["pool"]', 1),
    top(iface, 'tolerations', [{ key: 1 }], STRING, 'tolerations[0].key', 1),
    top(iface, 'requiredNodeAffinity', [{ key: 'pool' }], REQUIRED, 'requiredNodeAffinity[0].operator', undefined),
    top(iface, 'resources', { cpu: { limit: '200m' } }, { rule: OBJECT.rule, fix: /Cpu\.millis\(100\)/ }, 'resources.cpu.limit', '200m'),
    top(iface, 'windowsResources', { ephemeralStorage: { request: 1 } }, SIZE, 'windowsResources.ephemeralStorage.request', 1),
    top(iface, 'volumeMounts', '/etc/ssl', LIST),
    top(iface, 'windowsVolumeMounts', [{ path: 'C:\\ca' }], REQUIRED, 'windowsVolumeMounts[0].volume', undefined),
    top(iface, 'maxUnavailable', 1, { rule: /must be a PercentOrAbsolute, not a number/, fix: /PercentOrAbsolute\.absolute\(1\)/ }),
    top(iface, 'installRbac', 'no', BOOLEAN),
    top(iface, 'serviceAccountName', 1, STRING),
    top(iface, 'providersDir', false, STRING),
    top(iface, 'windowsProvidersDir', ['C:\\k'], STRING),
  ];
}

/** Nested option types shared by both constructs (through InstallDaemonSetOptions and the volume props). */
const NESTED_CASES: Case[] = [
  nested('InstallVolumeMount.volume', { volumeMounts: [{ volume: 'ca', path: '/ca' }] }, 'volumeMounts[0].volume', 'ca', OBJECT),
  nested('InstallVolumeMount.path', { volumeMounts: [{ volume: { name: 'ca', emptyDir: {} }, path: 1 }] }, 'volumeMounts[0].path', 1, STRING),
  nested('InstallVolumeMount.readOnly', { volumeMounts: [{ volume: { name: 'ca', emptyDir: {} }, path: '/ca', readOnly: 'no' }] }, 'volumeMounts[0].readOnly', 'no', BOOLEAN),
  nested('InstallVolumeMount.subPath', { volumeMounts: [{ volume: { name: 'ca', emptyDir: {} }, path: '/ca', subPath: 1 }] }, 'volumeMounts[0].subPath', 1, STRING),
  nested('PreferredNodeAffinity.weight', { preferredNodeAffinity: [{ weight: '50', labels: [] }] }, 'preferredNodeAffinity[0].weight', '50', NUMBER),
  nested('PreferredNodeAffinity.labels', { preferredNodeAffinity: [{ weight: 50, labels: 'pool=system' }] }, 'preferredNodeAffinity[0].labels', 'pool=system', LIST),
  nested('DaemonSetPodAffinity.labels', { podAffinity: [{ labels: 'app=web' }] }, 'podAffinity[0].labels', 'app=web', MAP),
  nested('DaemonSetPodAffinity.expressions', { podAffinity: [{ expressions: [{ key: 'app', operator: 1 }] }] }, 'podAffinity[0].expressions[0].operator', 1, STRING),
  nested('DaemonSetPodAffinity.namespaces', { podAntiAffinity: [{ labels: { app: 'web' }, namespaces: 'web' }] }, 'podAntiAffinity[0].namespaces', 'web', LIST),
  nested('DaemonSetPodAffinity.topology', { podAffinity: [{ labels: { app: 'web' }, topology: 'zone' }] }, 'podAffinity[0].topology', 'zone',
    { rule: OBJECT.rule, fix: /Topology\.ZONE/ }),
  nested('DaemonSetPodAffinity.weight', { podAffinity: [{ labels: { app: 'web' }, weight: '10' }] }, 'podAffinity[0].weight', '10', NUMBER),
];

const DRIVER = 'SecretsStoreCsiDriverProps';
const DRIVER_CASES: Case[] = [
  ...installCases(DRIVER),
  top(DRIVER, 'imageRegistry', ['myregistry.azurecr.io'], STRING),
  top(DRIVER, 'registrarImage', true, STRING),
  top(DRIVER, 'livenessProbeImage', 2, STRING),
  top(DRIVER, 'rotation', true, OBJECT),
  top(DRIVER, 'tokenAudiences', ['api://AKSIdentityBinding', 1], STRING, 'tokenAudiences[1]', 1),
  top(DRIVER, 'serviceAccountTokenInSecrets', 'true', BOOLEAN),
  top(DRIVER, 'syncSecrets', 0, BOOLEAN),
  top(DRIVER, 'legacyRbac', 'no', BOOLEAN),
  top(DRIVER, 'providerHealthCheck', 'false', BOOLEAN),
  top(DRIVER, 'providerHealthCheckInterval', 120, DURATION),
  top(DRIVER, 'metricsAddress', 8095, STRING),
  top(DRIVER, 'maxCallRecvMsgSize', '4MiB', NUMBER),
  top(DRIVER, 'kubeletRootDir', 1, STRING),
  top(DRIVER, 'windowsKubeletRootDir', 1, STRING),
  top(DRIVER, 'additionalProvidersDirs', '/etc/kubernetes/secrets-store-csi-providers', LIST),
  top(DRIVER, 'registrarResources', { memory: { limit: '100Mi' } }, SIZE, 'registrarResources.memory.limit', '100Mi'),
  top(DRIVER, 'livenessProbeResources', 'small', OBJECT),
  top(DRIVER, 'windowsRegistrarResources', [], OBJECT),
  top(DRIVER, 'windowsLivenessProbeResources', 5, OBJECT),
  top(DRIVER, 'installCrds', 'yes', BOOLEAN),
  top(DRIVER, 'aggregatedRoles', 'yes', BOOLEAN),
  top(DRIVER, 'automountServiceAccountToken', 'false', BOOLEAN),
  top(DRIVER, 'env', { HTTPS_PROXY: 'http://proxy:3128' }, { rule: /must be an EnvValue, not a string/, fix: /EnvValue\.fromValue/ },
    'env["HTTPS_PROXY"]', 'http://proxy:3128'),
  top(DRIVER, 'windowsEnv', 'HTTPS_PROXY=http://proxy:3128', MAP),
  top(DRIVER, 'registrarLogVerbosity', '5', NUMBER),
  top(DRIVER, 'livenessProbePort', '9808', NUMBER),
  top(DRIVER, 'livenessProbeLogVerbosity', true, NUMBER),
  nested('SecretRotationOptions.enabled', { rotation: { enabled: 'yes' } }, 'rotation.enabled', 'yes', BOOLEAN),
  nested('SecretRotationOptions.pollInterval', { rotation: { pollInterval: '2m' } }, 'rotation.pollInterval', '2m', DURATION),
  ...NESTED_CASES,
];

const PROVIDER = 'AzureKeyVaultProviderProps';
const PROVIDER_CASES: Case[] = [
  ...installCases(PROVIDER),
  top(PROVIDER, 'imageRepository', 1, STRING),
  top(PROVIDER, 'constructPemChain', 'false', BOOLEAN),
  top(PROVIDER, 'writeCertAndKeyInSeparateFiles', 1, BOOLEAN),
  top(PROVIDER, 'customUserAgent', 1, STRING),
  top(PROVIDER, 'healthzPort', '8989', NUMBER),
  top(PROVIDER, 'healthzPath', 1, STRING),
  top(PROVIDER, 'healthzTimeout', 5000, DURATION),
  top(PROVIDER, 'metricsPort', '8898', NUMBER),
  top(PROVIDER, 'privileged', 'true', BOOLEAN),
  top(PROVIDER, 'hostNetwork', 'false', BOOLEAN),
  top(PROVIDER, 'dnsPolicy', 0, STRING),
  top(PROVIDER, 'cloudEnvironmentFile', '/etc/kubernetes/custom_environment.json', OBJECT),
  nested('CloudEnvironmentFile.hostPath', { cloudEnvironmentFile: { mountPath: '/env.json' } }, 'cloudEnvironmentFile.hostPath', undefined, REQUIRED),
  nested('CloudEnvironmentFile.mountPath', { cloudEnvironmentFile: { hostPath: '/env.json', mountPath: 1 } }, 'cloudEnvironmentFile.mountPath', 1, STRING),
  ...NESTED_CASES,
];

let n = 0;
const newDriver = (props: unknown) => () => new SecretsStoreCsiDriver(new Chart(Testing.app(), `c${n++}`), 'driver', props as any);
const newProvider = (props: unknown) => () => new AzureKeyVaultProvider(new Chart(Testing.app(), `c${n++}`), 'provider', props as any);

describe('SecretsStoreCsiDriver: every prop of the wrong type', () => {
  test.each(DRIVER_CASES.map(c => [c.prop, c] as const))('%s', (_prop, c) => {
    const message = errorOf(newDriver(c.props));
    expect(message).not.toMatch(/TypeError|Cannot read|is not a function/);
    expectProblem(message, { path: `c${n - 1}/driver`, field: c.field, value: c.value, rule: c.rule, fix: c.fix });
  });
});

describe('AzureKeyVaultProvider: every prop of the wrong type', () => {
  test.each(PROVIDER_CASES.map(c => [c.prop, c] as const))('%s', (_prop, c) => {
    const message = errorOf(newProvider(c.props));
    expect(message).not.toMatch(/TypeError|Cannot read|is not a function/);
    expectProblem(message, { path: `c${n - 1}/provider`, field: c.field, value: c.value, rule: c.rule, fix: c.fix });
  });
});

describe('the props themselves', () => {
  test.each([['a string', 'windows'], ['a list', [{ windows: true }]], ['null', null]])('props as %s', (_kind, props) => {
    expectProblem(errorOf(newDriver(props)), { path: `c${n - 1}/driver`, field: 'props', value: props, ...OBJECT });
    expectProblem(errorOf(newProvider(props)), { path: `c${n - 1}/provider`, field: 'props', value: props, ...OBJECT });
  });

  test('values of the right type pass the type checks, whatever their origin (plain objects, cdk8s-plus classes)', () => {
    const chart = new Chart(Testing.app(), 'ok');
    expect(() => new SecretsStoreCsiDriver(chart, 'driver', {
      rotation: { enabled: true, pollInterval: Duration.minutes(3) },
      env: { A: { value: 'b' } as any },
      maxUnavailable: { value: '10%' } as any,
      volumeMounts: [{ volume: { name: 'ca', configMap: { name: 'ca-bundle' } }, path: '/ca' }],
    })).not.toThrow();
    expect(() => synth(chart)).not.toThrow();
  });
});

/** The props of an exported interface, inherited ones included, as the compiler sees them. */
function propsOf(program: ts.Program, name: string): string[] {
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(__dirname, '..', '..', 'src', 'index.ts'))!;
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(index)!).find(s => s.name === name);
  if (!symbol) throw new Error(`src/index.ts exports no ${name}`);
  const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol));
  return checker.getPropertiesOfType(type).map(p => `${name}.${p.name}`).sort();
}

test('the tables cover every prop of every props interface and nested option type', () => {
  const program = ts.createProgram([path.join(__dirname, '..', '..', 'src', 'index.ts')], { noEmit: true, skipLibCheck: true });
  const nestedIn = (cases: Case[], iface: string) => cases.map(c => c.prop).filter(p => p.startsWith(`${iface}.`)).sort();
  for (const iface of ['SecretRotationOptions', 'InstallVolumeMount', 'PreferredNodeAffinity', 'DaemonSetPodAffinity']) {
    expect(nestedIn(DRIVER_CASES, iface)).toEqual(propsOf(program, iface));
  }
  for (const iface of ['CloudEnvironmentFile', 'InstallVolumeMount', 'PreferredNodeAffinity', 'DaemonSetPodAffinity']) {
    expect(nestedIn(PROVIDER_CASES, iface)).toEqual(propsOf(program, iface));
  }
  expect(nestedIn(DRIVER_CASES, DRIVER)).toEqual(propsOf(program, DRIVER));
  expect(nestedIn(PROVIDER_CASES, PROVIDER)).toEqual(propsOf(program, PROVIDER));
});
