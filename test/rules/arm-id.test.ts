import { ArmType, armIdKey, armIdOfType, formatArmId, nameOf, parseArmId, sameType, typeOf, vaultOf, VAULT_SCOPES } from '../../src/rules/arm-id';

const SUB = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-vaults/providers/Microsoft.KeyVault/vaults/kvname`;

/**
 * The `armId` pattern of every ASO resource reference, as the CRDs publish it (e.g. the
 * RoleAssignment schema's spec.owner.armId, datreeio/CRDs-catalog@3fc07a02
 * authorization.azure.com/roleassignment_v1api20220401.json); `(?i)` is the `i` flag.
 */
const ASO_ARM_ID = /(^(\/subscriptions\/([^/]+)(\/resourcegroups\/([^/]+))?)?\/providers\/([^/]+)\/([^/]+\/[^/]+)(\/([^/]+\/[^/]+))*$|^\/subscriptions\/([^/]+)(\/resourcegroups\/([^/]+))?$)/i;

describe('parseArmId', () => {
  test('a resource in a resource group', () => {
    expect(parseArmId(VAULT)).toEqual({ subscription: SUB, resourceGroup: 'rg-vaults', namespace: 'Microsoft.KeyVault', types: ['vaults'], names: ['kvname'] });
  });

  test('a child resource, a resource group, a subscription, a tenant-level role definition', () => {
    expect(parseArmId(`${VAULT}/secrets/db-password`)).toMatchObject({ types: ['vaults', 'secrets'], names: ['kvname', 'db-password'] });
    expect(parseArmId(`/subscriptions/${SUB}/resourceGroups/rg`)).toEqual({ subscription: SUB, resourceGroup: 'rg', types: [], names: [] });
    expect(parseArmId(`/subscriptions/${SUB}`)).toEqual({ subscription: SUB, resourceGroup: undefined, types: [], names: [] });
    expect(parseArmId('/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6'))
      .toEqual({ subscription: undefined, resourceGroup: undefined, namespace: 'Microsoft.Authorization', types: ['roleDefinitions'], names: ['4633458b-17de-408a-b874-0445c86b69e6'] });
  });

  test('fixed segments, namespaces and types are case-insensitive, as ARM treats them', () => {
    const id = parseArmId(`/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/rg/PROVIDERS/microsoft.keyvault/VAULTS/kv`)!;
    expect(id.resourceGroup).toBe('rg');
    expect(sameType(typeOf(id), ArmType.VAULT)).toBe(true);
    expect(armIdKey(id)).toBe(armIdKey(parseArmId(`/subscriptions/${SUB}/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/KV`)!));
    expect(vaultOf(id)?.name).toBe('kv');
  });

  test.each([
    '', '/', 'subscriptions/x', `${VAULT}/`, `/subscriptions/${SUB}//resourceGroups/rg`, `/subscriptions/${SUB}/resourceGroups`,
    `/subscriptions/${SUB}/resourceGroups/rg/providers`, `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault`,
    `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults`, `/subscriptions/${SUB}/foo/bar`, '/providers/Microsoft.KeyVault/vaults/kv/secrets',
  ])('%j is not an ARM ID', value => {
    expect(parseArmId(value)).toBeUndefined();
  });

  test('accepts exactly what ASO\'s armId pattern accepts', () => {
    const samples = [
      VAULT, `${VAULT}/secrets/a`, `/subscriptions/${SUB}`, `/subscriptions/${SUB}/resourceGroups/rg`, '/providers/Microsoft.Authorization/roleDefinitions/x',
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/x`, `${VAULT}/providers/Microsoft.Authorization/roleAssignments/y`,
      '', '/', 'x', `${VAULT}/`, `${VAULT}/secrets`, `/subscriptions/${SUB}/resourceGroups`, `/subscriptions/${SUB}/x/y`, '/providers/a', '/providers/a/b',
      '//providers/a/b/c', '/subscriptions/a b/resourceGroups/c \'d\'/providers/e/f/g $(h)', '/resourcegroups/rg/providers/a/b/c', '/subscriptions//providers/a/b/c',
    ];
    for (const s of samples) expect([s, parseArmId(s) !== undefined]).toEqual([s, ASO_ARM_ID.test(s)]);
  });

  test('formats back to the same ID, and names its resource', () => {
    for (const s of [VAULT, `${VAULT}/keys/k`, `/subscriptions/${SUB}/resourceGroups/rg`, '/providers/Microsoft.Authorization/roleDefinitions/x']) {
      expect(formatArmId(parseArmId(s)!)).toBe(s);
    }
    expect(nameOf(parseArmId(`${VAULT}/keys/k`)!)).toBe('k');
    expect(nameOf(parseArmId(`/subscriptions/${SUB}/resourceGroups/rg`)!)).toBe('rg');
  });
});

describe('armIdOfType', () => {
  const vault = (value: unknown) => armIdOfType(value, [ArmType.VAULT], 'the vault');

  test('accepts the ID of the expected type', () => {
    expect(vault(VAULT)).toBeUndefined();
    expect(armIdOfType(`${VAULT}/certificates/tls`, VAULT_SCOPES, 'the scope')).toBeUndefined();
    expect(armIdOfType('/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6', [ArmType.ROLE_DEFINITION], 'the role')).toBeUndefined();
  });

  test.each([
    [undefined, /the vault must be an ARM resource ID/],
    ['kvname', /must be an ARM resource ID \(\/subscriptions\/<subscription>/],
    ['/subscriptions/<subscription id>/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv', /looks like a placeholder/],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`, /must be a Microsoft\.KeyVault\/vaults, not a Microsoft\.ContainerService\/managedClusters/],
    ['/subscriptions/my-sub/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv', /the subscription "my-sub" must be a GUID/],
    [`/subscriptions/${SUB}/resourceGroups/rg./providers/Microsoft.KeyVault/vaults/kv`, /the resource group "rg\." is not a valid name/],
    [`/subscriptions/${SUB}/resourceGroups/r g/providers/Microsoft.KeyVault/vaults/kv`, /the resource group "r g" is not a valid name/],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/k--v`, /the vault name "k--v" is invalid/],
    [`/subscriptions/${SUB}/providers/Microsoft.KeyVault/vaults/kv`, /must name its subscription and resource group/],
  ])('%j', (value, rule) => {
    const violation = vault(value);
    expect(violation?.rule ?? violation?.fix).toMatch(rule);
    expect(violation?.fix).toMatch(/\/subscriptions\/00000000-0000-0000-0000-000000000000\/resourceGroups\/my-group\/providers\/Microsoft\.KeyVault\/vaults\/my-vault|az account show|az group list|vault name/);
  });

  test('an object of a vault keeps the object name rule', () => {
    expect(armIdOfType(`${VAULT}/secrets/db_password`, VAULT_SCOPES, 'the scope')?.rule).toMatch(/the object name "db_password" is invalid/);
  });
});
