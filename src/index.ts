export { AzureCloud, AzureStackCloudOptions } from './cloud';
export {
  IdentityMode, KeyVaultIdentity, IdentityBindingOptions, WorkloadIdentityOptions,
  VmManagedIdentityOptions, ServicePrincipalOptions, PodIdentityOptions,
} from './identity';
export { AksIdentityBinding, AksIdentityBindingProps } from './identity-binding';
export { MountOptions } from './mount';
export {
  KeyVaultObject, KeyVaultObjectOptions, KeyVaultSecretOptions, ObjectEncoding, ObjectFormat, ObjectType,
} from './object';
export { KeyVaultSecretProviderClass, KeyVaultSecretProviderClassProps } from './secret-provider-class';
export { SyncedSecret, SyncedSecretData, SyncedSecretType, SyncSecretOptions } from './synced-secret';
export { FederatedCredential, FederatedCredentials } from './federated-credentials';
export { SecretsStoreCsiDriver, SecretsStoreCsiDriverProps, SecretRotationOptions } from './install/secrets-store-csi-driver';
export { AzureKeyVaultProvider, AzureKeyVaultProviderProps, CloudEnvironmentFile } from './install/azure-key-vault-provider';
export { InstallDaemonSetOptions } from './install/daemonset-options';
export { DaemonSetPodAffinity, PreferredNodeAffinity } from './install/scheduling';
export { InstallVolumeMount } from './install/volume-mounts';
export {
  KeyVaultCsiValidation, KeyVaultCsiValidationProps, IValidationContext, IValidationLogger, IValidationReport,
  ValidationViolation, ValidationViolatingResource,
} from './check/plugin';
