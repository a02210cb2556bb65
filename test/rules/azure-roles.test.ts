import { ArmType } from '../../src/facts/azure';
import { dataActionCovers, KeyVaultRole, KNOWN_ROLES, knownRole, objectAccess, RoleFit } from '../../src/facts/key-vault-roles';
import { RoleReference } from '../../src/rules/aso';
import { missingAccess, missingOnVault, roleOnScope, VaultGrant } from '../../src/rules/azure-roles';

const byId = (id: string): RoleReference => ({ kind: 'id', id, armId: `/providers/Microsoft.Authorization/roleDefinitions/${id}` });
const grant = (name: string): VaultGrant => ({ label: name, dataActions: knownRole(name)!.dataActions });

describe('the built-in roles', () => {
  test('GUIDs are unique and lower case; names find roles case-insensitively (as ASO\'s wellKnownName)', () => {
    expect(new Set(KNOWN_ROLES.map(r => r.id)).size).toBe(KNOWN_ROLES.length);
    for (const r of KNOWN_ROLES) expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(knownRole('key vault secrets user')?.id).toBe(KeyVaultRole.SECRETS_USER.id);
    expect(knownRole(KeyVaultRole.READER.id.toUpperCase())?.name).toBe('Key Vault Reader');
    expect(knownRole('Storage Blob Data Reader')).toBeUndefined();
  });

  test('data action wildcards match as Azure RBAC does', () => {
    expect(dataActionCovers('Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/keys/read')).toBe(true);
    expect(dataActionCovers('Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/getSecret/action')).toBe(false);
    expect(dataActionCovers('Microsoft.KeyVault/vaults/*', 'microsoft.keyvault/vaults/secrets/getsecret/action')).toBe(true);
    expect(dataActionCovers('Microsoft.KeyVault/vaults/secrets/*', 'Microsoft.KeyVault/vaults/keys/read')).toBe(false);
    expect(dataActionCovers('Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keysXread')).toBe(false);
  });

  // What each object type needs, against each role: the least-privilege table of the README.
  test.each([
    ['secret', false, ['Key Vault Secrets User', 'Key Vault Certificate User', 'Key Vault Secrets Officer', 'Key Vault Administrator']],
    ['secret', true, ['Key Vault Secrets User', 'Key Vault Certificate User', 'Key Vault Secrets Officer', 'Key Vault Administrator']],
    ['key', false, ['Key Vault Reader', 'Key Vault Certificate User', 'Key Vault Administrator', 'Key Vault Crypto Officer', 'Key Vault Crypto User', 'Key Vault Crypto Service Encryption User']],
    ['cert', true, ['Key Vault Reader', 'Key Vault Certificate User', 'Key Vault Administrator', 'Key Vault Certificates Officer']],
  ])('%s (version history %s) is read by %j', (type, versions, roles) => {
    const access = objectAccess(type, versions)!;
    const covering = KNOWN_ROLES.filter(r => missingOnVault([grant(r.name)], access, 'x', false).length === 0).map(r => r.name);
    expect(covering.sort()).toEqual([...roles].sort());
    expect(covering).toContain(access.role.name);
  });

  test('an unknown object type has no access', () => {
    expect(objectAccess('certificate', false)).toBeUndefined();
  });
});

