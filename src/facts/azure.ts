/**
 * The Azure side of Key Vault access, as Azure Service Operator v2 (ASO) objects and Azure
 * built-in roles: what `AzureAccess` writes, what `validate` checks and what the `azure-cli`
 * script does. Sources (pinned):
 * - ASO resources: https://github.com/Azure/azure-service-operator/tree/e7c90009c74756734e3eeb2adf8368e066c12e31/v2/api
 * - Built-in roles: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 *   (source: https://github.com/MicrosoftDocs/azure-docs/blob/9772bfe3ed75f1e87098b298f2efbd4ef84f6f74/articles/role-based-access-control/built-in-roles/security.md,
 *   sections "Key Vault Reader" and "Key Vault Secrets User", whose role JSON the data actions below are copied from)
 * - Key Vault data actions: https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 * - Kind schemas: https://github.com/datreeio/CRDs-catalog/tree/3fc07a02b8d1368d44541868c7726f9954f32e87 (RoleAssignment,
 *   FederatedIdentityCredential) and ASO's Go types for IdentityBinding (both pinned in projenrc/upstream.ts)
 */
import { Audience } from './constants';

/**
 * API versions (group/version) of the ASO kinds written and checked, with the first ASO release
 * that serves them (ASO's "Supported Resources" pages,
 * https://github.com/Azure/azure-service-operator/blob/0225f5f2d83ec752d5cdf5a06d9b76f168ccea12/docs/hugo/content/reference/authorization/_index.md
 * and https://github.com/Azure/azure-service-operator/blob/142b98f350cb1300365415bf5a439654d8a16b15/docs/hugo/content/reference/managedidentity/_index.md).
 */
export const AsoApiVersion = {
  /** RoleAssignment: ASO v2.4.0 and later. */
  ROLE_ASSIGNMENT: 'authorization.azure.com/v1api20220401',
  /** IdentityBinding: ARM 2025-10-02-preview, ASO v2.18.0 and later. */
  IDENTITY_BINDING: 'containerservice.azure.com/v20251002preview',
  /** FederatedIdentityCredential (child of a UserAssignedIdentity): ASO v2.5.0 and later. */
  FEDERATED_IDENTITY_CREDENTIAL: 'managedidentity.azure.com/v1api20230131',
} as const;

/** Kinds of the ASO objects written and checked (with `AsoApiVersion`). */
export const AsoKind = {
  ROLE_ASSIGNMENT: 'RoleAssignment',
  IDENTITY_BINDING: 'IdentityBinding',
  FEDERATED_IDENTITY_CREDENTIAL: 'FederatedIdentityCredential',
} as const;

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
 * ARM resource types (`<namespace>/<type>`, compared case-insensitively as ARM does) of the IDs
 * `AzureAccess` takes and writes: `/subscriptions/<GUID>/resourceGroups/<group>/providers/<type>/<name>`.
 */
export const ArmResourceType = {
  KEY_VAULT: 'Microsoft.KeyVault/vaults',
  USER_ASSIGNED_IDENTITY: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  MANAGED_CLUSTER: 'Microsoft.ContainerService/managedClusters',
} as const;

/**
 * Child segments of a Key Vault object's ARM ID per provider `objectType`, for role assignments
 * scoped to one object (`<vault ID>/secrets/<name>`, `/keys/<name>`, `/certificates/<name>`).
 */
export const KeyVaultObjectScope: Readonly<Record<string, string>> = {
  secret: 'secrets',
  key: 'keys',
  cert: 'certificates',
};

/**
 * Azure name patterns of the kinds, from their schemas (the CRD rejects an object that breaks them).
 * IdentityBinding: `^[a-z][a-z0-9]{0,63}$`, 1–63 characters (no hyphens); ASO takes the name from
 * `metadata.name` when `azureName` is unset, so `AzureAccess` makes both match it.
 */
export const AsoNamePattern = {
  IDENTITY_BINDING: /^[a-z][a-z0-9]{0,63}$/,
  IDENTITY_BINDING_MAX_LENGTH: 63,
  FEDERATED_IDENTITY_CREDENTIAL: /^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$/,
} as const;

/** `spec.principalType` of every RoleAssignment written: managed identities are service principals. */
export const ROLE_ASSIGNMENT_PRINCIPAL_TYPE = 'ServicePrincipal';

/** `spec.audiences` of every FederatedIdentityCredential written (the workload-identity token audience). */
export const FEDERATED_CREDENTIAL_AUDIENCES: readonly string[] = [Audience.WORKLOAD_IDENTITY];

