/**
 * The install props that take Kubernetes shapes (tolerations, node and label selector requirements,
 * volumes) and strings for cdk8s-plus enums (pull policy, DNS policy) are checked as the API
 * server checks them, and cdk8s-plus objects an untyped caller passes instead are written as they
 * render themselves.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AzureKeyVaultProvider, AzureKeyVaultProviderProps, SecretsStoreCsiDriver, SecretsStoreCsiDriverProps } from '../../src';
import { errorOf, expectProblem, only, synth, validateManifests } from '../util';

let n = 0;
const driverChart = (props: SecretsStoreCsiDriverProps) => {
  const chart = new Chart(Testing.app(), `c${n++}`);
  new SecretsStoreCsiDriver(chart, 'driver', props);
  return chart;
};
const driverFails = (props: SecretsStoreCsiDriverProps, field: string, value: unknown, rule: RegExp, fix: RegExp) =>
  expectProblem(errorOf(() => driverChart(props)), { path: `c${n - 1}/driver`, field, value, rule, fix });
const providerFails = (props: AzureKeyVaultProviderProps, field: string, value: unknown, rule: RegExp, fix: RegExp) =>
  expectProblem(errorOf(() => new AzureKeyVaultProvider(new Chart(Testing.app(), `c${n++}`), 'provider', props)), { path: `c${n - 1}/provider`, field, value, rule, fix });
const driverPod = (chart: Chart, name = 'csi-secrets-store') => only(synth(chart), 'DaemonSet', name).spec.template.spec;

describe('tolerations', () => {
  test.each([
    ['no key needs Exists', { operator: 'Equal' }, 'operator', 'Equal', /without `key` must have operator "Exists"/, /give the taint key, or use \{ operator: "Exists" \}/],
    ['no key, no operator (Equal by default)', { value: 'x' }, 'operator', null, /without `key` must have operator "Exists"/, /operator: "Exists"/],
    ['Exists with a value', { key: 'dedicated', operator: 'Exists', value: 'x' }, 'value', 'x', /must be empty when `operator` is "Exists"/, /remove value, or use operator "Equal"/],
    ['an unknown operator', { key: 'dedicated', operator: 'In' }, 'operator', 'In', /must be one of "Exists", "Equal"/, /"Exists"/],
    ['a bad key', { key: 'a b', operator: 'Exists' }, 'key', 'a b', /label key/, /agentpool/],
    ['a bad value', { key: 'dedicated', value: 'x y' }, 'value', 'x y', /label value/, /taint value exactly/],
    ['an unknown effect', { operator: 'Exists', effect: 'NoRun' }, 'effect', 'NoRun', /must be one of "NoSchedule", "PreferNoSchedule", "NoExecute", or empty/, /NoSchedule/],
    ['tolerationSeconds without NoExecute', { key: 'a', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }, 'tolerationSeconds', 60,
      /needs effect "NoExecute"/, /set effect: "NoExecute", or remove tolerationSeconds/],
  ])('%s', (_case, toleration, field, value, rule, fix) => {
    driverFails({ tolerations: [toleration] }, `tolerations[0].${field}`, value, rule, fix);
    providerFails({ windows: true, windowsTolerations: [{ operator: 'Exists' }, toleration] }, `windowsTolerations[1].${field}`, value, rule, fix);
  });

  test('valid tolerations are written with their own fields only', () => {
    const tolerations = [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', value: 'secrets' },
      { operator: 'Exists', effect: 'NoSchedule' },
    ];
    const chart = driverChart({ tolerations: tolerations.map(t => ({ ...t, comment: 'ignored' })) as any });
    expect(driverPod(chart).tolerations).toEqual(tolerations);
  });

  test('a cdk8s-plus NodeTaintQuery from an untyped caller is written as it renders itself, tolerationSeconds included', () => {
    const query = kplus.NodeTaintQuery.is('dedicated', 'secrets', { effect: kplus.TaintEffect.NO_EXECUTE, evictAfter: Duration.minutes(5) });
    const chart = driverChart({ tolerations: [query as any] });
    expect(driverPod(chart).tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'secrets', effect: 'NoExecute', tolerationSeconds: 300 }]);
  });
});

describe('node and label selector requirements', () => {
  test.each([
    ['In without values', { key: 'pool', operator: 'In' }, 'values', [], /operator "In" needs at least one value/, /operator "Exists"/],
    ['Exists with values', { key: 'gpu', operator: 'Exists', values: ['x'] }, 'values', ['x'], /must be empty with operator "Exists"/, /remove values/],
    ['Gt with a word', { key: 'cores', operator: 'Gt', values: ['many'] }, 'values', ['many'], /operator "Gt" needs exactly one value, an integer/, /\["3"\]/],
    ['an unknown operator', { key: 'pool', operator: 'Matches', values: ['a'] }, 'operator', 'Matches',
      /must be one of "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"/, /operator: "In"/],
    ['a bad key', { key: 'a b', operator: 'Exists' }, 'key', 'a b', /label key/, /agentpool/],
    ['a bad value', { key: 'pool', operator: 'NotIn', values: ['ok', 'a b'] }, 'values[1]', 'a b', /label value/, /use the node label value exactly/],
  ])('node affinity: %s', (_case, requirement, field, value, rule, fix) => {
    driverFails({ requiredNodeAffinity: [requirement] }, `requiredNodeAffinity[0].${field}`, value, rule, fix);
    providerFails({ preferredNodeAffinity: [{ weight: 1, labels: [requirement] }] }, `preferredNodeAffinity[0].labels[0].${field}`, value, rule, fix);
  });

  test('pod affinity expressions take the label selector operators only', () => {
    driverFails({ podAffinity: [{ expressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }] }, 'podAffinity[0].expressions[0].operator', 'Gt',
      /must be one of "In", "NotIn", "Exists", "DoesNotExist"\.$/, /operator: "In"/);
    driverFails({ podAffinity: [{ expressions: [{ key: 'app', operator: 'In', values: ['a b'] }] }] }, 'podAffinity[0].expressions[0].values[0]', 'a b',
      /label value/, /use the pod label value exactly/);
    driverFails({ podAntiAffinity: [{ expressions: [{ key: 'app', operator: 'NotIn' }] }] }, 'podAntiAffinity[0].expressions[0].values', [],
      /needs at least one value/, /list the label values/);
  });

  test('Gt and Lt with one integer are written as given', () => {
    const cores = { key: 'cores', operator: 'Gt', values: ['3'] };
    const pod = driverPod(driverChart({ requiredNodeAffinity: [cores] }));
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [cores] }]);
  });
});

describe('pull policy and DNS policy (strings, as cdk8s-plus enums hold them)', () => {
  test('imagePullPolicy', () => {
    driverFails({ imagePullPolicy: 'always' }, 'imagePullPolicy', 'always', /must be "IfNotPresent", "Always" or "Never"/, /"IfNotPresent"/);
    providerFails({ imagePullPolicy: '' }, 'imagePullPolicy', '', /must be "IfNotPresent", "Always" or "Never"/, /ImagePullPolicy\.ALWAYS/);
    const pod = driverPod(driverChart({ imagePullPolicy: 'Never' }));
    expect(pod.containers.map((c: any) => c.imagePullPolicy)).toEqual(['Never', 'Never', 'Never']);
  });

  test('dnsPolicy: the pod values but "None", which needs a dnsConfig the provider pods do not have', () => {
    providerFails({ dnsPolicy: 'None' }, 'dnsPolicy', 'None', /"None" needs a pod dnsConfig, which the provider pods do not have/, /ClusterFirstWithHostNet/);
    providerFails({ dnsPolicy: 'ClusterFirstWithHostnet' }, 'dnsPolicy', 'ClusterFirstWithHostnet',
      /must be "ClusterFirstWithHostNet", "ClusterFirst" or "Default"/, /ClusterFirstWithHostNet/);
  });
});

describe('volumes', () => {
  test('a volume without a source is refused (Kubernetes would mount an empty directory)', () => {
    driverFails({ volumeMounts: [{ volume: { name: 'ca' }, path: '/ca' }] }, 'volumeMounts[0].volume', { name: 'ca' },
      /names no volume source \(Kubernetes would mount an empty directory\)/, /configMap: \{ name: "ca-bundle" \}/);
  });

  test('one name given twice: one volume when the definitions agree (in any key order), an error when they differ', () => {
    const pod = driverPod(driverChart({
      volumeMounts: [
        { volume: { name: 'ca', configMap: { name: 'ca-bundle', optional: true } }, path: '/ca' },
        { volume: { configMap: { optional: true, name: 'ca-bundle' }, name: 'ca' }, path: '/etc/ssl/ca', subPath: 'ca.crt' },
      ],
    }));
    expect(pod.volumes.filter((v: any) => v.name === 'ca')).toEqual([{ name: 'ca', configMap: { name: 'ca-bundle', optional: true } }]);
    expect(pod.containers[1].volumeMounts.slice(-2)).toEqual([
      { name: 'ca', mountPath: '/ca', readOnly: true },
      { name: 'ca', mountPath: '/etc/ssl/ca', readOnly: true, subPath: 'ca.crt' },
    ]);
    driverFails({
      volumeMounts: [
        { volume: { name: 'ca', configMap: { name: 'ca-bundle' } }, path: '/ca' },
        { volume: { name: 'ca', secret: { secretName: 'ca-bundle' } }, path: '/ca2' },
      ],
    }, 'volumeMounts[1].volume', 'ca', /another volume of the driver pod has this name/, /another name/);
  });

  test('a cdk8s-plus Volume (it fits the k8s.Volume shape) is written as it renders itself', () => {
    const chart = new Chart(Testing.app(), 'plus');
    const scratch = kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch', { sizeLimit: undefined });
    new SecretsStoreCsiDriver(chart, 'driver', { volumeMounts: [{ volume: scratch, path: '/scratch', readOnly: false }] });
    const manifests = synth(chart);
    validateManifests(manifests);
    expect(only(manifests, 'DaemonSet').spec.template.spec.volumes.slice(-1)).toEqual([{ name: 'scratch', emptyDir: {} }]);
  });
});