describe('roleOnScope', () => {
  const vault = ArmType.VAULT;
  test('the least-privilege roles, and Certificate User (read-only), pass on a vault or an object', () => {
    for (const r of [KeyVaultRole.SECRETS_USER, KeyVaultRole.READER, knownRole('Key Vault Certificate User')!]) {
      expect(roleOnScope(byId(r.id), vault)).toBeUndefined();
      expect(roleOnScope(byId(r.id), ArmType.VAULT_SECRET)).toBeUndefined();
    }
  });

  test('Key Vault Administrator: a warning naming the least-privilege roles', () => {
    const finding = roleOnScope(byId('00482a5a-887f-4fb3-b363-3b7fe8e74483'), vault)!;
    expect(finding).toMatchObject({ severity: 'warning', field: 'spec.roleDefinitionReference.armId' });
    expect(finding.rule).toMatch(/^Key Vault Administrator \(00482a5a-887f-4fb3-b363-3b7fe8e74483\) grants more than the provider needs/);
    expect(finding.fix).toContain(`Key Vault Secrets User (${KeyVaultRole.SECRETS_USER.id}) for secret objects`);
    expect(finding.fix).toContain(`Key Vault Reader (${KeyVaultRole.READER.id}) for key and cert objects`);
  });

  test.each(KNOWN_ROLES.filter(r => r.fit === RoleFit.BROADER).map(r => r.name))('%s is broader', name => {
    expect(roleOnScope({ kind: 'wellKnownName', name }, vault)).toMatchObject({ severity: 'warning', field: 'spec.roleDefinitionReference.wellKnownName' });
  });

  test('a management-plane role grants no read', () => {
    expect(roleOnScope(byId('b24988ac-6180-42a0-ab88-20f7382dd24c'), vault)?.rule).toMatch(/^Contributor .* grants no read of secrets, keys or certificates \(a management-plane role, no data actions\).*403 Forbidden/);
    expect(roleOnScope({ kind: 'wellKnownName', name: 'Key Vault Contributor' }, vault)?.severity).toBe('warning');
  });

  test('a role the library does not know', () => {
    const finding = roleOnScope(byId('aaaaaaaa-0000-0000-0000-000000000000'), vault)!;
    expect(finding.rule).toMatch(/role aaaaaaaa-0000-0000-0000-000000000000 is not a built-in role the library knows/);
    expect(roleOnScope({ kind: 'object', name: 'custom' }, vault)?.field).toBe('spec.roleDefinitionReference.name');
  });

  test('a Key Vault role on a resource group or subscription reaches every vault in it', () => {
    expect(roleOnScope(byId(KeyVaultRole.SECRETS_USER.id), ArmType.RESOURCE_GROUP)?.rule).toMatch(/on a whole resource group lets the identity into every vault in it/);
    expect(roleOnScope(byId(KeyVaultRole.SECRETS_USER.id), ArmType.SUBSCRIPTION)?.rule).toMatch(/whole subscription/);
    // Not a Key Vault grant: not judged.
    expect(roleOnScope(byId('acdd72a7-3385-48ef-bd42-f606fba81ae7'), ArmType.RESOURCE_GROUP)).toBeUndefined();
    expect(roleOnScope(byId('aaaaaaaa-0000-0000-0000-000000000000'), 'Microsoft.Storage/storageAccounts')).toBeUndefined();
    expect(roleOnScope(byId(KeyVaultRole.READER.id), undefined)).toBeUndefined();
  });
});

describe('missingOnVault and missingAccess', () => {
  const secret = objectAccess('secret', false)!;
  const secretVersions = objectAccess('secret', true)!;

  test('a secret read with only Key Vault Reader: the classic 403', () => {
    const missing = missingOnVault([grant('Key Vault Reader')], secret, 'db-password', false);
    expect(missing).toEqual(['Microsoft.KeyVault/vaults/secrets/getSecret/action']);
    const violation = missingAccess('class demo/app', 'kvname', [{ name: 'db-password', type: 'secret' }], secret, [grant('Key Vault Reader')], missing, false, 'field');
    expect(violation.rule).toBe('class demo/app reads secret "db-password" from vault "kvname" (the provider calls GetSecret), and its grants on the vault (Key Vault Reader) lack Microsoft.KeyVault/vaults/secrets/getSecret/action, so Key Vault answers 403 Forbidden at mount');
    expect(violation.fix).toBe(`assign Key Vault Secrets User (${KeyVaultRole.SECRETS_USER.id}) to the identity on the vault (or on each object)`);
  });

  test('grants combine; a per-object grant reaches only its object', () => {
    const getOnly: VaultGrant = { label: 'custom get', dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'] };
    expect(missingOnVault([getOnly], secretVersions, 's', false)).toEqual(['Microsoft.KeyVault/vaults/secrets/readMetadata/action']);
    expect(missingOnVault([getOnly, grant('Key Vault Reader')], secretVersions, 's', false)).toEqual([]);
    const perObject: VaultGrant = { ...grant('Key Vault Secrets User'), object: { collection: 'secrets', name: 'DB-Password' } };
    expect(missingOnVault([perObject], secret, 'db-password', false)).toEqual([]);
    expect(missingOnVault([perObject], secret, 'other', false)).toHaveLength(1);
    expect(missingOnVault([{ ...perObject, object: { collection: 'keys', name: 'db-password' } }], secret, 'db-password', false)).toHaveLength(1);
  });

  test('a role the library does not know is not judged', () => {
    expect(missingOnVault([{ label: 'custom' }], secret, 's', false)).toEqual([]);
  });

  test('access policies: get, and list for version history; roles do not apply to such a vault', () => {
    const policy = (secretPermissions: string[]): VaultGrant => ({ label: 'policy', accessPolicy: { secret: secretPermissions, key: [], certificate: [] } });
    expect(missingOnVault([policy(['get'])], secret, 's', true)).toEqual([]);
    expect(missingOnVault([policy(['get'])], secretVersions, 's', true)).toEqual(['secrets: list']);
    expect(missingOnVault([policy(['all'])], secretVersions, 's', true)).toEqual([]);
    expect(missingOnVault([grant('Key Vault Secrets User')], secret, 's', true)).toEqual(['secrets: get']);
    const violation = missingAccess('class batch/report', 'kv-legacy', [{ name: 's', type: 'secret' }], secretVersions, [], ['secrets: get', 'secrets: list'], true, 'field');
    expect(violation.rule).toMatch(/the input grants it nothing on the vault, and it needs secrets: get, secrets: list/);
    expect(violation.fix).toBe('grant the identity "get" and "list" on secrets in the vault\'s access policy');
  });
});
