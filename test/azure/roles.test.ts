import { KeyVaultRole, objectAccess, roleDefinitionArmId } from '../../src/facts/key-vault-roles';

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

// The table AzureAccess assigns from and validate checks against (objectAccess), per object type,
// without and with objectVersionHistory (listing versions).
const NEEDED = {
  secret: [['Microsoft.KeyVault/vaults/secrets/getSecret/action'], ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action']],
  key: [['Microsoft.KeyVault/vaults/keys/read'], ['Microsoft.KeyVault/vaults/keys/read']],
  cert: [['Microsoft.KeyVault/vaults/certificates/read'], ['Microsoft.KeyVault/vaults/certificates/read']],
};

test('what the provider calls per object type (rbac-guide data actions)', () => {
  for (const [type, [once, versions]] of Object.entries(NEEDED)) {
    expect([type, objectAccess(type, false)!.dataActions]).toEqual([type, once]);
    expect([type, objectAccess(type, true)!.dataActions]).toEqual([type, versions]);
  }
  expect(objectAccess('certificate', true)).toBeUndefined();
  expect(objectAccess('constructor', true)).toBeUndefined();
});

test.each(['secret', 'key', 'cert'])('%s: the role assigned grants every data action needed, versions listed too', objectType => {
  const role = objectAccess(objectType, true)!.role;
  const builtIn = BUILT_IN[role.name as keyof typeof BUILT_IN];
  for (const action of NEEDED[objectType as keyof typeof NEEDED][1]) expect(grants(builtIn.dataActions, action)).toBe(true);
});

test('least privilege: Key Vault Reader reads no secret value, Key Vault Secrets User no key or certificate', () => {
  const reader = BUILT_IN['Key Vault Reader'].dataActions;
  const secretsUser = BUILT_IN['Key Vault Secrets User'].dataActions;
  expect(grants(reader, 'Microsoft.KeyVault/vaults/secrets/getSecret/action')).toBe(false);
  expect(grants(reader, 'Microsoft.KeyVault/vaults/keys/decrypt/action')).toBe(false);
  expect(grants(secretsUser, 'Microsoft.KeyVault/vaults/keys/read')).toBe(false);
  expect(grants(secretsUser, 'Microsoft.KeyVault/vaults/certificates/read')).toBe(false);
  // So a key or certificate never gets the role that reads secret values.
  expect(objectAccess('key', true)!.role).toBe(KeyVaultRole.READER);
  expect(objectAccess('cert', true)!.role).toBe(KeyVaultRole.READER);
  expect(objectAccess('secret', true)!.role).toBe(KeyVaultRole.SECRETS_USER);
});

test('per-object scopes and access-policy permissions per object type', () => {
  expect(['secret', 'key', 'cert'].map(t => [objectAccess(t, false)!.collection, objectAccess(t, false)!.accessPolicy])).toEqual([
    ['secrets', { list: 'secret', permissions: ['get'] }],
    ['keys', { list: 'key', permissions: ['get'] }],
    ['certificates', { list: 'certificate', permissions: ['get'] }],
  ]);
  expect(objectAccess('cert', true)!.accessPolicy.permissions).toEqual(['get', 'list']);
});
