/**
 * What the checker and `azure-cli` read of the Azure side beyond src/facts/azure.ts: the API
 * groups of the ASO kinds (any version), the owners other objects may name instead of an
 * `armId`, and the access-policy record `AzureAccess` writes for vaults without RBAC.
 * ASO API: https://github.com/Azure/azure-service-operator/tree/e7c90009c74756734e3eeb2adf8368e066c12e31/v2/api
 */

/** An ASO kind by API group and kind (every version of the group is read). */
export interface AsoGroupKind {
  readonly group: string;
  readonly kind: string;
}

export const AsoGroupKinds = {
  ROLE_ASSIGNMENT: { group: 'authorization.azure.com', kind: 'RoleAssignment' },
  IDENTITY_BINDING: { group: 'containerservice.azure.com', kind: 'IdentityBinding' },
  FEDERATED_IDENTITY_CREDENTIAL: { group: 'managedidentity.azure.com', kind: 'FederatedIdentityCredential' },
  /** Owners that other objects may reference by `name` instead of `armId`. */
  USER_ASSIGNED_IDENTITY: { group: 'managedidentity.azure.com', kind: 'UserAssignedIdentity' },
  MANAGED_CLUSTER: { group: 'containerservice.azure.com', kind: 'ManagedCluster' },
  VAULT: { group: 'keyvault.azure.com', kind: 'Vault' },
  RESOURCE_GROUP: { group: 'resources.azure.com', kind: 'ResourceGroup' },
} as const;

/**
 * A grant on a vault with the access-policy permission model, which ASO cannot write on a vault
 * it does not own: `AzureAccess` records it as a ConfigMap labelled `LABEL: "true"` (and annotated
 * with the client ID like every object it writes), one per identity, vault and permission list;
 * `azure-cli` prints it as `az keyvault set-policy`, `validate` counts it as the identity's grant.
 * Values of the permission keys are space-separated `az keyvault set-policy` names (`get list`).
 * The same convention as `AccessPolicyRecord` of the AzureAccess construct (src/facts/azure.ts).
 */
export const ACCESS_POLICY_RECORD = {
  LABEL: 'keyvault-csi.cdk8s.io/access-policy',
  LABEL_VALUE: 'true',
  /** ARM ID of the vault. */
  VAULT_RESOURCE_ID: 'vaultResourceId',
  /** Object (principal) ID of the identity. */
  OBJECT_ID: 'objectId',
  /** Data key of each permission list. */
  PERMISSIONS: { secret: 'secretPermissions', key: 'keyPermissions', certificate: 'certificatePermissions' },
} as const;
