/** Where `AzureAccess` assigns Key Vault roles. */
export enum GrantScope {
  /** On the vault: one assignment per identity and role covers every object the identity reads there. */
  VAULT = 'vault',
  /**
   * On each object (`<vault>/secrets/<name>`, `/keys/<name>`, `/certificates/<name>`): the identity
   * reads nothing else, for vaults that several teams share. One assignment per object.
   */
  OBJECT = 'object',
}
