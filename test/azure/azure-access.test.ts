import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, AzureAccess, AzureAccessProps, GrantScope, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass,
  ObjectEncoding, ObjectFormat, VaultPermissionModel,
} from '../../src';
import { describeIfReference, errorOf, expectProblem, ofKind, only, synth } from '../util';

// What the objects must be: ASO's kinds (authorization.azure.com/v1api20220401 RoleAssignment,
// containerservice.azure.com/v20251002preview IdentityBinding, managedidentity.azure.com/v1api20230131
// FederatedIdentityCredential, https://github.com/Azure/azure-service-operator/tree/e7c90009c74756734e3eeb2adf8368e066c12e31/v2/api),
// validated against their pinned schemas by `synth()`; the built-in role GUIDs from
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLUSTER_CONTEXT_KEY = 'cdk8s-azure-keyvault-csi/cluster';
const SECRETS_USER = '/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6';
const READER = '/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2';
const CLIENT_ID_ANNOTATION = 'keyvault-csi.cdk8s.io/client-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const RG = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-apps/providers';
const APP_MI = { clientId: '11111111-1111-1111-1111-111111111111', principalId: 'aaaaaaaa-1111-1111-1111-111111111111', resourceId: `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/app-mi` };
const WORKER_MI = { clientId: '22222222-2222-2222-2222-222222222222', principalId: 'bbbbbbbb-2222-2222-2222-222222222222', resourceId: `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/worker-mi` };
const NODE_MI = { clientId: '33333333-3333-3333-3333-333333333333', principalId: 'cccccccc-3333-3333-3333-333333333333', resourceId: `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/aks-agentpool` };
const KV_APP = `${RG}/Microsoft.KeyVault/vaults/kv-app`;
const KV_SHARED = `${RG}/Microsoft.KeyVault/vaults/kv-shared`;
const EASTUS = { name: 'aks-eastus', resourceId: `${RG}/Microsoft.ContainerService/managedClusters/aks-eastus`, oidcIssuerUrl: 'https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/5a1b9d0e-2d0c-4e1f-9a3b-7c6d5e4f3a2b/' };
const WESTEUROPE = { name: 'aks-westeurope', resourceId: `${RG}/Microsoft.ContainerService/managedClusters/aks-westeurope` };

function clusterChart(app: App, cluster: string | undefined, namespace = 'shop', id = cluster ?? 'workloads'): Chart {
  const chart = new Chart(app, id, { namespace });
  if (cluster !== undefined) chart.node.setContext(CLUSTER_CONTEXT_KEY, cluster);
  return chart;
}

function newClass(chart: Chart, id: string, vault: string, identity: KeyVaultIdentity, objects: KeyVaultObject[]) {
  return new KeyVaultSecretProviderClass(chart, id, { keyVaultName: vault, tenantId: TENANT_ID, identity, objects });
}

/** A Deployment with its own ServiceAccount, mounting `spc`. */
function mountIn(chart: Chart, id: string, serviceAccount: string, spc: KeyVaultSecretProviderClass) {
  const deployment = new kplus.Deployment(chart, id, {
    serviceAccount: new kplus.ServiceAccount(chart, `${id}-sa`, { metadata: { name: serviceAccount } }),
    containers: [{ image: 'registry.example/app:1', securityContext: { user: 1000 } }],
  });
  spc.mount(deployment);
}

function accessChart(app: App, props: Partial<AzureAccessProps> = {}) {
  const chart = new Chart(app, 'azure');
  const access = new AzureAccess(chart, 'access', {
    namespace: 'azure-access',
    identities: [APP_MI, WORKER_MI],
    vaults: [{ resourceId: KV_APP }, { resourceId: KV_SHARED }],
    clusters: [EASTUS, WESTEUROPE],
    ...props,
  });
  return { chart, access };
}

/**
 * The user app: the web shop uses identity binding on two clusters (secret + key from
 * kv-app), and a worker on aks-eastus uses workload identity (a certificate from kv-shared).
 */
