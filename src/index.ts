export { AzureCloud, AzureStackCloudOptions } from './cloud';
export {
  IdentityMode, KeyVaultIdentity, IdentityBindingOptions, WorkloadIdentityOptions,
  VmManagedIdentityOptions, ServicePrincipalOptions, PodIdentityOptions,
} from './identity';
export { AksIdentityBinding, AksIdentityBindingProps } from './identity-binding';
export { ApiObjectMountOptions, MountOptions } from './mount';
export {
  KeyVaultObject, KeyVaultObjectOptions, KeyVaultSecretOptions, ObjectEncoding, ObjectFormat, ObjectType,
} from './object';
export { KeyVaultSecretProviderClass, KeyVaultSecretProviderClassProps } from './secret-provider-class';
export { SyncedSecret, SyncedSecretData, SyncedSecretType, SyncSecretOptions } from './synced-secret';
export { FederatedCredential, FederatedCredentials } from './federated-credentials';
export { SecretsStoreCsiDriver, SecretsStoreCsiDriverProps, SecretRotationOptions } from './install/secrets-store-csi-driver';
export { AzureKeyVaultProvider, AzureKeyVaultProviderProps, CloudEnvironmentFile, ProviderVolumeMount } from './install/azure-key-vault-provider';
export {
  KeyVaultCsiValidation, KeyVaultCsiValidationProps, IValidationContext, IValidationLogger, IValidationReport,
  ValidationViolation, ValidationViolatingResource,
} from './check/plugin';
