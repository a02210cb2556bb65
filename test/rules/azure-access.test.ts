import { armResourceId, checkAccessProps, oidcIssuerUrl, parseArmId, principalId } from '../../src/rules/azure-access';

// ARM resource IDs: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules and
// the owner.armId pattern of ASO's schemas (segments compared case-insensitively).

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-apps/providers/Microsoft.KeyVault/vaults/kv-app`;

describe('parseArmId', () => {
  test('a top-level resource: subscription, group, type and name', () => {
    expect(parseArmId(VAULT)).toEqual({ subscriptionId: SUB, resourceGroup: 'rg-apps', type: 'Microsoft.KeyVault/vaults', name: 'kv-app' });
    expect(parseArmId(VAULT.replace('resourceGroups', 'resourcegroups').replace('providers', 'Providers'))?.name).toBe('kv-app');
  });

  test.each([
    ['kv-app'],
    [`${VAULT}/secrets/db`], // a child
    [`${VAULT}/`],
    [`/subscriptions/${SUB}/resourceGroups/rg-apps`],
    [`subscriptions/${SUB}/resourceGroups/rg-apps/providers/Microsoft.KeyVault/vaults/kv-app`],
  ])('not a top-level resource ID: %s', value => {
    expect(parseArmId(value)).toBeUndefined();
  });
});

describe('armResourceId', () => {
  test('the right type, compared case-insensitively', () => {
    expect(armResourceId(VAULT, 'Microsoft.KeyVault/vaults')).toBeUndefined();
    expect(armResourceId(VAULT.replace('Microsoft.KeyVault/vaults', 'microsoft.keyvault/Vaults'), 'Microsoft.KeyVault/vaults')).toBeUndefined();
  });

  test('another type, another shape, a subscription name, a placeholder', () => {
    expect(armResourceId(VAULT, 'Microsoft.ManagedIdentity/userAssignedIdentities')?.rule)
      .toBe('must be the ID of a Microsoft.ManagedIdentity/userAssignedIdentities resource, not of a Microsoft.KeyVault/vaults');
    expect(armResourceId('kv-app', 'Microsoft.KeyVault/vaults')?.rule)
      .toBe('must be an ARM resource ID shaped /subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>');
    expect(armResourceId(VAULT.replace(SUB, 'prod'), 'Microsoft.KeyVault/vaults')?.rule).toBe('the subscription "prod" must be a GUID');
    expect(armResourceId('/subscriptions/$SUB/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv', 'Microsoft.KeyVault/vaults')?.rule).toMatch(/looks like a placeholder/);
  });
});

describe('principalId', () => {
  test('a GUID, not a name or placeholder', () => {
    expect(principalId('aaaaaaaa-1111-1111-1111-111111111111')).toBeUndefined();
    expect(principalId('app-mi')?.fix).toMatch(/principalId/);
    expect(principalId('<principal id>')?.rule).toMatch(/placeholder/);
  });
});

describe('oidcIssuerUrl', () => {
  test.each([
    ['https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/5a1b9d0e-2d0c-4e1f-9a3b-7c6d5e4f3a2b/', true],
    ['https://oidc.example.com', true],
    ['http://eastus.oic.prod-aks.azure.com/t/g/', false],
    ['eastus.oic.prod-aks.azure.com/t/g/', false],
    ['https://issuer.example.com/?tenant=x', false],
    ['https://issuer.example.com/#x', false],
    ['https://user:pass@issuer.example.com/', false],
  ])('%s valid: %s', (value, valid) => {
    expect(oidcIssuerUrl(value) === undefined).toBe(valid);
  });
});

describe('checkAccessProps', () => {
  const identity = { clientId: '11111111-1111-1111-1111-111111111111', principalId: 'aaaaaaaa-1111-1111-1111-111111111111', resourceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi` };
  const cluster = (name?: string, id = 'aks') => ({ name, resourceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${id}` });
  const check = (overrides: object) => checkAccessProps({ namespace: 'azure', identities: [identity], vaults: [{ resourceId: VAULT }], clusters: [cluster()], ...overrides });

  test('valid props: no finding; one unnamed cluster is fine', () => {
    expect(check({})).toEqual([]);
  });

  test('every finding is an error at the prop\'s path', () => {
    const findings = check({
      namespace: 'Azure',
      identities: [identity, identity],
      vaults: [{ resourceId: VAULT.replace('kv-app', 'k') }],
      clusters: [cluster(undefined, 'a'), cluster('', 'b'), cluster('x', 'c'), cluster('x', 'd')],
    });
    expect(findings.map(f => [f.severity, f.field])).toEqual([
      ['error', 'namespace'],
      ['error', 'identities[1].clientId'],
      ['error', 'identities[1].principalId'],
      ['error', 'identities[1].resourceId'],
      ['error', 'vaults[0].resourceId'], // "k" is not a vault name
      ['error', 'clusters[0].name'], // unnamed among several
      ['error', 'clusters[1].name'], // empty
      ['error', 'clusters[3].name'], // duplicate
    ]);
    expect(findings[4].rule).toMatch(/a Key Vault name has 3-24 characters/);
  });
});