function userApp(props: Partial<AzureAccessProps> = {}) {
  const app = Testing.app();
  for (const cluster of ['aks-eastus', 'aks-westeurope']) {
    const chart = clusterChart(app, cluster);
    const binding = new AksIdentityBinding(chart, 'app-mi', { clientId: APP_MI.clientId });
    const web = newClass(chart, 'web-secrets', 'kv-app', binding.identity, [KeyVaultObject.secret('db-password'), KeyVaultObject.key('signing-key')]);
    mountIn(chart, 'web', 'web', web);
    if (cluster === 'aks-eastus') {
      const worker = newClass(chart, 'worker-secrets', 'kv-shared', KeyVaultIdentity.workloadIdentity({ clientId: WORKER_MI.clientId }), [KeyVaultObject.certificate('api-cert')]);
      mountIn(chart, 'worker', 'worker', worker);
    }
  }
  return { app, ...accessChart(app, props) };
}

/** The grants of RoleAssignments as (principal, scope, role) triples, sorted. */
function grants(manifests: any[]): string[][] {
  return ofKind(manifests, 'RoleAssignment').map(r => [r.spec.principalId, r.spec.owner.armId, r.spec.roleDefinitionReference.armId]).sort();
}

describeIfReference('AzureAccess', () => {
  describe('a user app: identity binding on two clusters, workload identity on one', () => {
    test('writes the Azure side (snapshot), every object valid against its schema', () => {
      const { chart } = userApp();
      expect(synth(chart)).toMatchSnapshot();
    });

    test('role assignments: exactly the least-privilege roles, per identity and vault', () => {
      const manifests = synth(userApp().chart);
      expect(grants(manifests)).toEqual([
        [APP_MI.principalId, KV_APP, READER], // signing-key (key)
        [APP_MI.principalId, KV_APP, SECRETS_USER], // db-password (secret)
        [WORKER_MI.principalId, KV_SHARED, READER], // api-cert (cert)
      ].sort());
      for (const assignment of ofKind(manifests, 'RoleAssignment')) {
        expect(assignment.apiVersion).toBe('authorization.azure.com/v1api20220401');
        expect(assignment.spec.principalType).toBe('ServicePrincipal');
        expect(assignment.spec.azureName).toMatch(UUID);
        expect(Object.keys(assignment.spec).sort()).toEqual(['azureName', 'owner', 'principalId', 'principalType', 'roleDefinitionReference']);
        expect(Object.keys(assignment.spec.roleDefinitionReference)).toEqual(['armId']);
      }
    });

    test('identity bindings: one per cluster for the identity-binding identity, named as the kind requires', () => {
      const manifests = synth(userApp().chart);
      const bindings = ofKind(manifests, 'IdentityBinding');
      expect(bindings.map(b => [b.spec.owner.armId, b.spec.properties.managedIdentity.resourceReference.armId]).sort())
        .toEqual([[EASTUS.resourceId, APP_MI.resourceId], [WESTEUROPE.resourceId, APP_MI.resourceId]]);
      for (const binding of bindings) {
        expect(binding.apiVersion).toBe('containerservice.azure.com/v20251002preview');
        expect(binding.spec.azureName).toMatch(/^[a-z][a-z0-9]{0,63}$/);
        expect(binding.spec.azureName.length).toBeLessThanOrEqual(63);
        expect(binding.metadata.name).toBe(binding.spec.azureName); // ASO would take it from metadata.name too
      }
      expect(new Set(bindings.map(b => b.metadata.name)).size).toBe(2);
    });

    test('federated credentials: one per workload-identity ServiceAccount, with the cluster\'s issuer', () => {
      const manifests = synth(userApp().chart);
      const credential = only(manifests, 'FederatedIdentityCredential');
      expect(credential.apiVersion).toBe('managedidentity.azure.com/v1api20230131');
      expect(credential.spec).toEqual({
        azureName: expect.stringMatching(/^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$/),
        owner: { armId: WORKER_MI.resourceId },
        audiences: ['api://AzureADTokenExchange'],
        issuer: EASTUS.oidcIssuerUrl,
        subject: 'system:serviceaccount:shop:worker',
      });
    });

    test('every object: in the namespace, annotated with its identity\'s client ID, a DNS-1123 name unique per kind', () => {
      const manifests = synth(userApp().chart);
      expect(manifests.length).toBe(3 + 2 + 1);
      for (const manifest of manifests) {
        expect(manifest.metadata.namespace).toBe('azure-access');
        expect(manifest.metadata.name).toMatch(DNS1123_SUBDOMAIN);
        expect(manifest.metadata.name.length).toBeLessThanOrEqual(253);
        const principal = manifest.spec.principalId ?? manifest.spec.owner.armId;
        const identity = [APP_MI, WORKER_MI].find(i => i.principalId === principal || i.resourceId === principal
          || i.resourceId === manifest.spec.properties?.managedIdentity.resourceReference.armId)!;
        expect(manifest.metadata.annotations).toEqual({ [CLIENT_ID_ANNOTATION]: identity.clientId });
      }
      expect(new Set(manifests.map(m => `${m.kind}/${m.metadata.name}`)).size).toBe(manifests.length);
    });

    test('the accessors list what was written', () => {
      const { app, access } = userApp();
      app.synthYaml();
      expect(access.roleAssignments.map(o => o.kind)).toEqual(['RoleAssignment', 'RoleAssignment', 'RoleAssignment']);
      expect(access.identityBindings).toHaveLength(2);
      expect(access.federatedIdentityCredentials).toHaveLength(1);
      expect(access.accessPolicyRecords).toEqual([]);
    });
  });

  describe('determinism', () => {
    test('two synths of the same app are byte-identical', () => {
      expect(userApp().app.synthYaml()).toBe(userApp().app.synthYaml());
    });

    test('validating the app again adds nothing (idempotent derivation)', () => {
      const { app, chart, access } = userApp();
      const first = Testing.synth(chart);
      Testing.synth(chart);
      expect(Testing.synth(chart)).toEqual(first);
      expect(app.synthYaml()).toBe(userApp().app.synthYaml());
      expect(access.roleAssignments).toHaveLength(3);
    });

    test('two apps that need the same grant write identical objects', () => {
      // Team A and team B: different charts, namespaces, class names and objects, same identity and vault.
      const teamApp = (team: string, secret: string) => {
        const app = Testing.app();
        const chart = clusterChart(app, undefined, team, team);
        const binding = new AksIdentityBinding(chart, 'mi', { clientId: APP_MI.clientId });
        mountIn(chart, `${team}-web`, `${team}-web`, newClass(chart, `${team}-class`, 'kv-app', binding.identity, [KeyVaultObject.secret(secret)]));
        return synth(accessChart(app, { clusters: [{ resourceId: EASTUS.resourceId }] }).chart);
      };
      const a = teamApp('team-a', 'a-db-password');
      const b = teamApp('team-b', 'b-db-password');
      expect(ofKind(a, 'RoleAssignment')).toHaveLength(1);
      expect(ofKind(a, 'IdentityBinding')).toHaveLength(1);
      expect(b).toEqual(a);
    });

    test('the same grant is the same object however the IDs are cased (ARM IDs are case-insensitive)', () => {
      const grantFor = (vaultId: string, principalId: string) => {
        const app = Testing.app();
        const chart = clusterChart(app, undefined);
        newClass(chart, 'spc', 'kv-app', KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: APP_MI.clientId }), [KeyVaultObject.secret('s')]);
        return only(synth(accessChart(app, { identities: [{ ...APP_MI, principalId }], vaults: [{ resourceId: vaultId }], clusters: [] }).chart), 'RoleAssignment');
      };
      const lower = grantFor(KV_APP, APP_MI.principalId);
      const upper = grantFor(KV_APP.replace('resourceGroups/rg-apps', 'resourcegroups/RG-APPS'), APP_MI.principalId.toUpperCase());
      expect(upper.metadata.name).toBe(lower.metadata.name);
      expect(upper.spec.azureName).toBe(lower.spec.azureName);
    });

    test('different grants never share a name', () => {
      const manifests = synth(userApp({ grantScope: GrantScope.OBJECT }).chart);
      const names = ofKind(manifests, 'RoleAssignment').map(r => r.spec.azureName);
      expect(new Set(names).size).toBe(names.length);
    });
  });

  describe('least privilege from object types', () => {
    /** The roles one VM identity gets on kv-app for one class of `objects`. */
    function rolesFor(...objects: KeyVaultObject[]): string[] {
      const app = Testing.app();
      newClass(clusterChart(app, undefined), 'spc', 'kv-app', KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: NODE_MI.clientId }), objects);
      return grants(synth(accessChart(app, { identities: [NODE_MI], clusters: [] }).chart)).map(([principal, scope, role]) => {
        expect([principal, scope]).toEqual([NODE_MI.principalId, KV_APP]);
        return role;
      });
    }

    test('secret: Key Vault Secrets User only', () => {
      expect(rolesFor(KeyVaultObject.secret('db'))).toEqual([SECRETS_USER]);
    });

    test('a certificate read as a secret (its private key): Key Vault Secrets User only', () => {
      expect(rolesFor(KeyVaultObject.secret('tls', { format: ObjectFormat.PFX, encoding: ObjectEncoding.BASE64 }))).toEqual([SECRETS_USER]);
    });

    test('key or cert: Key Vault Reader only (no secret value)', () => {
      expect(rolesFor(KeyVaultObject.key('signing'))).toEqual([READER]);
      expect(rolesFor(KeyVaultObject.certificate('api'), KeyVaultObject.key('signing'))).toEqual([READER]);
    });

    test('secret and cert: both roles', () => {
      expect(rolesFor(KeyVaultObject.secret('db'), KeyVaultObject.certificate('api')).sort()).toEqual([SECRETS_USER, READER].sort());
    });

    test('across classes: the union per identity and vault, once', () => {
      const app = Testing.app();
      const identity = KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: NODE_MI.clientId });
      const east = clusterChart(app, 'aks-eastus');
      newClass(east, 'a', 'kv-app', identity, [KeyVaultObject.secret('one')]);
      newClass(east, 'b', 'kv-app', identity, [KeyVaultObject.secret('two'), KeyVaultObject.key('k')]);
      newClass(clusterChart(app, 'aks-westeurope'), 'c', 'kv-shared', identity, [KeyVaultObject.secret('three')]);
      expect(grants(synth(accessChart(app, { identities: [NODE_MI] }).chart))).toEqual([
        [NODE_MI.principalId, KV_APP, READER],
        [NODE_MI.principalId, KV_APP, SECRETS_USER],
        [NODE_MI.principalId, KV_SHARED, SECRETS_USER],
      ].sort());
    });
  });

  describe('grantScope: object', () => {
    test('assigns each role on each object read, nothing on the vault (snapshot)', () => {
      const manifests = synth(userApp({ grantScope: GrantScope.OBJECT }).chart);
      expect(ofKind(manifests, 'RoleAssignment')).toMatchSnapshot();
      expect(grants(manifests)).toEqual([
        [APP_MI.principalId, `${KV_APP}/keys/signing-key`, READER],
        [APP_MI.principalId, `${KV_APP}/secrets/db-password`, SECRETS_USER],
        [WORKER_MI.principalId, `${KV_SHARED}/certificates/api-cert`, READER],
      ].sort());
    });
  });

  describe('permission model: access policies', () => {
    test('no RoleAssignment for the vault; one ConfigMap record per identity, vault and category (snapshot)', () => {
      const vaults = [{ resourceId: KV_APP, permissionModel: VaultPermissionModel.ACCESS_POLICY }, { resourceId: KV_SHARED }];
      const manifests = synth(userApp({ vaults }).chart);
      expect(grants(manifests)).toEqual([[WORKER_MI.principalId, KV_SHARED, READER]]);
      const records = ofKind(manifests, 'ConfigMap');
      expect(records).toMatchSnapshot();
      expect(records.map(r => r.data).sort((a, b) => Object.keys(a).join().localeCompare(Object.keys(b).join()))).toEqual([
        { vaultResourceId: KV_APP, objectId: APP_MI.principalId, keyPermissions: 'get list' },
        { vaultResourceId: KV_APP, objectId: APP_MI.principalId, secretPermissions: 'get list' },
      ]);
      for (const record of records) {
        expect(record.metadata.labels).toEqual({ 'keyvault-csi.cdk8s.io/access-policy': 'true' });
        expect(record.metadata.annotations).toEqual({ [CLIENT_ID_ANNOTATION]: APP_MI.clientId });
        expect(record.metadata.namespace).toBe('azure-access');
      }
      // The identity bindings do not depend on how the vault authorizes.
      expect(ofKind(manifests, 'IdentityBinding')).toHaveLength(2);
    });
  });

  describe('identity modes', () => {
    test('a user-assigned VM identity gets role assignments, and no binding or credential', () => {
      const app = Testing.app();
      newClass(clusterChart(app, undefined), 'spc', 'kv-app', KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: NODE_MI.clientId }), [KeyVaultObject.secret('s')]);
      const manifests = synth(accessChart(app, { identities: [NODE_MI], clusters: [] }).chart);
      expect(grants(manifests)).toEqual([[NODE_MI.principalId, KV_APP, SECRETS_USER]]);
      expect(manifests.map(m => m.kind)).toEqual(['RoleAssignment']);
    });

    test('identities without a client ID are left alone: system-assigned VM identity, service principal, pod identity', () => {
      const app = Testing.app();
      const chart = clusterChart(app, undefined);
      newClass(chart, 'vm', 'kv-nowhere', KeyVaultIdentity.vmManagedIdentity(), [KeyVaultObject.secret('s')]);
      newClass(chart, 'sp', 'kv-nowhere', KeyVaultIdentity.servicePrincipal({ secretName: 'creds' }), [KeyVaultObject.secret('s')]);
      newClass(chart, 'pod', 'kv-nowhere', KeyVaultIdentity.podIdentity({ selector: 'reader' }), [KeyVaultObject.secret('s')]);
      expect(synth(accessChart(app, { identities: [], vaults: [], clusters: [] }).chart)).toEqual([]);
    });

    test('identity binding with externally managed RBAC still needs the binding on its cluster', () => {
      const app = Testing.app();
      newClass(clusterChart(app, 'aks-westeurope'), 'spc', 'kv-app', KeyVaultIdentity.identityBinding({ clientId: APP_MI.clientId, externallyManagedRbac: true }), [KeyVaultObject.secret('s')]);
      const binding = only(synth(accessChart(app).chart), 'IdentityBinding');
      expect(binding.spec.owner.armId).toBe(WESTEUROPE.resourceId);
    });

    test('an AksIdentityBinding without classes still binds its identity to its cluster, and grants nothing', () => {
      const app = Testing.app();
      new AksIdentityBinding(clusterChart(app, 'aks-eastus'), 'mi', { clientId: APP_MI.clientId });
      const manifests = synth(accessChart(app).chart);
      expect(manifests.map(m => m.kind)).toEqual(['IdentityBinding']);
      expect(manifests[0].spec.owner.armId).toBe(EASTUS.resourceId);
    });

    test('a one-cluster app: the unnamed cluster entry; pods sharing a ServiceAccount need one credential', () => {
      const app = Testing.app();
      const chart = clusterChart(app, undefined);
      const spc = newClass(chart, 'spc', 'kv-app', KeyVaultIdentity.workloadIdentity({ clientId: WORKER_MI.clientId }), [KeyVaultObject.secret('s')]);
      const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'jobs' } });
      for (const id of ['a', 'b']) spc.mount(new kplus.Pod(chart, id, { serviceAccount: sa, containers: [{ image: 'x', securityContext: { user: 1 } }] }));
      const clusters = [{ resourceId: EASTUS.resourceId, oidcIssuerUrl: EASTUS.oidcIssuerUrl }];
      const credential = only(synth(accessChart(app, { clusters }).chart), 'FederatedIdentityCredential');
      expect(credential.spec.subject).toBe('system:serviceaccount:shop:jobs');
      expect(credential.spec.issuer).toBe(EASTUS.oidcIssuerUrl);
    });
  });
});

