import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, IdentityMode, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass,
} from '../../src';
import { errorOf, expectProblem, ofKind, only, parseObjects, podSpecOf, synth } from '../util';

// Parameters per mode and what each mode needs from the pod: https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/types/parameters.go,
// https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/auth/auth.go and https://github.com/Azure/secrets-store-csi-driver-provider-azure/tree/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/website/content/en/configurations/identity-access-modes.
// Token audiences: auth.go.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const CSI_VOLUME = {
  name: 'azure-kv',
  csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'azure-kv' } },
};
const MODE_FLAGS = ['usePodIdentity', 'useVMManagedIdentity', 'useAzureTokenProxy'];

/** A class "azure-kv" at "kv/spc" in a chart with `namespace` (none with `null`). */
function setup(identity: KeyVaultIdentity, namespace: string | null = 'demo') {
  const app = Testing.app();
  const chart = new Chart(app, 'kv', { namespace: namespace ?? undefined });
  const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'azure-kv' },
    keyVaultName: 'kvname',
    tenantId: TENANT_ID,
    identity,
    objects: [KeyVaultObject.secret('secret1')],
  });
  return { app, chart, spc };
}

/** A Deployment at "kv/app" running as ServiceAccount "workload" (or none, with `null`). */
function deployment(chart: Chart, serviceAccount: string | null = 'workload') {
  return new kplus.Deployment(chart, 'app', {
    serviceAccount: serviceAccount === null ? undefined : kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', serviceAccount),
    containers: [{ image: 'app' }],
  });
}

function parametersOf(manifests: any[]): Record<string, string> {
  return only(manifests, 'SecretProviderClass').spec.parameters;
}

describe('KeyVaultIdentity.identityBinding', () => {
  test('standalone, with the app\'s AksIdentityBinding: useAzureTokenProxy and clientID, and the pod\'s ServiceAccount granted', () => {
    // GIVEN
    const { chart, spc } = setup(KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }));
    new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });

    // WHEN
    spc.mount(deployment(chart));

    // THEN
    const manifests = synth(chart);
    expect(parametersOf(manifests)).toEqual({ keyvaultName: 'kvname', tenantID: TENANT_ID, useAzureTokenProxy: 'true', clientID: CLIENT_ID, objects: expect.any(String) });
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'workload', namespace: 'demo' }]);
    expect(podSpecOf(only(manifests, 'Deployment')).volumes).toEqual([CSI_VOLUME]);
    expect(manifests).toMatchSnapshot();
  });

  test('externallyManagedRbac: no ClusterRole or binding is needed or written', () => {
    // GIVEN no AksIdentityBinding in the app
    const { chart, spc } = setup(KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID, externallyManagedRbac: true }));

    // WHEN
    spc.mount(deployment(chart));

    // THEN
    const manifests = synth(chart);
    expect(parametersOf(manifests)).toEqual({ keyvaultName: 'kvname', tenantID: TENANT_ID, useAzureTokenProxy: 'true', clientID: CLIENT_ID, objects: expect.any(String) });
    expect(ofKind(manifests, 'ClusterRole')).toEqual([]);
    expect(ofKind(manifests, 'ClusterRoleBinding')).toEqual([]);
    expect(podSpecOf(only(manifests, 'Deployment')).serviceAccountName).toBe('workload');
    expect(manifests).toMatchSnapshot();
  });

  test('mode, client ID and the token audience api://AKSIdentityBinding', () => {
    const identity = KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID });
    expect(identity.mode).toBe(IdentityMode.IDENTITY_BINDING);
    expect(identity.clientId).toBe(CLIENT_ID);
    expect(identity.tokenAudience).toBe('api://AKSIdentityBinding');
  });

  test('fails to mount without an AksIdentityBinding for the client ID in the app', () => {
    const { chart, spc } = setup(KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }));
    spc.mount(deployment(chart));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/app', field: 'identity', value: CLIENT_ID, rule: /no AksIdentityBinding for this client ID/, fix: /new AksIdentityBinding.*externallyManagedRbac/,
    });
  });

  test('externallyManagedRbac: a pod without a ServiceAccount (the namespace\'s default) and without a namespace is fine', () => {
    const { chart, spc } = setup(KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID, externallyManagedRbac: true }), null);
    spc.mount(deployment(chart, null));
    expect(synth(chart).filter(m => m.kind.startsWith('ClusterRole'))).toEqual([]);
  });

  test('fails to mount into a pod with no ServiceAccount when the library grants', () => {
    const { chart, spc } = setup(KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }));
    new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    spc.mount(deployment(chart, null));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/app', field: 'serviceAccountName', value: undefined, rule: /the pod names no ServiceAccount/, fix: /give the workload a ServiceAccount/,
    });
  });

  test('fails to mount into a pod with no namespace (a ServiceAccount subject needs one)', () => {
    const { chart, spc } = setup(KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID }), null);
    new AksIdentityBinding(chart, 'mi', { clientId: CLIENT_ID });
    spc.mount(deployment(chart));
    expectProblem(errorOf(() => synth(chart)), {
      path: 'kv/app', field: 'metadata.namespace', value: undefined, rule: /the pod has no namespace/, fix: /namespace/,
    });
  });

  test('fails with a client ID that is not a GUID', () => {
    expectProblem(errorOf(() => setup(KeyVaultIdentity.identityBinding({ clientId: 'my-identity', externallyManagedRbac: true }))), {
      path: 'kv/spc', field: 'identity.clientId', value: 'my-identity', rule: /must be a GUID/, fix: /az identity show --query clientId/,
    });
  });
});

