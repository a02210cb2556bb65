/**
 * Every name, key, audience, label and version the library writes, in one place.
 * Constructs read them from here; tests assert against the upstream facts they come from: the provider
 * (https://github.com/Azure/secrets-store-csi-driver-provider-azure/tree/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b), the driver
 * (https://github.com/kubernetes-sigs/secrets-store-csi-driver/tree/0aad886f70e94a6037325f4eaba4660338dde448) and the AKS
 * identity-binding docs (https://learn.microsoft.com/azure/aks/identity-bindings).
 */

/** The CSI driver name (CSIDriver metadata.name and every pod volume's `csi.driver`). */
export const CSI_DRIVER_NAME = 'secrets-store.csi.k8s.io';

/** `SecretProviderClass.spec.provider`: selects the provider socket `azure.sock`. */
export const PROVIDER_NAME = 'azure';

/** SecretProviderClass `spec.parameters` keys, spelled exactly as the provider reads them. */
export const Param = {
  KEYVAULT_NAME: 'keyvaultName',
  TENANT_ID: 'tenantID', // never `tenantId` (deprecated alias)
  CLIENT_ID: 'clientID',
  USE_AZURE_TOKEN_PROXY: 'useAzureTokenProxy',
  USE_VM_MANAGED_IDENTITY: 'useVMManagedIdentity',
  USER_ASSIGNED_IDENTITY_ID: 'userAssignedIdentityID',
  USE_POD_IDENTITY: 'usePodIdentity',
  CLOUD_NAME: 'cloudName',
  CLOUD_ENV_FILE_NAME: 'cloudEnvFileName',
  OBJECTS: 'objects',
} as const;

/** Pod volume attribute naming the SecretProviderClass. */
export const VOLUME_ATTRIBUTE_SECRET_PROVIDER_CLASS = 'secretProviderClass';

/** Service-account token audiences the provider looks for in `csi.storage.k8s.io/serviceAccount.tokens`. */
export const Audience = {
  IDENTITY_BINDING: 'api://AKSIdentityBinding',
  WORKLOAD_IDENTITY: 'api://AzureADTokenExchange',
} as const;

/** AKS identity binding RBAC: apiGroup and verb of the rule that lets a ServiceAccount use a managed identity. */
export const IDENTITY_BINDING_API_GROUP = 'cid.wi.aks.azure.com';
export const IDENTITY_BINDING_VERB = 'use-managed-identity';

/** Annotation the AKS docs and provider e2e tests put on identity-binding ServiceAccounts. */
export const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';

/** aad-pod-identity selector label on pods (pod identity mode). */
export const POD_IDENTITY_LABEL = 'aadpodidbinding';

/** Default in-container mount path of the CSI volume (upstream examples). */
export const DEFAULT_MOUNT_PATH = '/mnt/secrets-store';

/** Construct context key naming the cluster a chart deploys to (workload identity credential budget). */
export const CLUSTER_CONTEXT_KEY = 'cdk8s-azure-keyvault-csi/cluster';

/** Entra ID's limit of federated identity credentials per managed identity or app. */
export const FEDERATED_CREDENTIAL_LIMIT = 20;

/**
 * First usable Azure provider release with identity binding (`useAzureTokenProxy`): v1.8.0 added
 * it but has no release tag and panics at start with `--log-format-json` (fixed in v1.8.1, commit
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/commit/7dc89ab96ff190d27cfac1a583b50dd09e4f33b5).
 */
export const IDENTITY_BINDING_MIN_PROVIDER_VERSION = 'v1.8.1';
