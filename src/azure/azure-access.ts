import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as aso from './aso-objects';
import { GrantScope } from './grant-scope';
import { AccessFacts, planAzureAccess } from './plan';
import { AzureAccessCluster, AzureAccessIdentity, AzureAccessVault, VaultPermissionModel } from './resources';
import { check, checkFindings, withRenderedFindings } from '../app/errors';
import { AppRegistry } from '../app/registry';
import { AksIdentityBinding } from '../consume/identity-binding';
import { AsoKind } from '../facts/azure';
import { checkAccessProps, secondAzureAccess } from '../rules/azure-access';
import { Finding } from '../rules/model';
import * as types from '../rules/types';

/** Properties of `AzureAccess`. */
export interface AzureAccessProps {
  /**
   * Namespace of the Azure Service Operator objects (where ASO's credential for the subscription
   * is configured). Apply them to the cluster that runs ASO.
   */
  readonly namespace: string;

  /**
   * The user-assigned managed identities the app's classes and `AksIdentityBinding`s use, by client
   * ID: every one of them must be listed.
   *
   * @default - none (an app whose classes use identity binding, workload identity or a user-assigned VM identity fails synth)
   */
  readonly identities?: AzureAccessIdentity[];

  /**
   * The Key Vaults the classes read, matched by name: every one of them must be listed.
   *
   * @default - none
   */
  readonly vaults?: AzureAccessVault[];

  /**
   * The AKS clusters with identity bindings or workload identity, matched by the charts' value of
   * the context key `cdk8s-azure-keyvault-csi/cluster`.
   *
   * @default - none
   */
  readonly clusters?: AzureAccessCluster[];

  /**
   * Where Key Vault roles are assigned.
   *
   * @default GrantScope.VAULT
   */
  readonly grantScope?: GrantScope;
}

/**
 * The Azure side of the app, as Azure Service Operator v2 objects derived at synth from every
 * class, `AksIdentityBinding` and mounted workload in the app (one `AzureAccess` per app, in any
 * chart):
 *
 * - a RoleAssignment per identity, vault (or object) and role, least privilege from the object
 *   types the identity reads: Key Vault Secrets User for `secret`, Key Vault Reader for `key` and
 *   `cert` (vaults with access policies get an access-policy record instead, a ConfigMap that the
 *   `azure-cli` script prints as `az keyvault set-policy`);
 * - an IdentityBinding per identity used with identity binding and cluster (ASO v2.18.0+);
 * - a FederatedIdentityCredential per ServiceAccount that mounts a class with workload identity.
 *
 * Names are derived from the Azure objects alone: the same grant from two apps is the same object.
 * Every object is annotated `keyvault-csi.cdk8s.io/client-id` with the identity's client ID.
 */
export class AzureAccess extends Construct {
  /** Namespace of the objects. */
  public readonly namespace: string;
  /** Where roles are assigned. */
  public readonly grantScope: GrantScope;

  private readonly identities: AzureAccessIdentity[];
  private readonly vaults: AzureAccessVault[];
  private readonly clusters: AzureAccessCluster[];
  /** Objects written so far, by construct id: validation may run more than once, each adds only what is new. */
  private readonly written = new Map<string, ApiObject>();
  /** What the last plan found wrong with the app (nothing is written then). */
  private planFindings: Finding[] = [];

  constructor(scope: Construct, id: string, props: AzureAccessProps) {
    super(scope, id);
    check(this, propTypes(props));
    this.namespace = props.namespace;
    this.grantScope = props.grantScope ?? GrantScope.VAULT;
    this.identities = [...props.identities ?? []];
    this.vaults = [...props.vaults ?? []];
    this.clusters = [...props.clusters ?? []];
    checkFindings(this, checkAccessProps({ namespace: this.namespace, identities: this.identities, vaults: this.vaults, clusters: this.clusters }));

    const registry = AppRegistry.of(this);
    check(this, secondAzureAccess(registry.azureAccess?.node.path, this.node.path, 'AzureAccess'));
    registry.azureAccess = this;

    // Created when the app settles, as the driver's derived RBAC is (see SecretsStoreCsiDriver):
    // every class, binding and mount exists by then, and cdk8s collects objects after validating.
    // The rendered check then runs the Azure-side rules of validate on what was written.
    registry.onSettle(() => { this.planFindings = this.writeDerivedObjects(); });
    registry.checkRenderedObjects({ scope: this, cluster: AppRegistry.clusterOf(this), objects: () => [...this.written.values()] });
    registry.addValidation(this, () => withRenderedFindings(this, this.planFindings));
  }

  /**
   * The RoleAssignments, derived from the app as it is when read.
   *
   * Read them once every class and workload exists, to add a JSON patch for instance: synth checks
   * the patched objects with `validate`'s rules. Objects for classes added later are added at synth.
   */
  public get roleAssignments(): ApiObject[] {
    return this.writtenOfKind(AsoKind.ROLE_ASSIGNMENT.kind);
  }

  /** The IdentityBindings, derived from the app as it is when read (see `roleAssignments`). */
  public get identityBindings(): ApiObject[] {
    return this.writtenOfKind(AsoKind.IDENTITY_BINDING.kind);
  }