describe('KeyVaultIdentity.workloadIdentity', () => {
  test('clientID only, no mode flag; the pod runs as its ServiceAccount', () => {
    // GIVEN / WHEN
    const { chart, spc } = setup(KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }));
    spc.mount(deployment(chart));

    // THEN
    const manifests = synth(chart);
    expect(parametersOf(manifests)).toEqual({ keyvaultName: 'kvname', tenantID: TENANT_ID, clientID: CLIENT_ID, objects: expect.any(String) });
    expect(parseObjects(only(manifests, 'SecretProviderClass'))).toEqual([{ objectName: 'secret1', objectType: 'secret' }]);
    expect(podSpecOf(only(manifests, 'Deployment')).serviceAccountName).toBe('workload');
    expect(podSpecOf(only(manifests, 'Deployment')).volumes).toEqual([CSI_VOLUME]);
    // no webhook, label or RBAC needed (provider issues #1022, #952)
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'SecretProviderClass']);
    expect(manifests).toMatchSnapshot();
  });

  test('mode, client ID and the token audience api://AzureADTokenExchange', () => {
    const identity = KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID });
    expect(identity.mode).toBe(IdentityMode.WORKLOAD_IDENTITY);
    expect(identity.clientId).toBe(CLIENT_ID);
    expect(identity.tokenAudience).toBe('api://AzureADTokenExchange');
  });

  test('fails with a client ID that is not a GUID', () => {
    expectProblem(errorOf(() => setup(KeyVaultIdentity.workloadIdentity({ clientId: 'app-registration' }))), {
      path: 'kv/spc', field: 'identity.clientId', value: 'app-registration', rule: /must be a GUID/, fix: /az identity show/,
    });
  });

  test('a bad client ID\'s fix says where client IDs come from, not tenant IDs', () => {
    const message = errorOf(() => setup(KeyVaultIdentity.workloadIdentity({ clientId: 'app-registration' })));
    expectProblem(message, {
      path: 'kv/spc', field: 'identity.clientId', value: 'app-registration', rule: /must be a GUID/, fix: /^copy the client ID from `az identity show --query clientId` \(managed identity\) or `az ad app show --query appId`/,
    });
    expect(message).not.toMatch(/tenantId/);
  });

  test.each(['<client id>', '${CLIENT_ID}', '$CLIENT_ID', 'clientId'])('fails with the placeholder client ID %j, saying so', (clientId) => {
    expectProblem(errorOf(() => setup(KeyVaultIdentity.workloadIdentity({ clientId }))), {
      path: 'kv/spc', field: 'identity.clientId', value: clientId, rule: /looks like a placeholder/, fix: /az identity show --query clientId/,
    });
  });
});

