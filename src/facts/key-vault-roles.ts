import { BuiltInRole, KeyVaultRole } from './azure';

/**
 * Every built-in Azure role a Key Vault grant is likely to name, with its data actions, so the
 * checker can tell what a RoleAssignment lets the provider read and whether it grants more.
 * Source (role IDs and data actions, pinned):
 * https://github.com/MicrosoftDocs/azure-docs/blob/9772bfe3ed75f1e87098b298f2efbd4ef84f6f74/articles/role-based-access-control/built-in-roles/security.md
 * Owner, Contributor, Reader (no data actions):
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged
 */

/** How a role compares with what the provider needs. */
export enum RoleFit {
  /** One of the two roles the library assigns (KeyVaultRole). */
  LEAST_PRIVILEGE = 'least-privilege',
  /** Reads only, but more object kinds than one type needs (Key Vault Certificate User). */
  READ_ONLY = 'read-only',
  /** Writes, deletes, cryptographic operations or role management beyond reading. */
  BROADER = 'broader',
  /** No data action of Key Vault's objects at all: a management-plane role (the classic 403). */
  NO_DATA_ACCESS = 'no-data-access',
}

export interface KnownRole extends BuiltInRole {
  readonly fit: RoleFit;
}

const role = (name: string, id: string, fit: RoleFit, dataActions: string[]): KnownRole => ({ name, id, fit, dataActions });

