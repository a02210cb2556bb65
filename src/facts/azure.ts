/**
 * The Azure side of Key Vault access as Azure Service Operator v2 (ASO) objects: the kinds, names,
 * annotations and conventions that `AzureAccess` writes and `validate` and the `azure-cli` script
 * read, and the ARM resource types they name. Roles and permissions are in ./key-vault-roles.
 * Sources (pinned):
 * - ASO resources: https://github.com/Azure/azure-service-operator/tree/e7c90009c74756734e3eeb2adf8368e066c12e31/v2/api
 * - Kind schemas: https://github.com/datreeio/CRDs-catalog/tree/3fc07a02b8d1368d44541868c7726f9954f32e87 (RoleAssignment,
 *   FederatedIdentityCredential) and ASO's Go types for IdentityBinding (both pinned in projenrc/upstream.ts)
 * - ARM resource IDs: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */
import { Audience } from './constants';
import { AccessPolicyList } from './key-vault-roles';

/** An ASO kind by API group and kind (`validate` reads every version of the group). */
export interface AsoGroupKind {
  readonly group: string;
  readonly kind: string;
}

/** An ASO kind `AzureAccess` writes, with the version it writes. */
export interface AsoWrittenKind extends AsoGroupKind {
  readonly version: string;
}

/**
 * The ASO kinds of the Azure side. The first three are written (in the version given) and checked;
 * the others are owners that objects may reference by `name` instead of `armId`. First ASO releases
 * that serve the versions written (ASO's "Supported Resources" pages,
 * https://github.com/Azure/azure-service-operator/blob/0225f5f2d83ec752d5cdf5a06d9b76f168ccea12/docs/hugo/content/reference/authorization/_index.md
 * and https://github.com/Azure/azure-service-operator/blob/142b98f350cb1300365415bf5a439654d8a16b15/docs/hugo/content/reference/managedidentity/_index.md).
 */
export const AsoKind = {
  /** RoleAssignment: ASO v2.4.0 and later. */
  ROLE_ASSIGNMENT: { group: 'authorization.azure.com', version: 'v1api20220401', kind: 'RoleAssignment' } as AsoWrittenKind,
  /** IdentityBinding: ARM 2025-10-02-preview, ASO v2.18.0 and later (`ASO_IDENTITY_BINDING_MIN_VERSION`). */
  IDENTITY_BINDING: { group: 'containerservice.azure.com', version: 'v20251002preview', kind: 'IdentityBinding' } as AsoWrittenKind,
  /** FederatedIdentityCredential (child of a UserAssignedIdentity): ASO v2.5.0 and later. */
  FEDERATED_IDENTITY_CREDENTIAL: { group: 'managedidentity.azure.com', version: 'v1api20230131', kind: 'FederatedIdentityCredential' } as AsoWrittenKind,
  USER_ASSIGNED_IDENTITY: { group: 'managedidentity.azure.com', kind: 'UserAssignedIdentity' } as AsoGroupKind,
  MANAGED_CLUSTER: { group: 'containerservice.azure.com', kind: 'ManagedCluster' } as AsoGroupKind,
  VAULT: { group: 'keyvault.azure.com', kind: 'Vault' } as AsoGroupKind,
  RESOURCE_GROUP: { group: 'resources.azure.com', kind: 'ResourceGroup' } as AsoGroupKind,
} as const;

/** `apiVersion` of a kind written, e.g. `authorization.azure.com/v1api20220401`. */
export function apiVersionOf(kind: AsoWrittenKind): string {
  return `${kind.group}/${kind.version}`;
}

/** First ASO release with `containerservice.azure.com/v20251002preview` IdentityBinding. */
export const ASO_IDENTITY_BINDING_MIN_VERSION = 'v2.18.0';

/**
 * Annotations `AzureAccess` puts on every object it writes, so that `validate` can tie an ASO
 * object back to the classes it serves (ASO ignores annotations it does not own).
 */
export const AzureAnnotation = {
  /** Client ID of the managed identity the object grants, binds or federates. */
  CLIENT_ID: 'keyvault-csi.cdk8s.io/client-id',
} as const;

/**
 * ARM resource types the Azure side names (`<namespace>/<type>[/<child type>]`), spelled as Azure
 * documents them; ARM compares them case-insensitively (rules/arm-id.ts `sameType`).
 */
