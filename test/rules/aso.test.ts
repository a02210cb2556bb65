import {
  accessPolicyPermissions, azureNameOf, checkAccessPolicyRecord, checkFederatedIdentityCredential, checkIdentityBinding, checkRoleAssignment,
  federatedCredentialNameFor, identityBindingNameFor, isAccessPolicyRecord, roleReferenceOf, serviceAccountOfSubject,
} from '../../src/rules/aso';
import { Finding } from '../../src/rules/model';

const SUB = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const RG = `/subscriptions/${SUB}/resourceGroups`;
const VAULT = `${RG}/rg-vaults/providers/Microsoft.KeyVault/vaults/kvname`;
const CLUSTER = `${RG}/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-eastus`;
const IDENTITY = `${RG}/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-identity`;
const ISSUER = 'https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/7a3c1e52-9a0f-4a57-a1d0-8c6f6e6b1c2d/';
const CLIENT_ID = '22222222-2222-2222-2222-222222222222';
const annotations = { 'keyvault-csi.cdk8s.io/client-id': CLIENT_ID };

/** Deep merge of a patch into a body; `undefined` in the patch deletes the key. */
function patch(base: any, change: any): any {
  if (change === undefined) return undefined;
  if (typeof change !== 'object' || change === null || Array.isArray(change) || typeof base !== 'object' || base === null) return change;
  const out = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete out[k];
    else out[k] = patch(base[k], v);
  }
  return out;
}

const fields = (findings: Finding[]) => findings.map(f => `${f.severity} ${f.field}`);

const roleAssignment = {
  apiVersion: 'authorization.azure.com/v1api20220401',
  kind: 'RoleAssignment',
  metadata: { name: 'kvname-secrets-user', namespace: 'azure-access', annotations },
  spec: {
    azureName: '9d1c4a6e-5b2f-4c3d-8e7f-0a1b2c3d4e5f',
    owner: { armId: VAULT },
    principalId: '33333333-3333-3333-3333-333333333333',
    principalType: 'ServicePrincipal',
    roleDefinitionReference: { armId: '/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6' },
  },
};
const identityBinding = {
  apiVersion: 'containerservice.azure.com/v20251002preview',
  kind: 'IdentityBinding',
  metadata: { name: 'appidentityakseastus', namespace: 'azure-access', annotations },
  spec: { owner: { armId: CLUSTER }, properties: { managedIdentity: { resourceReference: { armId: IDENTITY } } } },
};
const fic = {
  apiVersion: 'managedidentity.azure.com/v1api20230131',
  kind: 'FederatedIdentityCredential',
  metadata: { name: 'app-identity-demo-app', namespace: 'azure-access', annotations },
  spec: { owner: { armId: IDENTITY }, issuer: ISSUER, subject: 'system:serviceaccount:demo:app', audiences: ['api://AzureADTokenExchange'] },
};
const record = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kv-legacy-access-policy', namespace: 'azure-access', labels: { 'keyvault-csi.cdk8s.io/access-policy': 'true' }, annotations },
  data: { vaultResourceId: VAULT, objectId: '33333333-3333-3333-3333-333333333333', secretPermissions: 'get list', keyPermissions: 'get' },
};

describe('the library-shaped objects pass', () => {
  test.each([
    ['RoleAssignment', checkRoleAssignment(roleAssignment)],
    ['IdentityBinding', checkIdentityBinding(identityBinding)],
    ['FederatedIdentityCredential', checkFederatedIdentityCredential(fic, true)],
    ['access-policy record', checkAccessPolicyRecord(record)],
  ])('%s', (_, findings) => {
    expect(findings).toEqual([]);
  });
});

