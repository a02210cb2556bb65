/**
 * The install constructs fit a cdk8s-plus-33 app (what `cdk8s init typescript-app` installs): the
 * app in plus33-app.ts passes cdk8s-plus-33 tolerations, resources, affinity, pull policy, DNS
 * policy, update strategy, environment and volumes. jest does not type-check (ts-jest runs with
 * `isolatedModules`), so this test compiles the file with the TypeScript compiler, under the
 * strict options of a fresh cdk8s app, then synthesizes it.
 */
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as ts from 'typescript';
import { installWithPlus33 } from './plus33-app';
import { only, synth, validateManifests } from '../util';

const APP = path.join(__dirname, 'plus33-app.ts');

/** Diagnostics of `files` (path → source, or undefined to read it from disk), with a fresh cdk8s app's strictness. */
function typeErrors(files: Map<string, string | undefined>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noImplicitAny: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2017,
    lib: ['lib.es2016.d.ts'],
    types: ['node'],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version, ...rest) => files.get(name) !== undefined
    ? ts.createSourceFile(name, files.get(name)!, version)
    : getSourceFile.call(host, name, version, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = name => files.has(name) || fileExists.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.keys()].flatMap(name => {
    const file = program.getSourceFile(name)!;
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
      .map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  });
}

describe('a cdk8s-plus-33 app', () => {
  test('type-checks: every plus-33 value fits the install props', () => {
    expect(typeErrors(new Map([[APP, undefined]]))).toEqual([]);
  });

  test('the type check sees the props\' real types and would catch a regression to nominal cdk8s-plus-27 classes', () => {
    const probe = path.join(__dirname, 'plus33-probe.ts');
    const errors = typeErrors(new Map([[probe, [
      'import { Chart, Testing } from \'cdk8s\';',
      'import * as kplus27 from \'cdk8s-plus-27\';',
      'import * as kplus33 from \'cdk8s-plus-33\';',
      'import { SecretsStoreCsiDriver } from \'../../src\';',
      // What the props took before: a plus-33 value does not fit a plus-27 class with private members.
      'export const tolerations: kplus27.NodeTaintQuery[] = [kplus33.NodeTaintQuery.any()];',
      'export const affinity: kplus27.NodeLabelQuery[] = [kplus33.NodeLabelQuery.exists(\'gpu\')];',
      // The real props, given a value of the wrong shape: the check reads the library's types.
      'new SecretsStoreCsiDriver(new Chart(Testing.app(), \'c\'), \'d\', { tolerations: [kplus33.NodeTaintQuery.any()] });',
      '',
    ].join('\n')]]));
    expect(errors).toEqual([
      expect.stringMatching(/separate declarations of a private property/),
      expect.stringMatching(/separate declarations of a private property/),
      expect.stringMatching(/NodeTaintQuery.* is not assignable to type 'Toleration'/s),
    ]);
  });

  test('synthesizes valid manifests with the plus-33 values rendered', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'install');

    // WHEN
    installWithPlus33(chart);
    const manifests = synth(chart);

    // THEN
    validateManifests(manifests);
    const systemPool = { key: 'kubernetes.azure.com/mode', operator: 'In', values: ['system'] };
    for (const name of ['csi-secrets-store', 'csi-secrets-store-windows', 'csi-secrets-store-provider-azure', 'csi-secrets-store-provider-azure-windows']) {
      const daemonSet = only(manifests, 'DaemonSet', name);
      const pod = daemonSet.spec.template.spec;
      const windows = name.endsWith('-windows');
      expect(pod.tolerations).toEqual([windows
        ? { key: 'os', operator: 'Equal', value: 'windows', effect: 'NoSchedule' }
        : { key: 'CriticalAddonsOnly', operator: 'Exists' }]);
      expect(pod.affinity.nodeAffinity).toEqual({
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [systemPool] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [systemPool] } }],
      });
      expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{
        weight: 10,
        podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['legacy-csi'] }] }, topologyKey: 'topology.kubernetes.io/zone' },
      }]);
      expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } });
      for (const container of pod.containers) expect(container.imagePullPolicy).toBe('Always');
    }
    const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '300m', memory: '256Mi' } };
    const driver = only(manifests, 'DaemonSet', 'csi-secrets-store').spec.template.spec;
    const driverContainer = driver.containers.find((c: any) => c.name === 'secrets-store');
    expect(driverContainer.resources).toEqual(resources);
    expect(driverContainer.env[0]).toEqual({ name: 'HTTPS_PROXY', value: 'http://proxy.example.com:3128' });
    expect(driver.volumes.slice(-2)).toEqual([
      { name: 'ca', configMap: { name: 'ca-bundle' } },
      { name: 'certs', hostPath: { path: '/etc/ssl/certs', type: 'Directory' } },
    ]);
    expect(driverContainer.volumeMounts.slice(-2)).toEqual([
      { name: 'ca', mountPath: '/etc/ssl/custom', readOnly: true },
      { name: 'certs', mountPath: '/etc/ssl/certs', readOnly: true },
    ]);
    const windowsDriver = only(manifests, 'DaemonSet', 'csi-secrets-store-windows').spec.template.spec;
    expect(windowsDriver.containers.find((c: any) => c.name === 'secrets-store').resources).toEqual(resources);
    const provider = only(manifests, 'DaemonSet', 'csi-secrets-store-provider-azure').spec.template.spec;
    expect(provider.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(provider.containers[0].resources).toEqual(resources);
    expect(provider.volumes.slice(-1)).toEqual([{ name: 'ca', configMap: { name: 'ca-bundle' } }]);
  });
});