export const ArmType = {
  SUBSCRIPTION: 'Microsoft.Resources/subscriptions',
  RESOURCE_GROUP: 'Microsoft.Resources/resourceGroups',
  VAULT: 'Microsoft.KeyVault/vaults',
  VAULT_SECRET: 'Microsoft.KeyVault/vaults/secrets',
  VAULT_KEY: 'Microsoft.KeyVault/vaults/keys',
  VAULT_CERTIFICATE: 'Microsoft.KeyVault/vaults/certificates',
  MANAGED_CLUSTER: 'Microsoft.ContainerService/managedClusters',
  USER_ASSIGNED_IDENTITY: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  ROLE_DEFINITION: 'Microsoft.Authorization/roleDefinitions',
} as const;

/** A vault and the objects in it: the scopes of a Key Vault grant (`grantScope: 'object'` for the objects). */
export const VAULT_SCOPES: readonly string[] = [ArmType.VAULT, ArmType.VAULT_SECRET, ArmType.VAULT_KEY, ArmType.VAULT_CERTIFICATE];

/**
 * Azure name patterns of the kinds, from their schemas (the CRD rejects an object that breaks them).
 * IdentityBinding: `^[a-z][a-z0-9]{0,63}$`, 1–63 characters (no hyphens); ASO takes the name from
 * `metadata.name` when `azureName` is unset, so `AzureAccess` makes both match it.
 */
export const AsoNamePattern = {
  IDENTITY_BINDING: /^[a-z][a-z0-9]{0,63}$/,
  IDENTITY_BINDING_MAX_LENGTH: 63,
  FEDERATED_IDENTITY_CREDENTIAL: /^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$/,
  FEDERATED_IDENTITY_CREDENTIAL_MAX_LENGTH: 120,
} as const;

/**
 * The federated credential AKS creates on an identity for identity binding (`az aks
 * identity-binding create`), shared by all the identity's bindings; AKS says not to modify or delete it.
 */
export const AKS_IDENTITY_BINDING_CREDENTIAL = 'aks-identity-binding';

/** `spec.principalType` of every RoleAssignment written: managed identities are service principals. */
export const ROLE_ASSIGNMENT_PRINCIPAL_TYPE = 'ServicePrincipal';

/** `spec.audiences` of every FederatedIdentityCredential written (the workload-identity token audience). */
export const FEDERATED_CREDENTIAL_AUDIENCES: readonly string[] = [Audience.WORKLOAD_IDENTITY];

/** The federated credential subject of a Kubernetes ServiceAccount's tokens. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/**
 * The record of a grant on a vault with the access-policy permission model. ASO writes access
 * policies only as part of a Vault it owns, so `AzureAccess` writes no RoleAssignment for such a
 * vault and records each grant as a ConfigMap in its namespace instead, annotated with the client
 * ID like every object it writes; the `azure-cli` script prints the records of one identity and
 * vault as one `az keyvault set-policy`, and `validate` counts them as the identity's grants. One
 * record per (identity, vault, permission list), as one RoleAssignment per role:
 *
 * ```yaml
 * kind: ConfigMap
 * metadata:
 *   labels: { keyvault-csi.cdk8s.io/access-policy: "true" }
 *   annotations: { keyvault-csi.cdk8s.io/client-id: <client ID> }
 * data:
 *   vaultResourceId: /subscriptions/…/providers/Microsoft.KeyVault/vaults/<name>
 *   objectId: <principal ID>
 *   secretPermissions: get list    # space-separated `az keyvault set-policy` permission names
 * ```
 *
 * `AzureAccess` grants `get list` (`objectAccess(type, true)`): the reach of the RBAC roles
 * (Secrets User's readMetadata and Reader's read list too), and enough for `objectVersionHistory`.
 */
export const AccessPolicyRecord = {
  /** Label that marks the ConfigMap as an access-policy record, with `LABEL_VALUE`. */
  LABEL: 'keyvault-csi.cdk8s.io/access-policy',
  LABEL_VALUE: 'true',
  /** Data key: the vault's ARM ID. */
  VAULT_RESOURCE_ID: 'vaultResourceId',
  /** Data key: the identity's object (principal) ID. */
  OBJECT_ID: 'objectId',
  /** Data key per permission list (the `az keyvault set-policy` flag it stands for). */
  PERMISSIONS: { secret: 'secretPermissions', key: 'keyPermissions', certificate: 'certificatePermissions' } as Readonly<Record<AccessPolicyList, string>>,
} as const;