describe('names', () => {
  test('an IdentityBinding name: lowercase letters and digits, a letter first, at most 63', () => {
    for (const name of ['a', 'appidentity1', `a${'b'.repeat(62)}`]) expect(checkIdentityBinding(patch(identityBinding, { metadata: { name } }))).toEqual([]);
    for (const name of ['app-identity', 'App', '1app', `a${'b'.repeat(63)}`, '']) {
      const findings = checkIdentityBinding(patch(identityBinding, { spec: { azureName: name || undefined }, metadata: { name: name || 'x-y' } }));
      expect(fields(findings)).toEqual([`error ${name ? 'spec.azureName' : 'metadata.name'}`]);
      expect(findings[0].rule).toMatch(/\^\[a-z\]\[a-z0-9\]\{0,63\}\$/);
    }
  });

  test('without azureName the Kubernetes name is the Azure name, and the message says so', () => {
    const [finding] = checkIdentityBinding(patch(identityBinding, { metadata: { name: 'app-identity-aks' } }));
    expect(finding).toMatchObject({ field: 'metadata.name', value: 'app-identity-aks', fix: expect.stringContaining('"appidentityaks"') });
    expect(finding.rule).toMatch(/ASO takes the Azure name from metadata\.name/);
  });

  test('suggested names fit the patterns', () => {
    expect(identityBindingNameFor('App-Identity_1')).toBe('appidentity1');
    expect(identityBindingNameFor('1-app')).toBe('ib1app');
    expect(identityBindingNameFor('x'.repeat(80))).toHaveLength(63);
    expect(federatedCredentialNameFor('demo/app.sa')).toBe('demo-app-sa');
    expect(federatedCredentialNameFor('-')).toBe('app-credential');
  });

  test('a FederatedIdentityCredential name: 3-120 letters, digits, "-" and "_", a letter or digit first', () => {
    for (const name of ['abc', 'a_b-c', `a${'b'.repeat(119)}`]) expect(checkFederatedIdentityCredential(patch(fic, { spec: { azureName: name } }), true)).toEqual([]);
    for (const name of ['ab', '-abc', 'a.bc', `a${'b'.repeat(120)}`]) {
      expect(fields(checkFederatedIdentityCredential(patch(fic, { spec: { azureName: name } }), true))).toEqual(['error spec.azureName']);
    }
  });

  test('the credential AKS creates for identity binding is AKS\'s', () => {
    const findings = checkFederatedIdentityCredential(patch(fic, { spec: { azureName: 'aks-identity-binding' } }), true);
    expect(fields(findings)).toEqual(['warning spec.azureName']);
    expect(findings[0].rule).toMatch(/AKS says not to modify or delete it/);
  });

  test('a RoleAssignment azureName is a GUID, or absent', () => {
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { azureName: undefined } }))).toEqual([]);
    const findings = checkRoleAssignment(patch(roleAssignment, { spec: { azureName: 'kvname-secrets-user' } }));
    expect(fields(findings)).toEqual(['error spec.azureName']);
    expect(findings[0].rule).toMatch(/InvalidRoleAssignmentId/);
  });

  test('azureNameOf', () => {
    expect(azureNameOf(fic)).toEqual({ field: 'metadata.name', value: 'app-identity-demo-app' });
    expect(azureNameOf(patch(fic, { spec: { azureName: 'x' } }))).toEqual({ field: 'spec.azureName', value: 'x' });
  });
});

describe('references', () => {
  test.each([
    ['an owner of the wrong type', patch(identityBinding, { spec: { owner: { armId: VAULT } } }), 'error spec.owner.armId', /must be a Microsoft\.ContainerService\/managedClusters, not a Microsoft\.KeyVault\/vaults/],
    ['an owner of the wrong shape', patch(identityBinding, { spec: { owner: { armId: 'aks-eastus' } } }), 'error spec.owner.armId', /must be an ARM resource ID/],
    ['no owner', patch(identityBinding, { spec: { owner: undefined } }), 'error spec.owner', /the owner \(the AKS cluster the identity is bound to\) is required/],
    ['both armId and name', patch(identityBinding, { spec: { owner: { name: 'aks' } } }), 'error spec.owner', /sets both armId and name/],
    ['no managed identity', patch(identityBinding, { spec: { properties: undefined } }), 'error spec.properties.managedIdentity', /names none/],
    ['no managed identity reference', patch(identityBinding, { spec: { properties: { managedIdentity: { resourceReference: undefined } } } }), 'error spec.properties.managedIdentity.resourceReference', /names none/],
    ['a managed identity of the wrong type', patch(identityBinding, { spec: { properties: { managedIdentity: { resourceReference: { armId: CLUSTER } } } } }), 'error spec.properties.managedIdentity.resourceReference.armId', /must be a Microsoft\.ManagedIdentity\/userAssignedIdentities/],
  ])('IdentityBinding: %s', (_, body, field, rule) => {
    const findings = checkIdentityBinding(body);
    expect(fields(findings)).toEqual([field]);
    expect(findings[0].rule).toMatch(rule);
  });

  test('references by name are the checker\'s to resolve; an arbitrary owner needs group and kind', () => {
    expect(checkIdentityBinding(patch(identityBinding, { spec: { owner: { armId: undefined, name: 'aks' } } }))).toEqual([]);
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { owner: { armId: undefined, name: 'kv', group: 'keyvault.azure.com', kind: 'Vault' } } }))).toEqual([]);
    const findings = checkRoleAssignment(patch(roleAssignment, { spec: { owner: { armId: undefined, name: 'kv' } } }));
    expect(fields(findings)).toEqual(['error spec.owner']);
    expect(findings[0].rule).toMatch(/needs group and kind/);
  });

  test('a FIC owner is a user-assigned identity', () => {
    const findings = checkFederatedIdentityCredential(patch(fic, { spec: { owner: { armId: CLUSTER } } }), true);
    expect(fields(findings)).toEqual(['error spec.owner.armId']);
  });

  test('a role assignment may be scoped anywhere, but a vault scope is judged in full', () => {
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { owner: { armId: `${RG}/rg` } } }))).toEqual([]);
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { owner: { armId: `${VAULT}/secrets/db-password` } } }))).toEqual([]);
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { owner: { armId: `${VAULT}/secrets/db_password` } } }))[0].rule).toMatch(/object name "db_password"/);
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { owner: { armId: 'kvname' } } }))[0].rule).toMatch(/must be an ARM resource ID/);
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { owner: { armId: `${RG}/<rg>/providers/Microsoft.KeyVault/vaults/kv` } } }))[0].rule).toMatch(/placeholder/);
  });
});

