/**
 * The existing Azure resources `AzureAccess` is told about: it grants and binds them, never
 * creates them (a managed identity's client ID must be known at synth, so identities and vaults
 * are created beforehand).
 */

/** A user-assigned managed identity that classes use (identity binding, workload identity, VM identity). */
export interface AzureAccessIdentity {
  /** Client ID, as the classes name the identity (`az identity show --query clientId`). */
  readonly clientId: string;

  /** Object (principal) ID, which role assignments name (`az identity show --query principalId`). */
  readonly principalId: string;

  /**
   * ARM ID, `/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`:
   * the owner of its federated credentials and the identity of its bindings.
   */
  readonly resourceId: string;
}

/** How a Key Vault authorizes data-plane access. */
export enum VaultPermissionModel {
  /** Azure RBAC (`enableRbacAuthorization`): `AzureAccess` writes RoleAssignments. */
  RBAC = 'rbac',
  /**
   * Vault access policies: ASO can write them only on a vault it owns, so `AzureAccess` writes a
   * record per grant instead, which the `azure-cli` script prints as `az keyvault set-policy`.
   */
  ACCESS_POLICY = 'accessPolicy',
}

/** A Key Vault that classes read. */
export interface AzureAccessVault {
  /** ARM ID, `/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>`; classes match it by name. */
  readonly resourceId: string;

  /**
   * How the vault authorizes access.
   *
   * @default VaultPermissionModel.RBAC
   */
  readonly permissionModel?: VaultPermissionModel;
}

/** An AKS cluster the app deploys to. */
export interface AzureAccessCluster {
  /**
   * The cluster's value of the construct context key `cdk8s-azure-keyvault-csi/cluster`
   * (`FederatedCredentials.CLUSTER_CONTEXT_KEY`) on its charts.
   *
   * @default - the app's one unnamed cluster (charts without the context key); only with one cluster
   */
  readonly name?: string;

  /** ARM ID, `/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>`. */
  readonly resourceId: string;

  /**
   * OIDC issuer URL (`az aks show --query oidcIssuerProfile.issuerUrl`), the `issuer` of the
   * federated credentials of workload identity on this cluster.
   *
   * @default - none; required when a workload mounts a class with workload identity on the cluster
   */
  readonly oidcIssuerUrl?: string;
}
