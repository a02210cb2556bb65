/**
 * An install written as a `cdk8s init typescript-app` user writes it: every scheduling, resource and
 * pod option a cdk8s-plus-33 value, typed as one (no literal that TypeScript could widen to the
 * library's own types). test/install/plus33.test.ts type-checks this file, so a prop type that
 * takes a nominal cdk8s-plus-27 type again fails the test, and synthesizes it.
 */
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { AzureKeyVaultProvider, SecretsStoreCsiDriver } from '../../src';

/** Synthesizes the driver and the provider into `chart` with cdk8s-plus-33 values. */
export function installWithPlus33(chart: Chart): { driver: SecretsStoreCsiDriver; provider: AzureKeyVaultProvider } {
  const tolerations: kplus.k8s.Toleration[] = [{ key: 'CriticalAddonsOnly', operator: 'Exists' }];
  const windowsTolerations: kplus.k8s.Toleration[] = [{ key: 'os', operator: 'Equal', value: 'windows', effect: 'NoSchedule' }];
  const systemPool: kplus.k8s.NodeSelectorRequirement[] = [{ key: 'kubernetes.azure.com/mode', operator: 'In', values: ['system'] }];
  const resources: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(300) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
  };
  const caBundle = kplus.Volume.fromConfigMap(chart, 'ca', kplus.ConfigMap.fromConfigMapName(chart, 'ca-map', 'ca-bundle'), { name: 'ca' });
  const certs: kplus.k8s.Volume = { name: 'certs', hostPath: { path: '/etc/ssl/certs', type: 'Directory' } };
  const shared = {
    tolerations,
    windowsTolerations,
    requiredNodeAffinity: systemPool,
    preferredNodeAffinity: [{ weight: 50, labels: systemPool }],
    podAntiAffinity: [{ expressions: [kplus.LabelExpression.in('app', ['legacy-csi'])], topology: kplus.Topology.ZONE, weight: 10 }],
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    maxUnavailable: kplus.PercentOrAbsolute.percent(10),
    windows: true,
  };

  const driver = new SecretsStoreCsiDriver(chart, 'driver', {
    ...shared,
    resources,
    windowsResources: resources,
    env: { HTTPS_PROXY: kplus.EnvValue.fromValue('http://proxy.example.com:3128') },
    volumeMounts: [{ volume: caBundle, path: '/etc/ssl/custom' }, { volume: certs, path: '/etc/ssl/certs' }],
  });
  const provider = new AzureKeyVaultProvider(chart, 'provider', {
    ...shared,
    resources,
    dnsPolicy: kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET,
    volumeMounts: [{ volume: caBundle, path: '/etc/ssl/custom' }],
  });
  return { driver, provider };
}
