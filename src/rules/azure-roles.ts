import { ArmType, sameType, VAULT_SCOPES } from './arm-id';
import { RoleReference } from './aso';
import { Finding, warning } from './model';
import { KeyVaultRole } from '../facts/azure';
import { dataActionCovers, KnownRole, knownRole, ObjectAccess, RoleFit } from '../facts/key-vault-roles';

/**
 * Rules of the roles Key Vault grants name: what a role lets the provider read, and whether it
 * grants more than that (least privilege: Key Vault Secrets User for `secret` objects, Key Vault
 * Reader for `key` and `cert` objects).
 */

const roleText = (role: { name: string; id: string }) => `${role.name} (${role.id})`;

/** The fix that names the least-privilege roles. */
export const LEAST_PRIVILEGE_FIX = `assign ${roleText(KeyVaultRole.SECRETS_USER)} for secret objects (a certificate read as a secret too) and ${roleText(KeyVaultRole.READER)} for key and cert objects`;

/** The built-in role a reference names, if the library knows it. */
export function roleOf(ref: RoleReference): KnownRole | undefined {
  return ref.kind === 'object' ? undefined : knownRole(ref.kind === 'id' ? ref.id : ref.name);
}

const describe = (ref: RoleReference) => ref.kind === 'id' ? ref.id : ref.kind === 'wellKnownName' ? `"${ref.name}"` : `RoleDefinition "${ref.name}"`;
const fieldOf = (ref: RoleReference) => `spec.roleDefinitionReference.${ref.kind === 'id' ? 'armId' : ref.kind === 'wellKnownName' ? 'wellKnownName' : 'name'}`;

/**
 * The role of an assignment on its scope: on a vault (or an object in it), a role the library does
 * not know, one broader than reading, or one without data access; a Key Vault data role on a
 * resource group or subscription reaches every vault in it.
 * @param scopeType resource type of the scope, undefined when not resolved
 */
export function roleOnScope(ref: RoleReference, scopeType: string | undefined): Finding | undefined {
  if (scopeType === undefined) return undefined;
  const role = roleOf(ref);
  const value = ref.kind === 'id' ? ref.armId : ref.name;
  if (VAULT_SCOPES.some(t => sameType(t, scopeType))) {
    if (!role) {
      return warning(fieldOf(ref), value,
        `role ${describe(ref)} is not a built-in role the library knows, so what it lets the identity do in the vault was not checked`,
        `${LEAST_PRIVILEGE_FIX}, or make sure the role grants only the data actions the provider needs (getSecret, keys/read, certificates/read)`);
    }
    switch (role.fit) {
      case RoleFit.BROADER:
        return warning(fieldOf(ref), value,
          `${roleText(role)} grants more than the provider needs (data actions ${role.dataActions.join(', ')}), and the provider only reads`,
          LEAST_PRIVILEGE_FIX);
      case RoleFit.NO_DATA_ACCESS:
        return warning(fieldOf(ref), value,
          `${roleText(role)} grants no read of secrets, keys or certificates${role.dataActions.length ? '' : ' (a management-plane role, no data actions)'}, so the provider's reads with only this role fail with 403 Forbidden`,
          LEAST_PRIVILEGE_FIX);
      default:
        return undefined;
    }
  }
  const broadScope = sameType(scopeType, ArmType.RESOURCE_GROUP) || sameType(scopeType, ArmType.SUBSCRIPTION);
  if (broadScope && role && role.dataActions.some(a => /^Microsoft\.KeyVault\//i.test(a))) {
    return warning('spec.owner', value,
      `${roleText(role)} on a whole ${sameType(scopeType, ArmType.RESOURCE_GROUP) ? 'resource group' : 'subscription'} lets the identity into every vault in it`,
      'assign the role on the vault the classes read (owner.armId: the vault\'s resource ID)');
  }
  return undefined;
}

/** One grant of an identity on a vault, as coverage needs it. */
export interface VaultGrant {
  /** What the grant is, for messages: "Key Vault Reader", "access policy (secrets: get)". */
  readonly label: string;
  /** Data actions (RBAC); undefined for a role the library does not know (assumed to cover, not judged). */
  readonly dataActions?: readonly string[];
  /** Access-policy permissions per list (an access-policy grant). */
  readonly accessPolicy?: { readonly secret: readonly string[]; readonly key: readonly string[]; readonly certificate: readonly string[] };
  /** A grant on one object: `…/vaults/<v>/<collection>/<name>`; undefined for the whole vault (or broader). */
  readonly object?: { readonly collection: string; readonly name: string };
}

/** Whether a grant reaches an object: the whole vault (or more), or that object. */
function reaches(grant: VaultGrant, access: ObjectAccess, objectName: string): boolean {
  if (!grant.object) return true;
  return grant.object.collection.toLowerCase() === access.collection && grant.object.name.toLowerCase() === objectName.toLowerCase();
}

/**
 * What reading an object needs that an identity's grants on the vault do not give: data actions
 * (RBAC), or `<list>s: <permission>` (a vault with access policies, where roles do not apply).
 * Empty when covered, or when a role the library does not know reaches the object (not judged).
 */
export function missingOnVault(grants: readonly VaultGrant[], access: ObjectAccess, objectName: string, accessPolicyVault: boolean): string[] {
  const applicable = grants.filter(g => (g.accessPolicy !== undefined) === accessPolicyVault && reaches(g, access, objectName));
  if (accessPolicyVault) {
    const list = access.accessPolicy.list;
    return access.accessPolicy.permissions
      .filter(p => !applicable.some(g => g.accessPolicy![list].includes(p) || g.accessPolicy![list].includes('all')))
      .map(p => `${list}s: ${p}`);
  }
  if (applicable.some(g => g.dataActions === undefined)) return [];
  return access.dataActions.filter(needed => !applicable.some(g => g.dataActions!.some(granted => dataActionCovers(granted, needed))));
}

/**
 * An identity's grants on a vault do not let the provider read some of a class's objects: Key
 * Vault answers 403 Forbidden at mount (the classic: a secret read with only Key Vault Reader).
 * @param reader "class demo/app (client ID …)"
 * @param objects the objects not covered, all needing `access` and lacking `missing`
 */
export function missingAccess(
  reader: string, vault: string, objects: readonly { name: string; type: string }[], access: ObjectAccess,
  grants: readonly VaultGrant[], missing: readonly string[], accessPolicyVault: boolean, field: string,
): Finding {
  const what = objects.map(o => `${o.type} "${o.name}"`).join(', ');
  const labels = [...new Set(grants.map(g => g.label))];
  const has = labels.length ? `its grants on the vault (${labels.join(', ')}) lack` : 'the input grants it nothing on the vault, and it needs';
  const versions = access.dataActions.length > 1 || access.accessPolicy.permissions.includes('list') ? ' and lists versions for objectVersionHistory' : '';
  return {
    ruleId: 'azure-role-coverage',
    field,
    value: vault,
    severity: 'error',
    rule: `${reader} reads ${what} from vault "${vault}" (the provider calls ${access.call}${versions}), and ${has} ${missing.join(', ')}, so Key Vault answers 403 Forbidden at mount`,
    fix: accessPolicyVault
      ? `grant the identity ${access.accessPolicy.permissions.map(p => `"${p}"`).join(' and ')} on ${access.accessPolicy.list}s in the vault's access policy`
      : `assign ${roleText(access.role)} to the identity on the vault (or on each object)`,
  };
}
