import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AccessPolicyPlan, FederatedCredentialPlan, IdentityBindingPlan, RoleAssignmentPlan } from './plan';
import { FederatedIdentityCredential } from '../../imports/federatedidentitycredential-managedidentity.azure.com';
import { IdentityBinding } from '../../imports/identitybinding-containerservice.azure.com';
import { RoleAssignment, RoleAssignmentSpecPrincipalType } from '../../imports/roleassignment-authorization.azure.com';
import {
  AccessPolicyRecord, AzureAnnotation, FEDERATED_CREDENTIAL_AUDIENCES, ROLE_ASSIGNMENT_PRINCIPAL_TYPE, roleDefinitionArmId,
} from '../facts/azure';

/**
 * The ASO objects (and access-policy records) of a plan, built from the L1 classes imported from
 * the kinds' schemas. Every object carries the client ID annotation, so that `validate` can tie it
 * back to the classes that use the identity. Construct ids are kind and name: unique, and the same
 * on every synth.
 */

function metadata(name: string, namespace: string, clientId: string) {
  return { name, namespace, annotations: { [AzureAnnotation.CLIENT_ID]: clientId } };
}

export function roleAssignment(scope: Construct, namespace: string, plan: RoleAssignmentPlan): ApiObject {
  return new RoleAssignment(scope, `RoleAssignment-${plan.name}`, {
    metadata: metadata(plan.name, namespace, plan.clientId),
    spec: {
      azureName: plan.azureName,
      owner: { armId: plan.scope },
      principalId: plan.principalId,
      principalType: ROLE_ASSIGNMENT_PRINCIPAL_TYPE as RoleAssignmentSpecPrincipalType,
      roleDefinitionReference: { armId: roleDefinitionArmId(plan.role) },
    },
  });
}

export function identityBinding(scope: Construct, namespace: string, plan: IdentityBindingPlan): ApiObject {
  return new IdentityBinding(scope, `IdentityBinding-${plan.name}`, {
    metadata: metadata(plan.name, namespace, plan.clientId),
    spec: {
      azureName: plan.name,
      owner: { armId: plan.clusterId },
      properties: { managedIdentity: { resourceReference: { armId: plan.identityId } } },
    },
  });
}

export function federatedIdentityCredential(scope: Construct, namespace: string, plan: FederatedCredentialPlan): ApiObject {
  return new FederatedIdentityCredential(scope, `FederatedIdentityCredential-${plan.name}`, {
    metadata: metadata(plan.name, namespace, plan.clientId),
    spec: {
      azureName: plan.azureName,
      owner: { armId: plan.identityId },
      audiences: [...FEDERATED_CREDENTIAL_AUDIENCES],
      issuer: plan.issuer,
      subject: plan.subject,
    },
  });
}

/** The record of an access-policy grant (see `AccessPolicyRecord`): no ASO kind can write it. */
export function accessPolicyRecord(scope: Construct, namespace: string, plan: AccessPolicyPlan): ApiObject {
  const configMap = new kplus.k8s.KubeConfigMap(scope, `ConfigMap-${plan.name}`, {
    metadata: { ...metadata(plan.name, namespace, plan.clientId), labels: { [AccessPolicyRecord.LABEL]: 'true' } },
    data: {
      [AccessPolicyRecord.VAULT_RESOURCE_ID]: plan.vaultId,
      [AccessPolicyRecord.OBJECT_ID]: plan.principalId,
      [AccessPolicyRecord.PERMISSIONS[plan.objectType]]: AccessPolicyRecord.GRANTED,
    },
  });
  return configMap;
}