describe('AzureAccess: bad input fails with path, field, value, rule and fix', () => {
  const props = (overrides: Partial<AzureAccessProps>): AzureAccessProps => ({
    namespace: 'azure-access', identities: [APP_MI], vaults: [{ resourceId: KV_APP }], clusters: [EASTUS], ...overrides,
  });
  const construct = (overrides: Partial<AzureAccessProps>) => errorOf(() => new AzureAccess(new Chart(Testing.app(), 'azure'), 'access', props(overrides)));

  test('an identity ARM ID of the wrong shape or resource type', () => {
    expectProblem(construct({ identities: [{ ...APP_MI, resourceId: 'app-mi' }] }), {
      path: 'azure/access',
      field: 'identities[0].resourceId',
      value: 'app-mi',
      rule: /must be an ARM resource ID shaped \/subscriptions\/<subscription GUID>\/resourceGroups\/<group>\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/<name>/,
      fix: /az resource show/,
    });
    expectProblem(construct({ identities: [{ ...APP_MI, resourceId: KV_APP }] }), {
      path: 'azure/access',
      field: 'identities[0].resourceId',
      value: KV_APP,
      rule: /must be the ID of a Microsoft\.ManagedIdentity\/userAssignedIdentities resource, not of a Microsoft\.KeyVault\/vaults/,
      fix: /resource's ID/,
    });
  });

  test('a vault or cluster ARM ID of the wrong type; a subscription that is not a GUID', () => {
    expectProblem(construct({ vaults: [{ resourceId: EASTUS.resourceId }] }), {
      path: 'azure/access',
      field: 'vaults[0].resourceId',
      value: EASTUS.resourceId,
      rule: /must be the ID of a Microsoft\.KeyVault\/vaults resource, not of a Microsoft\.ContainerService\/managedClusters/,
      fix: /az resource show --resource-type Microsoft\.KeyVault\/vaults/,
    });
    const badSubscription = EASTUS.resourceId.replace('0b1f6471-1bf0-4dda-aec3-cb9272f09590', 'my-subscription');
    expectProblem(construct({ clusters: [{ resourceId: badSubscription }] }), {
      path: 'azure/access', field: 'clusters[0].resourceId', value: badSubscription, rule: /the subscription "my-subscription" must be a GUID/, fix: /resource's ID/,
    });
    expectProblem(construct({ clusters: [{ resourceId: `${EASTUS.resourceId}/agentPools/nodes` }] }), {
      path: 'azure/access', field: 'clusters[0].resourceId', value: `${EASTUS.resourceId}/agentPools/nodes`, rule: /must be an ARM resource ID shaped/, fix: /managedClusters/,
    });
  });

  test('principalId and clientId that are not GUIDs', () => {
    expectProblem(construct({ identities: [{ ...APP_MI, principalId: 'app-mi' }] }), {
      path: 'azure/access', field: 'identities[0].principalId', value: 'app-mi', rule: /must be a GUID/, fix: /--query principalId.*not the client ID/,
    });
    expectProblem(construct({ identities: [{ ...APP_MI, clientId: '<client id>' }] }), {
      path: 'azure/access', field: 'identities[0].clientId', value: '<client id>', rule: /looks like a placeholder/, fix: /az identity show --query clientId/,
    });
  });

  test('an OIDC issuer that is not https://', () => {
    expectProblem(construct({ clusters: [{ ...EASTUS, oidcIssuerUrl: 'http://eastus.oic.prod-aks.azure.com/t/g/' }] }), {
      path: 'azure/access',
      field: 'clusters[0].oidcIssuerUrl',
      value: 'http://eastus.oic.prod-aks.azure.com/t/g/',
      rule: /must be an https:\/\/ URL/,
      fix: /oidcIssuerProfile\.issuerUrl/,
    });
  });

  test('several clusters and one without a name; two with one name', () => {
    expectProblem(construct({ clusters: [EASTUS, { resourceId: WESTEUROPE.resourceId }] }), {
      path: 'azure/access',
      field: 'clusters[1].name',
      value: undefined,
      rule: /with 2 clusters, each needs the name its charts give with the context key "cdk8s-azure-keyvault-csi\/cluster"/,
      fix: /set `name` to that context value/,
    });
    expectProblem(construct({ clusters: [EASTUS, { ...WESTEUROPE, name: 'aks-eastus' }] }), {
      path: 'azure/access', field: 'clusters[1].name', value: 'aks-eastus', rule: /cluster entry 0 already has this name/, fix: /its own name/,
    });
  });

  test('duplicate identities and vaults', () => {
    expectProblem(construct({ identities: [APP_MI, { ...WORKER_MI, clientId: APP_MI.clientId.toUpperCase() }] }), {
      path: 'azure/access', field: 'identities[1].clientId', value: APP_MI.clientId.toUpperCase(), rule: /already in entry 0/, fix: /list it once/,
    });
    const sameName = `${RG.replace('rg-apps', 'rg-other')}/Microsoft.KeyVault/vaults/kv-app`;
    expectProblem(construct({ vaults: [{ resourceId: KV_APP }, { resourceId: sameName }] }), {
      path: 'azure/access', field: 'vaults[1].resourceId', value: sameName, rule: /the vault name "kv-app" is already in entry 0/, fix: /list it once/,
    });
  });

  test('a namespace that is not a DNS-1123 label', () => {
    expectProblem(construct({ namespace: 'Azure_Access' }), {
      path: 'azure/access', field: 'namespace', value: 'Azure_Access', rule: /DNS-1123/, fix: /.+/,
    });
  });

  test('two AzureAccess in one app', () => {
    const app = Testing.app();
    new AzureAccess(new Chart(app, 'one'), 'access', props({}));
    expectProblem(errorOf(() => new AzureAccess(new Chart(app, 'two'), 'access', props({}))), {
      path: 'two/access', field: 'AzureAccess', value: 'two/access', rule: /one\/access already writes the Azure side of this app/, fix: /one AzureAccess per app/,
    });
  });

  /** Synth of an app with `build`'s classes and an AzureAccess of `overrides`. */
  const synthError = (build: (app: App) => void, overrides: Partial<AzureAccessProps> = {}) => {
    const app = Testing.app();
    build(app);
    new AzureAccess(new Chart(app, 'azure'), 'access', props(overrides));
    return errorOf(() => app.synthYaml());
  };

  test('a class that reads a vault not listed in vaults', () => {
    const message = synthError(app => newClass(clusterChart(app, 'aks-eastus'), 'spc', 'kv-other', KeyVaultIdentity.workloadIdentity({ clientId: APP_MI.clientId }), [KeyVaultObject.secret('s')]));
    expectProblem(message, {
      path: 'azure/access',
      field: 'vaults',
      value: 'kv-other',
      rule: /aks-eastus\/spc reads Key Vault "kv-other", and no entry of vaults is that vault \(listed: kv-app\)/,
      fix: /add \{ resourceId: "\/subscriptions\/<subscription>\/resourceGroups\/<group>\/providers\/Microsoft\.KeyVault\/vaults\/kv-other" \} to vaults/,
    });
  });

  test.each([
    ['identity binding', () => KeyVaultIdentity.identityBinding({ clientId: WORKER_MI.clientId, externallyManagedRbac: true })],
    ['workload identity', () => KeyVaultIdentity.workloadIdentity({ clientId: WORKER_MI.clientId })],
    ['user-assigned VM managed identity', () => KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: WORKER_MI.clientId })],
  ])('a class identity not listed in identities: %s', (use, identity) => {
    const message = synthError(app => newClass(clusterChart(app, 'aks-eastus'), 'spc', 'kv-app', identity(), [KeyVaultObject.secret('s')]));
    expectProblem(message, {
      path: 'azure/access',
      field: 'identities',
      value: WORKER_MI.clientId,
      rule: new RegExp(`aks-eastus/spc uses the managed identity with this client ID \\(${use}\\), and no entry of identities has it`),
      fix: new RegExp(`add \\{ clientId: "${WORKER_MI.clientId}", principalId, resourceId \\} to identities`),
    });
  });

  test('an AksIdentityBinding whose identity is not listed', () => {
    const message = synthError(app => new AksIdentityBinding(clusterChart(app, 'aks-eastus'), 'mi', { clientId: WORKER_MI.clientId }));
    expectProblem(message, {
      path: 'azure/access', field: 'identities', value: WORKER_MI.clientId, rule: /aks-eastus\/mi uses the managed identity with this client ID \(identity binding\)/, fix: /to identities/,
    });
  });

  test('a cluster context value with no entry in clusters', () => {
    const message = synthError(app => new AksIdentityBinding(clusterChart(app, 'aks-centralus'), 'mi', { clientId: APP_MI.clientId }));
    expectProblem(message, {
      path: 'azure/access',
      field: 'clusters',
      value: 'aks-centralus',
      rule: /aks-centralus\/mi deploys to cluster "aks-centralus" \(context "cdk8s-azure-keyvault-csi\/cluster"\), and no entry of clusters has that name \(listed: "aks-eastus"\)/,
      fix: /add \{ name: "aks-centralus", resourceId \} for the cluster to clusters/,
    });
    // No context (one unnamed cluster), but the only entry has a name.
    const unnamed = synthError(app => new AksIdentityBinding(clusterChart(app, undefined), 'mi', { clientId: APP_MI.clientId }));
    expectProblem(unnamed, {
      path: 'azure/access',
      field: 'clusters',
      value: '',
      rule: /workloads\/mi deploys to the app's one unnamed cluster \(no "cdk8s-azure-keyvault-csi\/cluster" context\), and no entry of clusters is unnamed/,
      fix: /without a name/,
    });
  });

  test('workload identity in a cluster without oidcIssuerUrl', () => {
    const message = synthError(app => {
      const chart = clusterChart(app, 'aks-westeurope');
      mountIn(chart, 'worker', 'worker', newClass(chart, 'spc', 'kv-app', KeyVaultIdentity.workloadIdentity({ clientId: APP_MI.clientId }), [KeyVaultObject.secret('s')]));
    }, { clusters: [EASTUS, WESTEUROPE] });
    expectProblem(message, {
      path: 'azure/access',
      field: 'clusters[1].oidcIssuerUrl',
      value: undefined,
      rule: /aks-westeurope\/spc mounts with workload identity on this cluster \(system:serviceaccount:shop:worker\), and its federated credential needs the cluster's OIDC issuer/,
      fix: /--query oidcIssuerProfile\.issuerUrl/,
    });
  });

  test('nothing is written when something is missing', () => {
    const app = Testing.app();
    newClass(clusterChart(app, 'aks-eastus'), 'spc', 'kv-other', KeyVaultIdentity.workloadIdentity({ clientId: APP_MI.clientId }), [KeyVaultObject.secret('s')]);
    const access = new AzureAccess(new Chart(app, 'azure'), 'access', props({}));
    expect(() => app.synthYaml()).toThrow(/Validation failed/);
    expect(access.roleAssignments).toEqual([]);
  });
});