describe('KeyVaultIdentity.vmManagedIdentity', () => {
  test('user-assigned: useVMManagedIdentity and userAssignedIdentityID, and no clientID', () => {
    const { chart, spc } = setup(KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: CLIENT_ID }));
    spc.mount(deployment(chart, null)); // no ServiceAccount needed

    const manifests = synth(chart);
    expect(parametersOf(manifests)).toEqual({
      keyvaultName: 'kvname', tenantID: TENANT_ID, useVMManagedIdentity: 'true', userAssignedIdentityID: CLIENT_ID, objects: expect.any(String),
    });
    // clientID would make the provider look for a workload identity token (auth.go's mode selection)
    expect(parametersOf(manifests)).not.toHaveProperty('clientID');
    expect(podSpecOf(only(manifests, 'Deployment')).volumes).toEqual([CSI_VOLUME]);
    expect(manifests).toMatchSnapshot();
  });

  test('system-assigned: useVMManagedIdentity only, no identity ID and no clientID', () => {
    const { chart, spc } = setup(KeyVaultIdentity.vmManagedIdentity());
    spc.mount(deployment(chart, null));

    const manifests = synth(chart);
    const parameters = parametersOf(manifests);
    expect(parameters.useVMManagedIdentity).toBe('true');
    expect(parameters.userAssignedIdentityID ?? '').toBe(''); // absent or "" both mean system-assigned
    expect(parameters).not.toHaveProperty('clientID');
    expect(Object.keys(parameters).sort()).toEqual(['keyvaultName', 'objects', 'tenantID', 'useVMManagedIdentity']);
    expect(manifests).toMatchSnapshot();
  });

  test('mode, client ID and no token audience', () => {
    const user = KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: CLIENT_ID });
    const system = KeyVaultIdentity.vmManagedIdentity();
    expect([user.mode, system.mode]).toEqual([IdentityMode.VM_MANAGED_IDENTITY, IdentityMode.VM_MANAGED_IDENTITY]);
    expect([user.clientId, system.clientId]).toEqual([CLIENT_ID, undefined]);
    expect([user.tokenAudience, system.tokenAudience]).toEqual([undefined, undefined]);
  });

  test('fails with a user-assigned client ID that is not a GUID', () => {
    expectProblem(errorOf(() => setup(KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: '/subscriptions/x/identity' }))), {
      path: 'kv/spc', field: 'identity.userAssignedClientId', value: '/subscriptions/x/identity', rule: /must be a GUID/, fix: /az identity show --query clientId/,
    });
  });
});