/** A federated credential subject of a Kubernetes ServiceAccount. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/**
 * Vaults with the access-policy permission model. ASO writes access policies only as part of a
 * Vault it owns, so `AzureAccess` writes no RoleAssignment for such a vault, and records each
 * grant instead as a ConfigMap (in the same namespace, with the `AzureAnnotation.CLIENT_ID`
 * annotation) that the `azure-cli` script turns into `az keyvault set-policy`. The convention,
 * one ConfigMap per (identity, vault, permission category), mirroring one RoleAssignment per role:
 *
 * ```yaml
 * kind: ConfigMap
 * metadata:
 *   labels: { keyvault-csi.cdk8s.io/access-policy: "true" }
 *   annotations: { keyvault-csi.cdk8s.io/client-id: <client ID> }
 * data:
 *   vaultResourceId: /subscriptions/…/providers/Microsoft.KeyVault/vaults/<name>
 *   objectId: <principal ID>
 *   secretPermissions: get list    # exactly one of secretPermissions, keyPermissions, certificatePermissions
 * ```
 *
 * → `az keyvault set-policy --name <name> --resource-group <group> --subscription <sub>
 *    --object-id <principal ID> --secret-permissions get list`. Always `get list`: the same reach as
 * the RBAC roles below (Secrets User's readMetadata and Reader's read both list), and enough for
 * `objectVersionHistory`.
 */
export const AccessPolicyRecord = {
  /** Label (value "true") that marks the ConfigMap as an access-policy grant. */
  LABEL: 'keyvault-csi.cdk8s.io/access-policy',
  /** Data key: the vault's ARM ID. */
  VAULT_RESOURCE_ID: 'vaultResourceId',
  /** Data key: the identity's object (principal) ID. */
  OBJECT_ID: 'objectId',
  /** Data key per provider `objectType`: the `az keyvault set-policy` flag it stands for. */
  PERMISSIONS: { secret: 'secretPermissions', key: 'keyPermissions', cert: 'certificatePermissions' } as Readonly<Record<string, string>>,
  /** The permissions granted in each category. */
  GRANTED: 'get list',
} as const;

/** A built-in Azure role the library may assign, with the data actions that make it enough. */
export interface BuiltInRole {
  readonly name: string;
  /** The role definition's GUID (the same in every tenant and cloud). */
  readonly id: string;
  /** Key Vault data actions of the role that the provider needs. */
  readonly dataActions: readonly string[];
}

/**
 * The narrowest built-in roles for what the provider reads (it calls GetSecret for `secret`
 * objects, also a certificate's private key and chain; GetKey / GetCertificate for `key` / `cert`,
 * public material only; version history lists versions, covered by readMetadata / read).
 */
export const KeyVaultRole = {
  /** Reads secret values and metadata (getSecret, readMetadata): `secret` objects. */
  SECRETS_USER: {
    name: 'Key Vault Secrets User',
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  } as BuiltInRole,
  /** Reads metadata and public material of keys and certificates, no secret value: `key` and `cert` objects. */
  READER: {
    name: 'Key Vault Reader',
    id: '21090545-7ca7-4776-b22c-e363652d74d2',
    dataActions: ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  } as BuiltInRole,
} as const;

/**
 * Key Vault data actions the provider needs per `objectType` (rbac-guide): GetSecret for a secret
 * (also a certificate's private key and chain), GetKey / GetCertificate (public material) for a key
 * or certificate; listing versions for `objectVersionHistory` is readMetadata / read.
 */
export const DATA_ACTIONS_FOR_OBJECT_TYPE: Readonly<Record<string, readonly string[]>> = {
  secret: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  key: ['Microsoft.KeyVault/vaults/keys/read'],
  cert: ['Microsoft.KeyVault/vaults/certificates/read'],
};

/** The role each provider `objectType` needs: a certificate read as `secret` is a secret (its private key). */
export const ROLE_FOR_OBJECT_TYPE: Readonly<Record<string, BuiltInRole>> = {
  secret: KeyVaultRole.SECRETS_USER,
  key: KeyVaultRole.READER,
  cert: KeyVaultRole.READER,
};

/** `roleDefinitionReference.armId` of a built-in role (accepted by every release of the kind; `wellKnownName` needs v2.16+). */
export function roleDefinitionArmId(role: BuiltInRole): string {
  return `/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}
