/**
 * The Azure side of Key Vault access, as Azure Service Operator v2 (ASO) objects and Azure
 * built-in roles: what `AzureAccess` writes, what `validate` checks and what the `azure-cli`
 * script does. Sources (pinned):
 * - ASO resources: https://github.com/Azure/azure-service-operator/tree/e7c90009c74756734e3eeb2adf8368e066c12e31/v2/api
 * - Built-in roles: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 * - Key Vault data actions: https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 */

/** API versions (group/version) of the ASO kinds written and checked. */
export const AsoApiVersion = {
  /** RoleAssignment: every ASO v2 release. */
  ROLE_ASSIGNMENT: 'authorization.azure.com/v1api20220401',
  /** IdentityBinding: ARM 2025-10-02-preview, ASO v2.18.0 and later. */
  IDENTITY_BINDING: 'containerservice.azure.com/v20251002preview',
  /** FederatedIdentityCredential (child of a UserAssignedIdentity). */
  FEDERATED_IDENTITY_CREDENTIAL: 'managedidentity.azure.com/v1api20230131',
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

/** `roleDefinitionReference.armId` of a built-in role (accepted by every ASO v2 release). */
export function roleDefinitionArmId(role: BuiltInRole): string {
  return `/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}