describe('KeyVaultIdentity.servicePrincipal', () => {
  test('no mode flag and no clientID; the volume passes the credentials Secret as nodePublishSecretRef', () => {
    const { chart, spc } = setup(KeyVaultIdentity.servicePrincipal({ secretName: 'secrets-store-creds' }));
    spc.mount(deployment(chart, null));

    const manifests = synth(chart);
    expect(parametersOf(manifests)).toEqual({ keyvaultName: 'kvname', tenantID: TENANT_ID, objects: expect.any(String) });
    expect(podSpecOf(only(manifests, 'Deployment')).volumes).toEqual([{
      name: 'azure-kv',
      csi: {
        driver: 'secrets-store.csi.k8s.io',
        readOnly: true,
        volumeAttributes: { secretProviderClass: 'azure-kv' },
        nodePublishSecretRef: { name: 'secrets-store-creds' },
      },
    }]);
    // the library never writes the credentials
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    expect(manifests).toMatchSnapshot();
  });

  test('nodePublishSecretRef in ApiObject workloads too', () => {
    const { chart, spc } = setup(KeyVaultIdentity.servicePrincipal({ secretName: 'secrets-store-creds' }));
    spc.mount(new kplus.k8s.KubeJob(chart, 'job', {
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job' }] } } },
    }));
    expect(podSpecOf(only(synth(chart), 'Job')).volumes[0].csi.nodePublishSecretRef).toEqual({ name: 'secrets-store-creds' });
  });

  test('mode, and no client ID or token audience', () => {
    const identity = KeyVaultIdentity.servicePrincipal({ secretName: 'secrets-store-creds' });
    expect(identity.mode).toBe(IdentityMode.SERVICE_PRINCIPAL);
    expect(identity.clientId).toBeUndefined();
    expect(identity.tokenAudience).toBeUndefined();
  });

  test('fails with a Secret name that is not a DNS-1123 subdomain', () => {
    expectProblem(errorOf(() => setup(KeyVaultIdentity.servicePrincipal({ secretName: 'Secrets_Store' }))), {
      path: 'kv/spc', field: 'identity.secretName', value: 'Secrets_Store', rule: /DNS-1123 subdomain/, fix: /app-secrets/,
    });
  });
});