describe('FederatedIdentityCredential values', () => {
  test('audiences must hold api://AzureADTokenExchange', () => {
    for (const audiences of [undefined, [], ['api://AKSIdentityBinding'], 'api://AzureADTokenExchange', ['api://AzureADTokenExchange', 7]]) {
      const findings = checkFederatedIdentityCredential(patch(fic, { spec: { audiences } }), true);
      expect(fields(findings)).toEqual(['error spec.audiences']);
      expect(findings[0].rule).toMatch(/AADSTS700212|audiences are strings/);
    }
  });

  test('the issuer is an https URL; an AKS issuer ends with "/"', () => {
    for (const issuer of [undefined, 'http://eastus.oic.prod-aks.azure.com/t/g/', 'eastus.oic.prod-aks.azure.com', 'https://<issuer>/', 'https://a b/']) {
      expect(fields(checkFederatedIdentityCredential(patch(fic, { spec: { issuer } }), true))).toEqual(['error spec.issuer']);
    }
    const [slash] = checkFederatedIdentityCredential(patch(fic, { spec: { issuer: ISSUER.slice(0, -1) } }), true);
    expect(slash).toMatchObject({ field: 'spec.issuer', severity: 'error' });
    expect(slash.rule).toMatch(/AADSTS700211/);
    expect(slash.fix).toContain(`"${ISSUER}"`);
    // Other issuers are compared as written (GitHub's has no trailing slash), and the identity binding issuer is AKS's own.
    expect(checkFederatedIdentityCredential(patch(fic, { spec: { issuer: 'https://token.actions.githubusercontent.com', subject: 'system:serviceaccount:a:b' } }), true)).toEqual([]);
    expect(checkFederatedIdentityCredential(patch(fic, { spec: { issuer: `https://ib.oic.prod-aks.azure.com/t/${CLIENT_ID}` } }), true)).toEqual([]);
  });

  test('the subject is a ServiceAccount\'s, exactly', () => {
    for (const subject of [undefined, 'system:serviceaccount:demo', 'system:serviceaccount:Demo:app', 'system:serviceaccount:demo:app:x', 'demo/app', ' system:serviceaccount:demo:app']) {
      const findings = checkFederatedIdentityCredential(patch(fic, { spec: { subject } }), true);
      expect(fields(findings)).toEqual(['error spec.subject']);
      expect(findings[0].rule).toMatch(/AADSTS70021/);
    }
  });

  test('a non-ServiceAccount subject of another issuer, not written by the library, is a warning', () => {
    const github = patch(fic, { metadata: { annotations: undefined }, spec: { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:org/repo:ref:refs/heads/main' } });
    expect(fields(checkFederatedIdentityCredential(github, false))).toEqual(['warning spec.subject']);
    // With an AKS issuer it is an error even unannotated.
    expect(fields(checkFederatedIdentityCredential(patch(fic, { spec: { subject: 'repo:x' } }), false))).toEqual(['error spec.subject']);
  });

  test('values from config are not judged', () => {
    expect(checkFederatedIdentityCredential(patch(fic, { spec: { issuer: undefined, subject: undefined, issuerFromConfig: { name: 'c', key: 'issuer' }, subjectFromConfig: { name: 'c', key: 's' } } }), true)).toEqual([]);
  });

  test('serviceAccountOfSubject', () => {
    expect(serviceAccountOfSubject('system:serviceaccount:demo:app.v1')).toEqual({ namespace: 'demo', name: 'app.v1' });
    expect(serviceAccountOfSubject('system:serviceaccount:demo.x:app')).toBeUndefined();
  });
});

describe('RoleAssignment values', () => {
  test.each([
    ['a client ID placeholder', { principalId: '<principal id>' }, 'error spec.principalId'],
    ['a resource ID as principal', { principalId: IDENTITY }, 'error spec.principalId'],
    ['no principal', { principalId: undefined }, 'error spec.principalId'],
    ['no role', { roleDefinitionReference: undefined }, 'error spec.roleDefinitionReference'],
    ['an empty role reference', { roleDefinitionReference: { armId: undefined } }, 'error spec.roleDefinitionReference'],
    ['a role definition of the wrong type', { roleDefinitionReference: { armId: VAULT } }, 'error spec.roleDefinitionReference.armId'],
    ['a role definition that is not a GUID', { roleDefinitionReference: { armId: '/providers/Microsoft.Authorization/roleDefinitions/reader' } }, 'error spec.roleDefinitionReference.armId'],
    ['a principal type out of the enum', { principalType: 'ManagedIdentity' }, 'error spec.principalType'],
    ['an annotation that is not a client ID', {}, 'error metadata.annotations["keyvault-csi.cdk8s.io/client-id"]'],
  ])('%s', (name, spec, field) => {
    const body = name.startsWith('an annotation') ? patch(roleAssignment, { metadata: { annotations: { 'keyvault-csi.cdk8s.io/client-id': 'app-identity' } } }) : patch(roleAssignment, { spec });
    expect(fields(checkRoleAssignment(body))).toEqual([field]);
  });

  test('principalIdFromConfig stands in for principalId', () => {
    expect(checkRoleAssignment(patch(roleAssignment, { spec: { principalId: undefined, principalIdFromConfig: { name: 'identity', key: 'principalId' } } }))).toEqual([]);
  });

  test('roleReferenceOf: an armId (GUID, lower case), a wellKnownName, a RoleDefinition object', () => {
    expect(roleReferenceOf(patch(roleAssignment, { spec: { roleDefinitionReference: { armId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458B-17DE-408A-B874-0445C86B69E6` } } })))
      .toEqual({ kind: 'id', id: '4633458b-17de-408a-b874-0445c86b69e6', armId: expect.any(String) });
    expect(roleReferenceOf(patch(roleAssignment, { spec: { roleDefinitionReference: { armId: undefined, wellKnownName: ' Key Vault Reader ' } } }))).toEqual({ kind: 'wellKnownName', name: 'Key Vault Reader' });
    expect(roleReferenceOf(patch(roleAssignment, { spec: { roleDefinitionReference: { armId: undefined, name: 'custom' } } }))).toEqual({ kind: 'object', name: 'custom' });
  });
});

describe('access-policy record', () => {
  test('is a labelled ConfigMap', () => {
    expect(isAccessPolicyRecord(record)).toBe(true);
    expect(isAccessPolicyRecord(patch(record, { metadata: { labels: undefined } }))).toBe(false);
    expect(accessPolicyPermissions(patch(record, { data: { secretPermissions: ' Get  LIST ' } }), 'secret')).toEqual(['get', 'list']);
    expect(accessPolicyPermissions(record, 'certificate')).toEqual([]);
  });

  test.each([
    ['a vault of the wrong type', { vaultResourceId: CLUSTER }, 'error data.vaultResourceId'],
    ['an object ID that is not a GUID', { objectId: 'app-identity' }, 'error data.objectId'],
    ['an unknown permission', { keyPermissions: 'get fetch' }, 'error data.keyPermissions'],
    ['more than reading', { secretPermissions: 'get list set' }, 'warning data.secretPermissions'],
    ['no permission', { secretPermissions: '', keyPermissions: undefined }, 'error data'],
  ])('%s', (_, data, field) => {
    const findings = checkAccessPolicyRecord(patch(record, { data }));
    expect(fields(findings)).toEqual([field]);
  });

  test('the unknown permission is named with the accepted ones', () => {
    expect(checkAccessPolicyRecord(patch(record, { data: { keyPermissions: 'get fetch' } }))[0].rule).toMatch(/"fetch" is not a key permission \(az keyvault set-policy accepts all, backup, .*wrapkey\)/);
  });
});
