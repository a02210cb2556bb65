import { DATA_ACTIONS_FOR_OBJECT_TYPE, KeyVaultRole, ROLE_FOR_OBJECT_TYPE, roleDefinitionArmId } from '../../src/facts/azure';

// The two built-in roles as Microsoft defines them (role JSON, `permissions[0].dataActions`):
// https://github.com/MicrosoftDocs/azure-docs/blob/9772bfe3ed75f1e87098b298f2efbd4ef84f6f74/articles/role-based-access-control/built-in-roles/security.md
const BUILT_IN = {
  'Key Vault Secrets User': {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  },
  'Key Vault Reader': {
    id: '21090545-7ca7-4776-b22c-e363652d74d2',
    dataActions: ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  },
};

/** Whether a role's data action (with ARM's `*` wildcard) grants `action`. */
function grants(roleActions: readonly string[], action: string): boolean {
  return roleActions.some(granted => new RegExp(`^${granted.split('*').map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(action));
}

test('the facts are the built-in role definitions', () => {
  for (const role of [KeyVaultRole.SECRETS_USER, KeyVaultRole.READER]) {
    const builtIn = BUILT_IN[role.name as keyof typeof BUILT_IN];
    expect({ id: role.id, dataActions: [...role.dataActions] }).toEqual(builtIn);
    expect(roleDefinitionArmId(role)).toBe(`/providers/Microsoft.Authorization/roleDefinitions/${builtIn.id}`);
  }
});

test('what the provider calls per object type (rbac-guide data actions)', () => {
  expect(DATA_ACTIONS_FOR_OBJECT_TYPE).toEqual({
    secret: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
    key: ['Microsoft.KeyVault/vaults/keys/read'],
    cert: ['Microsoft.KeyVault/vaults/certificates/read'],
  });
});

test.each(['secret', 'key', 'cert'])('%s: the role assigned grants every data action needed', objectType => {
  const role = ROLE_FOR_OBJECT_TYPE[objectType];
  const builtIn = BUILT_IN[role.name as keyof typeof BUILT_IN];
  for (const action of DATA_ACTIONS_FOR_OBJECT_TYPE[objectType]) expect(grants(builtIn.dataActions, action)).toBe(true);
});

test('least privilege: Key Vault Reader reads no secret value, Key Vault Secrets User no key or certificate', () => {
  const reader = BUILT_IN['Key Vault Reader'].dataActions;
  const secretsUser = BUILT_IN['Key Vault Secrets User'].dataActions;
  expect(grants(reader, 'Microsoft.KeyVault/vaults/secrets/getSecret/action')).toBe(false);
  expect(grants(reader, 'Microsoft.KeyVault/vaults/keys/decrypt/action')).toBe(false);
  expect(grants(secretsUser, 'Microsoft.KeyVault/vaults/keys/read')).toBe(false);
  expect(grants(secretsUser, 'Microsoft.KeyVault/vaults/certificates/read')).toBe(false);
  // So a key or certificate never gets the role that reads secret values.
  expect(ROLE_FOR_OBJECT_TYPE.key).toBe(KeyVaultRole.READER);
  expect(ROLE_FOR_OBJECT_TYPE.cert).toBe(KeyVaultRole.READER);
  expect(ROLE_FOR_OBJECT_TYPE.secret).toBe(KeyVaultRole.SECRETS_USER);
});
