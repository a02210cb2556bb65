export { AzureCloud, AzureStackCloudOptions } from './consume/cloud';
export { IdentityMode } from './facts/identity-mode';
export {
  KeyVaultIdentity, IdentityBindingOptions, WorkloadIdentityOptions,
  VmManagedIdentityOptions, ServicePrincipalOptions, PodIdentityOptions,
} from './consume/identity';
export { AksIdentityBinding, AksIdentityBindingProps } from './consume/identity-binding';
export { MountOptions } from './consume/mount';
export {
  KeyVaultObject, KeyVaultObjectOptions, KeyVaultSecretOptions, ObjectEncoding, ObjectFormat, ObjectType,
} from './consume/object';
export { KeyVaultSecretProviderClass, KeyVaultSecretProviderClassProps } from './consume/secret-provider-class';
export { SyncedSecret, SyncedSecretData, SyncedSecretType, SyncSecretOptions } from './consume/synced-secret';
export { FederatedCredential, FederatedCredentials } from './consume/federated-credentials';
export { AzureAccess, AzureAccessProps } from './azure/azure-access';
export { GrantScope } from './azure/grant-scope';
export { AzureAccessCluster, AzureAccessIdentity, AzureAccessVault, VaultPermissionModel } from './azure/resources';
export { SecretsStoreCsiDriver } from './install/secrets-store-csi-driver';
export { SecretsStoreCsiDriverProps, SecretRotationOptions } from './install/secrets-store-csi-driver-props';
export { AzureKeyVaultProvider } from './install/azure-key-vault-provider';
export { AzureKeyVaultProviderProps, CloudEnvironmentFile } from './install/azure-key-vault-provider-props';
export { InstallDaemonSetOptions } from './install/daemonset-options';
export { DaemonSetPodAffinity, PreferredNodeAffinity } from './install/scheduling';
export { InstallVolumeMount } from './install/volume-mounts';
export {
  KeyVaultCsiValidation, KeyVaultCsiValidationProps, IValidationContext, IValidationLogger, IValidationReport,
  ValidationViolation, ValidationViolatingResource,
} from './check/plugin';