  /** The FederatedIdentityCredentials, derived from the app as it is when read (see `roleAssignments`). */
  public get federatedIdentityCredentials(): ApiObject[] {
    return this.writtenOfKind(AsoKind.FEDERATED_IDENTITY_CREDENTIAL.kind);
  }

  /** The access-policy records (ConfigMaps, for vaults with access policies), derived from the app as it is when read (see `roleAssignments`). */
  public get accessPolicyRecords(): ApiObject[] {
    return this.writtenOfKind('ConfigMap');
  }

  private writtenOfKind(kind: string): ApiObject[] {
    // Mounts record their ServiceAccounts when the app settles; the settle hook writes the objects.
    AppRegistry.of(this).settle(false);
    return [...this.written.values()].filter(o => o.kind === kind);
  }

  private writeDerivedObjects(): Finding[] {
    const plan = planAzureAccess(this.facts());
    if (plan.findings.length) return plan.findings;
    const add = (id: string, create: () => ApiObject) => {
      if (!this.written.has(id)) this.written.set(id, create());
    };
    for (const p of plan.roleAssignments) add(`RoleAssignment-${p.name}`, () => aso.roleAssignment(this, this.namespace, p));
    for (const p of plan.accessPolicies) add(`ConfigMap-${p.name}`, () => aso.accessPolicyRecord(this, this.namespace, p));
    for (const p of plan.identityBindings) add(`IdentityBinding-${p.name}`, () => aso.identityBinding(this, this.namespace, p));
    for (const p of plan.federatedCredentials) add(`FederatedIdentityCredential-${p.name}`, () => aso.federatedIdentityCredential(this, this.namespace, p));
    return [];
  }

  /** What the plan needs to know about the app, once it is complete. */
  private facts(): AccessFacts {
    const registry = AppRegistry.of(this); // settled: federated subjects are recorded when mounts settle
    return {
      identities: this.identities,
      vaults: this.vaults.map(v => ({ ...v, permissionModel: v.permissionModel ?? VaultPermissionModel.RBAC })),
      clusters: this.clusters,
      grantScope: this.grantScope,
      classes: registry.classes.map(c => ({
        path: c.node.path,
        cluster: AppRegistry.clusterOfNode(c.node),
        keyVaultName: c.keyVaultName,
        identityMode: c.identityMode,
        clientId: c.clientId,
        objects: c.objects,
      })),
      bindings: [...registry.identityBindings.values()].map(b => ({
        path: b.node.path,
        cluster: AppRegistry.clusterOf(b),
        clientId: (b as AksIdentityBinding).clientId,
      })),
      subjects: [...registry.federatedSubjects.entries()].flatMap(([clientId, subjects]) =>
        [...subjects.values()].map(s => ({ clientId, ...s }))),
    };
  }
}

/** The props as untyped callers may pass them (JavaScript, jsii languages): every field and enum. */
function propTypes(props: AzureAccessProps): (Finding | undefined)[] {
  /** A list of structs: the list, each entry an object, then each entry's fields. */
  type Fields<T> = (entry: T, field: string) => (Finding | undefined)[];
  const list = <T>(value: unknown, field: string, what: string, fields: Fields<T>): (Finding | undefined)[] => {
    const notAList = types.optionalList(value, field, what);
    if (notAList || !Array.isArray(value)) return [notAList];
    return value.flatMap((entry, i) => {
      const notAStruct = types.requiredStruct(entry, `${field}[${i}]`, what);
      return notAStruct ? [notAStruct] : fields(entry as T, `${field}[${i}]`);
    });
  };
  return [
    types.requiredStruct(props, 'props', '{ namespace, identities, vaults, clusters }'),
    types.requiredString(props?.namespace, 'namespace', 'azure-access'),
    ...list<AzureAccessIdentity>(props?.identities, 'identities', '{ clientId, principalId, resourceId }', (identity, field) => [
      types.requiredString(identity.clientId, `${field}.clientId`, '00000000-0000-0000-0000-000000000000'),
      types.requiredString(identity.principalId, `${field}.principalId`, '00000000-0000-0000-0000-000000000000'),
      types.requiredString(identity.resourceId, `${field}.resourceId`,
        '/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>'),
    ]),
    ...list<AzureAccessVault>(props?.vaults, 'vaults', '{ resourceId }', (vault, field) => [
      types.requiredString(vault.resourceId, `${field}.resourceId`, '/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>'),
      types.optionalEnum(vault.permissionModel, `${field}.permissionModel`, Object.values(VaultPermissionModel), 'VaultPermissionModel.ACCESS_POLICY'),
    ]),
    ...list<AzureAccessCluster>(props?.clusters, 'clusters', '{ name, resourceId, oidcIssuerUrl }', (cluster, field) => [
      types.optionalString(cluster.name, `${field}.name`, 'aks-eastus'),
      types.requiredString(cluster.resourceId, `${field}.resourceId`,
        '/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>'),
      types.optionalString(cluster.oidcIssuerUrl, `${field}.oidcIssuerUrl`, 'https://eastus.oic.prod-aks.azure.com/<tenant>/<guid>/'),
    ]),
    types.optionalEnum(props?.grantScope, 'grantScope', Object.values(GrantScope), 'GrantScope.OBJECT'),
  ];
}
