import { Manifest, textOf } from './finding';
import { NodePath } from './location';
import { ArmType, AsoGroupKind, AsoKind } from '../facts/azure';
import { ArmId, parseArmId } from '../rules/arm-id';
import { clientIdAnnotation, isAccessPolicyRecord } from '../rules/aso';
import { isGuid } from '../rules/values';

/**
 * The Azure Service Operator objects of the input (and the access-policy records `AzureAccess`
 * writes), with their references resolved: an `armId` as written, a `name` through the ASO
 * objects of the same namespace in the input (UserAssignedIdentity, ManagedCluster, Vault,
 * ResourceGroup), as ASO resolves owners. A ResourceGroup's subscription is the one of ASO's
 * credential, which the manifests do not say: such IDs have no subscription.
 */

export type AzureKind = 'RoleAssignment' | 'IdentityBinding' | 'FederatedIdentityCredential' | 'AccessPolicy';

/** One object of the Azure side. */
export interface AzureObject {
  readonly manifest: Manifest;
  readonly kind: AzureKind;
  /** The client ID annotation, lower case, when it is a GUID. */
  readonly clientId?: string;
}

/** Where a reference leads: an ARM ID, or why it could not be followed (the shape is the rules' finding). */
export type Resolution =
  | { readonly id: ArmId }
  | { readonly unresolved: string }
  | { readonly invalid: true };


/** The ARM resource type of each ASO kind a reference may name. */
const RESOURCE_TYPES: readonly { gk: AsoGroupKind; type: string }[] = [
  { gk: AsoKind.USER_ASSIGNED_IDENTITY, type: ArmType.USER_ASSIGNED_IDENTITY },
  { gk: AsoKind.MANAGED_CLUSTER, type: ArmType.MANAGED_CLUSTER },
  { gk: AsoKind.VAULT, type: ArmType.VAULT },
];

/** The ASO kinds a reference may name by name: the resource types and resource groups. */
const REFERENCED_KINDS = [...RESOURCE_TYPES.map(r => r.gk), AsoKind.RESOURCE_GROUP];

const groupOf = (m: Manifest) => m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
const is = (m: Manifest, gk: AsoGroupKind) => m.kind === gk.kind && groupOf(m) === gk.group;
const azureName = (m: Manifest) => typeof m.body.spec?.azureName === 'string' && m.body.spec.azureName !== '' ? m.body.spec.azureName : m.name;

/** The Azure objects and the ASO resources they may reference by name. */
export class AzureInput {
  public readonly objects: AzureObject[] = [];
  private readonly resources = new Map<string, Manifest>();
  private readonly configMaps = new Map<string, Manifest>();

  constructor(manifests: readonly Manifest[]) {
    for (const m of manifests) {
      const kind: AzureKind | undefined = is(m, AsoKind.ROLE_ASSIGNMENT) ? 'RoleAssignment'
        : is(m, AsoKind.IDENTITY_BINDING) ? 'IdentityBinding'
          : is(m, AsoKind.FEDERATED_IDENTITY_CREDENTIAL) ? 'FederatedIdentityCredential'
            : isAccessPolicyRecord(m.body) ? 'AccessPolicy' : undefined;
      if (kind) {
        const annotation = clientIdAnnotation(m.body);
        const clientId = typeof annotation === 'string' && isGuid(annotation) ? annotation.toLowerCase() : undefined;
        this.objects.push({ manifest: m, kind, clientId });
      } else if (REFERENCED_KINDS.some(gk => is(m, gk))) {
        this.resources.set(key(m.namespace, groupOf(m), m.kind, m.name), m);
      }
      if (m.kind === 'ConfigMap' && m.apiVersion === 'v1') this.configMaps.set(`${m.namespace ?? ''}/${m.name}`, m);
    }
  }

  public of(kind: AzureKind): AzureObject[] {
    return this.objects.filter(o => o.kind === kind);
  }

  /**
   * Follows a reference of an object in `namespace`.
   * @param fixed the kind the reference names when it has no group and kind of its own (a "known" reference)
   */
  public resolve(ref: unknown, namespace: string | undefined, fixed?: AsoGroupKind, depth = 0): Resolution {
    if (typeof ref !== 'object' || ref === null) return { invalid: true };
    const { armId, name, group, kind } = ref as Record<string, unknown>;
    if (armId !== undefined) {
      const id = typeof armId === 'string' ? parseArmId(armId) : undefined;
      return id ? { id } : { invalid: true };
    }
    if (typeof name !== 'string' || name === '') return { invalid: true };
    const gk = typeof group === 'string' && typeof kind === 'string' ? { group, kind } : fixed;
    if (!gk) return { invalid: true };
    const where = `${gk.kind} "${name}" (${gk.group}) in namespace "${namespace ?? ''}"`;
    const target = this.resources.get(key(namespace, gk.group, gk.kind, name));
    if (!target || depth > 4) return { unresolved: `${where} is not in the input` };
    if (is(target, AsoKind.RESOURCE_GROUP)) return { id: { resourceGroup: azureName(target), types: [], names: [] } };
    const type = RESOURCE_TYPES.find(r => is(target, r.gk))!.type;
    const owner = this.resolve(target.body.spec?.owner, target.namespace, AsoKind.RESOURCE_GROUP, depth + 1);
    if (!('id' in owner)) return 'unresolved' in owner ? { unresolved: `the owner of ${where}: ${owner.unresolved}` } : { unresolved: `${where} has no valid owner` };
    if (owner.id.namespace !== undefined || owner.id.resourceGroup === undefined) return { unresolved: `the owner of ${where} is not a resource group` };
    const [namespaceName, ...types] = type.split('/');
    return { id: { ...owner.id, namespace: namespaceName, types, names: [azureName(target)] } };
  }

  /** A value from a ConfigMap of the input (`principalIdFromConfig`), or why not. */
  public fromConfig(ref: unknown, namespace: string | undefined): { value: string } | { unresolved: string } {
    const { name, key: entry } = (typeof ref === 'object' && ref !== null ? ref : {}) as Record<string, unknown>;
    const configMap = typeof name === 'string' ? this.configMaps.get(`${namespace ?? ''}/${name}`) : undefined;
    const value = typeof entry === 'string' ? configMap?.body.data?.[entry] : undefined;
    if (typeof value === 'string') return { value };
    return { unresolved: `ConfigMap "${textOf(name)}" with key "${textOf(entry)}" in namespace "${namespace ?? ''}" is not in the input` };
  }
}

function key(namespace: string | undefined, group: string, kind: string, name: string): string {
  return `${namespace ?? ''}/${group}/${kind}/${name}`;
}

/** The references of each kind: the field, the kind a name refers to, and what it is. */
export const REFERENCES: Record<Exclude<AzureKind, 'AccessPolicy'>, readonly { path: NodePath; fixed?: AsoGroupKind }[]> = {
  RoleAssignment: [{ path: ['spec', 'owner'] }],
  IdentityBinding: [
    { path: ['spec', 'owner'], fixed: AsoKind.MANAGED_CLUSTER },
    { path: ['spec', 'properties', 'managedIdentity', 'resourceReference'], fixed: AsoKind.USER_ASSIGNED_IDENTITY },
  ],
  FederatedIdentityCredential: [{ path: ['spec', 'owner'], fixed: AsoKind.USER_ASSIGNED_IDENTITY }],
};

/** The value at a path of a body. */
export function at(body: any, nodePath: NodePath): any {
  let value = body;
  for (const k of nodePath) value = value?.[k];
  return value;
}
