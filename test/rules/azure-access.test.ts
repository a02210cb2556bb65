import { checkAccessProps } from '../../src/rules/azure-access';

// The props' values are judged by validate's rules for the fields they become (test/rules/arm-id.test.ts,
// test/rules/aso.test.ts); here, the props' own rules and their paths.

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-apps/providers/Microsoft.KeyVault/vaults/kv-app`;

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
