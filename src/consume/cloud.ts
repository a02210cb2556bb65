import { Param } from '../facts/constants';

/**
 * Options for a custom Azure cloud (Azure Stack Hub).
 */
export interface AzureStackCloudOptions {
  /**
   * Path of the cloud environment JSON file **inside the provider container**
   * (the provider reads it through `AZURE_ENVIRONMENT_FILEPATH`). Mount it into the provider with
   * `AzureKeyVaultProvider`'s `cloudEnvironmentFile` (same path) when the provider is in the app.
   *
   * @example "/etc/kubernetes/custom_environment.json"
   */
  readonly environmentFile: string;
}

/**
 * The Azure cloud the Key Vault lives in.
 */
export class AzureCloud {
  /** Azure public cloud: the provider's default, so no `cloudName` is written. */
  public static readonly PUBLIC = new AzureCloud('AzurePublicCloud');
  /** Azure US Government. */
  public static readonly US_GOVERNMENT = new AzureCloud('AzureUSGovernmentCloud');
  /** Azure operated by 21Vianet (China). */
  public static readonly CHINA = new AzureCloud('AzureChinaCloud');
  /** Azure Germany (legacy). */
  public static readonly GERMAN = new AzureCloud('AzureGermanCloud');

  /**
   * Azure Stack Hub: endpoints come from an environment file mounted into the provider.
   * Allows the tenant ID `adfs` for AD FS.
   */
  public static stack(options: AzureStackCloudOptions): AzureCloud {
    return new AzureCloud('AzureStackCloud', options.environmentFile);
  }

  /**
   * @param cloudName value of the provider's `cloudName` parameter
   * @param environmentFile in-container path of the environment file (Azure Stack only)
   */
  private constructor(public readonly cloudName: string, public readonly environmentFile?: string) {}

  /** Whether this is Azure Stack Hub, where endpoints come from `environmentFile`. */
  public get isStack(): boolean {
    return this.environmentFile !== undefined;
  }

  /** @internal SecretProviderClass parameters: none for the public cloud. */
  public _parameters(): Record<string, string> {
    if (this === AzureCloud.PUBLIC) return {};
    const parameters: Record<string, string> = { [Param.CLOUD_NAME]: this.cloudName };
    if (this.environmentFile !== undefined) parameters[Param.CLOUD_ENV_FILE_NAME] = this.environmentFile;
    return parameters;
  }
}