describe('KeyVaultIdentity.podIdentity', () => {
  test('usePodIdentity and no clientID; the aadpodidbinding label goes on the pod template, not on the Deployment', () => {
    // GIVEN
    const { chart, spc } = setup(KeyVaultIdentity.podIdentity({ selector: 'kv-reader' }));
    const workload = new kplus.Deployment(chart, 'app', { metadata: { labels: { app: 'web' } }, containers: [{ image: 'app' }] });

    // WHEN
    spc.mount(workload);

    // THEN
    const manifests = synth(chart);
    expect(parametersOf(manifests)).toEqual({ keyvaultName: 'kvname', tenantID: TENANT_ID, usePodIdentity: 'true', objects: expect.any(String) });
    const deploymentManifest = only(manifests, 'Deployment');
    expect(deploymentManifest.spec.template.metadata.labels.aadpodidbinding).toBe('kv-reader');
    expect(deploymentManifest.metadata.labels).toEqual({ app: 'web' });
    expect(deploymentManifest.spec.selector.matchLabels).not.toHaveProperty('aadpodidbinding');
    expect(manifests).toMatchSnapshot();
  });

  test('on a cdk8s-plus Pod the label is on the Pod itself', () => {
    const { chart, spc } = setup(KeyVaultIdentity.podIdentity({ selector: 'kv-reader' }));
    spc.mount(new kplus.Pod(chart, 'pod', { containers: [{ image: 'app' }] }));
    expect(only(synth(chart), 'Pod').metadata.labels.aadpodidbinding).toBe('kv-reader');
  });

  const POD_TEMPLATE = { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'app' }] } };
  test.each<[string, (c: Chart) => ApiObject, (manifest: any) => any, Record<string, string>]>([
    ['KubePod with labels', c => new kplus.k8s.KubePod(c, 'w', { metadata: { labels: { app: 'web' } }, spec: POD_TEMPLATE.spec }),
      m => m, { app: 'web', aadpodidbinding: 'kv-reader' }],
    ['KubePod without labels', c => new kplus.k8s.KubePod(c, 'w', { spec: POD_TEMPLATE.spec }),
      m => m, { aadpodidbinding: 'kv-reader' }],
    ['KubeDeployment with template labels', c => new kplus.k8s.KubeDeployment(c, 'w', {
      metadata: { labels: { owner: 'me' } },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: POD_TEMPLATE.spec } },
    }), m => m.spec.template, { app: 'web', aadpodidbinding: 'kv-reader' }],
    ['Deployment with no template metadata', c => new ApiObject(c, 'w', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { labels: { owner: 'me' } },
      spec: { selector: { matchLabels: { app: 'web' } }, template: POD_TEMPLATE },
    }), m => m.spec.template, { aadpodidbinding: 'kv-reader' }],
    ['KubeCronJob with template annotations only', c => new kplus.k8s.KubeCronJob(c, 'w', {
      metadata: { labels: { owner: 'me' } },
      spec: { schedule: '@hourly', jobTemplate: { spec: { template: { metadata: { annotations: { a: 'b' } }, spec: POD_TEMPLATE.spec } } } },
    }), m => m.spec.jobTemplate.spec.template, { aadpodidbinding: 'kv-reader' }],
  ])('mount() on a %s labels the pod template, keeping its other metadata', (_kind, build, templateOf, labels) => {
    // GIVEN
    const { chart, spc } = setup(KeyVaultIdentity.podIdentity({ selector: 'kv-reader' }));
    const workload = build(chart);
    const before = workload.toJson();

    // WHEN
    spc.mount(workload);

    // THEN the template has exactly the old labels plus aadpodidbinding, and everything else as before
    const manifest = only(synth(chart), workload.kind);
    const template = templateOf(manifest);
    expect(template.metadata.labels).toEqual(labels);
    expect({ ...template.metadata, labels: undefined }).toEqual({ ...templateOf(before).metadata, labels: undefined });
    if (template !== manifest) expect(manifest.metadata).toEqual(before.metadata); // the workload itself is not labelled
    expect(manifest.spec.selector).toEqual(before.spec.selector);
    expect(podSpecOf(manifest).volumes).toEqual([CSI_VOLUME]);
  });

  test('mode, and no client ID or token audience', () => {
    const identity = KeyVaultIdentity.podIdentity({ selector: 'kv-reader' });
    expect(identity.mode).toBe(IdentityMode.POD_IDENTITY);
    expect(identity.clientId).toBeUndefined();
    expect(identity.tokenAudience).toBeUndefined();
  });

  test.each(['kv reader', '', '-kv', 'a'.repeat(64)])('fails with the selector %j (not a label value)', (selector) => {
    expectProblem(errorOf(() => setup(KeyVaultIdentity.podIdentity({ selector }))), {
      path: 'kv/spc', field: 'identity.selector', value: selector, rule: /label value/, fix: /AzureIdentityBinding selector/,
    });
  });
});

describe('every identity', () => {
  const identities: [string, KeyVaultIdentity][] = [
    ['identity binding', KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID, externallyManagedRbac: true })],
    ['workload identity', KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID })],
    ['user-assigned VM identity', KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: CLIENT_ID })],
    ['system-assigned VM identity', KeyVaultIdentity.vmManagedIdentity()],
    ['service principal', KeyVaultIdentity.servicePrincipal({ secretName: 'creds' })],
    ['pod identity', KeyVaultIdentity.podIdentity({ selector: 'kv-reader' })],
  ];

  test.each(identities)('%s turns on at most one mode flag, as "true" (the provider rejects two)', (_name, identity) => {
    const { chart } = setup(identity);
    const parameters = parametersOf(synth(chart));
    const on = MODE_FLAGS.filter(flag => flag in parameters);
    expect(on.length).toBeLessThanOrEqual(1);
    for (const flag of on) expect(parameters[flag]).toBe('true');
    expect(parameters.tenantID).toBe(TENANT_ID);
    expect(parameters).not.toHaveProperty('tenantId');
  });

  test('clientID is written exactly for identity binding and workload identity', () => {
    const withClientId = identities.filter(([, identity]) => 'clientID' in parametersOf(synth(setup(identity).chart))).map(([name]) => name);
    expect(withClientId).toEqual(['identity binding', 'workload identity']);
  });
});