/** Built-in roles by GUID (lower case). */
export const KNOWN_ROLES: readonly KnownRole[] = [
  { ...KeyVaultRole.SECRETS_USER, fit: RoleFit.LEAST_PRIVILEGE },
  // Key Vault Reader's data actions in full (KeyVaultRole.READER lists the ones the provider needs).
  role(KeyVaultRole.READER.name, KeyVaultRole.READER.id, RoleFit.LEAST_PRIVILEGE,
    ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action']),
  role('Key Vault Certificate User', 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba', RoleFit.READ_ONLY, [
    'Microsoft.KeyVault/vaults/certificates/read', 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
    'Microsoft.KeyVault/vaults/secrets/readMetadata/action', 'Microsoft.KeyVault/vaults/keys/read',
  ]),
  role('Key Vault Administrator', '00482a5a-887f-4fb3-b363-3b7fe8e74483', RoleFit.BROADER, ['Microsoft.KeyVault/vaults/*']),
  role('Key Vault Secrets Officer', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', RoleFit.BROADER, ['Microsoft.KeyVault/vaults/secrets/*']),
  role('Key Vault Certificates Officer', 'a4417e6f-fecd-4de8-b567-7b0420556985', RoleFit.BROADER, [
    'Microsoft.KeyVault/vaults/certificatecas/*', 'Microsoft.KeyVault/vaults/certificates/*', 'Microsoft.KeyVault/vaults/certificatecontacts/write',
  ]),
  role('Key Vault Crypto Officer', '14b46e9e-c2b7-41b4-b07b-48a6ebf60603', RoleFit.BROADER, [
    'Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*',
  ]),
  role('Key Vault Crypto User', '12338af0-0e69-4776-bea7-57ae8d297424', RoleFit.BROADER, [
    'Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/update/action', 'Microsoft.KeyVault/vaults/keys/backup/action',
    'Microsoft.KeyVault/vaults/keys/encrypt/action', 'Microsoft.KeyVault/vaults/keys/decrypt/action', 'Microsoft.KeyVault/vaults/keys/wrap/action',
    'Microsoft.KeyVault/vaults/keys/unwrap/action', 'Microsoft.KeyVault/vaults/keys/sign/action', 'Microsoft.KeyVault/vaults/keys/verify/action',
  ]),
  role('Key Vault Crypto Service Encryption User', 'e147488a-f6f5-4113-8e2d-b22465e65bf6', RoleFit.BROADER, [
    'Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/wrap/action', 'Microsoft.KeyVault/vaults/keys/unwrap/action',
  ]),
  role('Key Vault Crypto Service Release User', '08bbd89e-9f13-488c-ac41-acfcb10c90ab', RoleFit.NO_DATA_ACCESS, ['Microsoft.KeyVault/vaults/keys/release/action']),
  role('Key Vault Data Access Administrator', '8b54135c-b56d-4d72-a534-26097cfdc8d8', RoleFit.NO_DATA_ACCESS, []),
  role('Key Vault Contributor', 'f25e0fa2-a7c8-4377-a976-54943a77a395', RoleFit.NO_DATA_ACCESS, []),
  role('Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', RoleFit.NO_DATA_ACCESS, []),
  role('Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c', RoleFit.NO_DATA_ACCESS, []),
  role('Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7', RoleFit.NO_DATA_ACCESS, []),
];

/** A known role by GUID or by name (ASO's `wellKnownName`, matched case-insensitively as ASO does). */
export function knownRole(idOrName: string): KnownRole | undefined {
  const key = idOrName.trim().toLowerCase();
  return KNOWN_ROLES.find(r => r.id === key || r.name.toLowerCase() === key);
}

/** What the provider does for one object, and what lets it. */
export interface ObjectAccess {
  /** The provider's call. */
  readonly call: string;
  /** Data actions a role must grant (RBAC permission model). */
  readonly dataActions: readonly string[];
  /** Access-policy permissions (`az keyvault set-policy`): the list name and the permissions. */
  readonly accessPolicy: { readonly list: 'secret' | 'key' | 'certificate'; readonly permissions: readonly string[] };
  /** The least-privilege role that grants it. */
  readonly role: BuiltInRole;
  /** Where a per-object grant is scoped: `…/vaults/<v>/<collection>/<name>`. */
  readonly collection: 'secrets' | 'keys' | 'certificates';
}

/**
 * What reading one object needs, by `objectType`; `versions`: objectVersionHistory > 1 lists the
 * object's versions (readMetadata for secrets; keys/read and certificates/read list too; the
 * access-policy `list` permission).
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/provider.go
 */
export function objectAccess(objectType: string, versions: boolean): ObjectAccess | undefined {
  const list = versions ? ['list'] : [];
  switch (objectType) {
    case 'secret':
      return {
        call: 'GetSecret',
        dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', ...versions ? ['Microsoft.KeyVault/vaults/secrets/readMetadata/action'] : []],
        accessPolicy: { list: 'secret', permissions: ['get', ...list] },
        role: KeyVaultRole.SECRETS_USER,
        collection: 'secrets',
      };
    case 'key':
      return {
        call: 'GetKey',
        dataActions: ['Microsoft.KeyVault/vaults/keys/read'],
        accessPolicy: { list: 'key', permissions: ['get', ...list] },
        role: KeyVaultRole.READER,
        collection: 'keys',
      };
    case 'cert':
      return {
        call: 'GetCertificate',
        dataActions: ['Microsoft.KeyVault/vaults/certificates/read'],
        accessPolicy: { list: 'certificate', permissions: ['get', ...list] },
        role: KeyVaultRole.READER,
        collection: 'certificates',
      };
    default:
      return undefined;
  }
}

/** Whether a role's data action (Azure RBAC wildcards: `*` matches any characters) covers an action; case-insensitive, as ARM compares them. */
export function dataActionCovers(granted: string, needed: string): boolean {
  const pattern = granted.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`, 'i').test(needed);
}

/**
 * Access-policy permission names `az keyvault set-policy` accepts, per list.
 * https://learn.microsoft.com/cli/azure/keyvault#az-keyvault-set-policy
 */
export const ACCESS_POLICY_PERMISSIONS: Readonly<Record<'secret' | 'key' | 'certificate', readonly string[]>> = {
  secret: ['all', 'backup', 'delete', 'get', 'list', 'purge', 'recover', 'restore', 'set'],
  key: [
    'all', 'backup', 'create', 'decrypt', 'delete', 'encrypt', 'get', 'getrotationpolicy', 'import', 'list', 'purge', 'recover', 'release',
    'restore', 'rotate', 'setrotationpolicy', 'sign', 'unwrapkey', 'update', 'verify', 'wrapkey',
  ],
  certificate: [
    'all', 'backup', 'create', 'delete', 'deleteissuers', 'get', 'getissuers', 'import', 'list', 'listissuers', 'managecontacts', 'manageissuers',
    'purge', 'recover', 'restore', 'setissuers', 'update',
  ],
};
