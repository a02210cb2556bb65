import { armIdOfType, parseArmId, sameType, typeOf } from './arm-id';
import { error, Finding, manifestFinding, ManifestFinding, NodePath, warning } from './model';
import { dns1123Label, dns1123Subdomain, isGuid, isPlaceholder, placeholder } from './values';
import {
  AccessPolicyRecord, AKS_IDENTITY_BINDING_CREDENTIAL, ArmType, AsoNamePattern, AzureAnnotation, FEDERATED_CREDENTIAL_AUDIENCES,
  ROLE_ASSIGNMENT_PRINCIPAL_TYPE, VAULT_SCOPES,
} from '../facts/azure';
import { Audience } from '../facts/constants';
import { ACCESS_POLICY_LISTS, ACCESS_POLICY_PERMISSIONS, AccessPolicyList, KeyVaultRole, roleDefinitionArmId } from '../facts/key-vault-roles';

/**
 * Rules of single Azure Service Operator v2 objects (and the access-policy record), as plain JSON
 * bodies: names, references, and what Entra ID and ARM require of the values. Fields are paths
 * from the document root (`spec.owner.armId`). References by `name` are resolved by the checker,
 * which has the other objects; the role an assignment grants is judged in ./azure-roles.
 * `AzureAccess` judges the values it is given for these fields with the same rules (principal
 * IDs, OIDC issuers; ARM IDs in ./arm-id).
 * Shapes: https://github.com/Azure/azure-service-operator/tree/e7c90009c74756734e3eeb2adf8368e066c12e31/v2/api
 */

/** `spec.azureName` (or `metadata.name`, which ASO uses when azureName is unset) and its field. */
export function azureNameOf(body: any): { field: string; value: unknown } {
  const azureName = body?.spec?.azureName;
  return azureName !== undefined && azureName !== null && azureName !== ''
    ? { field: 'spec.azureName', value: azureName }
    : { field: 'metadata.name', value: body?.metadata?.name };
}

/** The client ID annotation `AzureAccess` writes, if any. */
export function clientIdAnnotation(body: any): unknown {
  return body?.metadata?.annotations?.[AzureAnnotation.CLIENT_ID];
}

const ANNOTATION_FIELD = `metadata.annotations[${JSON.stringify(AzureAnnotation.CLIENT_ID)}]`;

/** The annotation, when present, is a client ID. */
export function checkClientIdAnnotation(body: any): Finding[] {
  const value = clientIdAnnotation(body);
  if (value === undefined) return [];
  if (typeof value === 'string' && isGuid(value)) return [];
  return [error(ANNOTATION_FIELD, value, 'the client ID of the managed identity the object serves must be a GUID (the checker matches objects to classes by it)',
    'set it to the clientID of the classes, or remove the annotation')];
}

/**
 * A reference to another resource: `armId`, or `name` of an ASO object in the same namespace
 * (with `group` and `kind` where the owner's kind is not fixed). Returns findings for the shape;
 * the checker resolves names.
 * @param judge the rule for an armId
 */
function checkReference(
  ref: unknown, field: string, what: string, judge: (armId: unknown, what: string, field: string) => Finding | undefined, needsKind: boolean,
): Finding[] {
  if (ref === undefined || ref === null || typeof ref !== 'object' || Array.isArray(ref)) {
    return [error(field, ref ?? null, `${what} is required`, `set ${field}.armId to its resource ID (or ${field}.name to an ASO object in the same namespace)`)];
  }
  const { armId, name, group, kind } = ref as Record<string, unknown>;
  if (armId !== undefined && name !== undefined) {
    return [error(field, ref, `${what} sets both armId and name, and ASO takes exactly one`, 'keep armId for a resource ASO does not manage, name for an ASO object in the same namespace')];
  }
  if (armId !== undefined) {
    const bad = judge(armId, what, `${field}.armId`);
    return bad ? [bad] : [];
  }
  if (typeof name !== 'string' || name === '') {
    return [error(field, ref, `${what} names neither an armId nor an ASO object`, `set ${field}.armId to its resource ID`)];
  }
  if (needsKind && (typeof group !== 'string' || typeof kind !== 'string')) {
    return [error(field, ref, `${what} by name needs group and kind (the owner of this kind can be any resource)`, `add group and kind of the ASO object "${name}", or use armId`)];
  }
  return [];
}

const ofType = (types: readonly string[]) => (armId: unknown, what: string, field: string) => armIdOfType(armId, types, what, field);

/** A role assignment's scope may be any resource; a vault or vault object is judged in full. */
function anyScope(value: unknown, what: string, field: string): Finding | undefined {
  const id = typeof value === 'string' ? parseArmId(value) : undefined;
  if (!id || isPlaceholder(value as string) || VAULT_SCOPES.some(t => sameType(t, typeOf(id)))) return armIdOfType(value, VAULT_SCOPES, what, field);
  return undefined;
}

/** A name against a pattern, with the rule and a fix. */
function namePattern(body: any, pattern: { test(name: string): boolean }, rule: string, fix: (name: string) => string): Finding[] {
  const { field, value } = azureNameOf(body);
  if (typeof value === 'string' && pattern.test(value)) return [];
  const because = field === 'metadata.name' ? ' (without spec.azureName, ASO takes the Azure name from metadata.name)' : '';
  return [error(field, value ?? null, `${rule}${because}`, fix(typeof value === 'string' ? value : ''))];
}

// IdentityBinding ------------------------------------------------------------------------------

/** `^[a-z][a-z0-9]{0,63}$` and at most 63 characters (the kind's kubebuilder markers, ARM 2025-10-02-preview). */
const IDENTITY_BINDING_NAME = {
  test: (name: string) => AsoNamePattern.IDENTITY_BINDING.test(name) && name.length <= AsoNamePattern.IDENTITY_BINDING_MAX_LENGTH,
};

/** A name that fits the identity binding pattern, derived from one that does not. */
export function identityBindingNameFor(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (/^[a-z]/.test(cleaned) ? cleaned : `ib${cleaned}`).slice(0, AsoNamePattern.IDENTITY_BINDING_MAX_LENGTH);
}

export function checkIdentityBinding(body: any): Finding[] {
  const findings = [
    ...checkClientIdAnnotation(body),
    ...namePattern(body, IDENTITY_BINDING_NAME,
      `an identity binding name has 1-${AsoNamePattern.IDENTITY_BINDING_MAX_LENGTH} lowercase letters and digits and starts with a letter, no hyphens (pattern ${AsoNamePattern.IDENTITY_BINDING.source}; ASO and ARM reject others)`,
      n => `use a name such as "${identityBindingNameFor(n) || 'appidentity'}"`),
    ...checkReference(body?.spec?.owner, 'spec.owner', 'the owner (the AKS cluster the identity is bound to)', ofType([ArmType.MANAGED_CLUSTER]), false),
  ];
  const profile = body?.spec?.properties?.managedIdentity;
  const ref = profile?.resourceReference;
  if (ref === undefined || ref === null) {
    const field = profile === undefined || profile === null ? 'spec.properties.managedIdentity' : 'spec.properties.managedIdentity.resourceReference';
    findings.push(error(field, ref ?? profile ?? null,
      'an identity binding binds one user-assigned managed identity, and names none (ASO rejects it: managedIdentity.resourceReference is required)',
      'set spec.properties.managedIdentity.resourceReference.armId to the identity\'s resource ID'));
  } else {
    findings.push(...checkReference(ref, 'spec.properties.managedIdentity.resourceReference', 'the managed identity', ofType([ArmType.USER_ASSIGNED_IDENTITY]), false));
  }
  return findings;
}

// FederatedIdentityCredential ------------------------------------------------------------------

/** `^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$` (the CRD's schema; Entra's rule for credential names). */
const FEDERATED_CREDENTIAL_NAME = AsoNamePattern.FEDERATED_IDENTITY_CREDENTIAL;
/** A name that fits the credential name pattern, derived from one that does not. */
export function federatedCredentialNameFor(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9-_]/g, '-').replace(/^[^a-zA-Z0-9]+/, '').slice(0, AsoNamePattern.FEDERATED_IDENTITY_CREDENTIAL_MAX_LENGTH);
  return FEDERATED_CREDENTIAL_NAME.test(cleaned) ? cleaned : 'app-credential';
}
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:([^:]*):([^:]*)$/;
/** A cluster's AKS OIDC issuer (`https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/`), not the identity binding issuer (`ib.`). */
const AKS_CLUSTER_ISSUER_HOST = /^((?!ib\.)[a-z0-9-]+\.oic|oidc)\.prod-aks\.azure\.com$/i;

/** The ServiceAccount a subject names, or undefined. */
export function serviceAccountOfSubject(subject: string): { namespace: string; name: string } | undefined {
  const match = SERVICE_ACCOUNT_SUBJECT.exec(subject);
  if (!match || dns1123Label(match[1], 'namespace') || dns1123Subdomain(match[2], 'name')) return undefined;
  return { namespace: match[1], name: match[2] };
}

/** The https:// URL of an OIDC issuer, or undefined (a placeholder, white space, another scheme, a query, fragment or credentials). */
function issuerUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' || /\s/.test(value) || isPlaceholder(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' && !url.search && !url.hash && !url.username && !url.password ? url : undefined;
}

const ISSUER_FIX = 'use the cluster\'s issuer exactly as `az aks show -g <group> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv` prints it';

/**
 * The OIDC issuer of a cluster, which a workload identity credential names as `issuer` (and
 * `AzureAccess` takes as `oidcIssuerUrl`): Entra ID compares it with the token's `iss` claim exactly.
 */
export function oidcIssuer(value: unknown, field: string): Finding | undefined {
  if (typeof value === 'string' && isPlaceholder(value)) return { ...placeholder(value, field)!, fix: ISSUER_FIX };
  const url = issuerUrl(value);
  if (!url) {
    return error(field, value ?? null,
      'the issuer must be the https:// URL of the cluster\'s OIDC issuer, without query, fragment or credentials (Entra ID compares it with the token\'s iss claim exactly)', ISSUER_FIX);
  }
  if (AKS_CLUSTER_ISSUER_HOST.test(url.hostname) && !(value as string).endsWith('/')) {
    return error(field, value,
      'an AKS OIDC issuer URL ends with "/", tokens carry it that way, and Entra ID compares issuers exactly (AADSTS700211 "No matching federated identity record found for presented assertion issuer"; https://github.com/Azure/azure-workload-identity/issues/1700)',
      `use "${value}/", exactly as \`az aks show --query oidcIssuerProfile.issuerUrl\` prints it`);
  }
  return undefined;
}

/**
 * @param annotated written by `AzureAccess` (a workload identity credential for certain): a
 *   subject that is not a ServiceAccount's is an error, else a warning (a FIC of another issuer,
 *   such as GitHub Actions, is not for pods)
 */
export function checkFederatedIdentityCredential(body: any, annotated: boolean): Finding[] {
  const spec = body?.spec ?? {};
  const findings = [
    ...checkClientIdAnnotation(body),
    ...namePattern(body, FEDERATED_CREDENTIAL_NAME,
      `a federated identity credential name has 3-${AsoNamePattern.FEDERATED_IDENTITY_CREDENTIAL_MAX_LENGTH} letters, digits, "-" and "_", starting with a letter or digit (pattern ${FEDERATED_CREDENTIAL_NAME.source})`,
      n => `use a name such as "${federatedCredentialNameFor(n)}"`),
    ...checkReference(spec.owner, 'spec.owner', 'the owner (the user-assigned managed identity the credential federates)',
      ofType([ArmType.USER_ASSIGNED_IDENTITY]), false),
  ];
  const { value: azureName, field: nameField } = azureNameOf(body);
  if (typeof azureName === 'string' && azureName.toLowerCase() === AKS_IDENTITY_BINDING_CREDENTIAL) {
    findings.push(warning(nameField, azureName,
      `"${AKS_IDENTITY_BINDING_CREDENTIAL}" is the credential AKS creates and shares for every identity binding of the identity, and AKS says not to modify or delete it (ASO would own it, and delete it with the object)`,
      'give this credential another name, and leave the identity binding credential to AKS'));
  }

  const audiences = spec.audiences;
  if (Array.isArray(audiences) && audiences.some(a => typeof a !== 'string')) {
    findings.push(error('spec.audiences', audiences, 'audiences are strings (the CRD rejects other types)', `set spec.audiences to [${Audience.WORKLOAD_IDENTITY}]`));
  } else if (!Array.isArray(audiences) || !audiences.includes(Audience.WORKLOAD_IDENTITY)) {
    findings.push(error('spec.audiences', audiences ?? null,
      `workload identity tokens carry the audience ${Audience.WORKLOAD_IDENTITY}, and Entra ID accepts a token only if the credential lists it (AADSTS700212 otherwise)`,
      `set spec.audiences to [${Audience.WORKLOAD_IDENTITY}]`));
  }

  let aksIssuer = false;
  if (spec.issuerFromConfig === undefined) {
    const bad = oidcIssuer(spec.issuer, 'spec.issuer');
    if (bad) findings.push(bad);
    aksIssuer = AKS_CLUSTER_ISSUER_HOST.test(issuerUrl(spec.issuer)?.hostname ?? '');
  }

  if (spec.subjectFromConfig === undefined) {
    const subject = spec.subject;
    if (typeof subject !== 'string' || !serviceAccountOfSubject(subject)) {
      const match = typeof subject === 'string' ? SERVICE_ACCOUNT_SUBJECT.exec(subject) : null;
      const rule = match
        ? `"${match[1]}" must be a namespace (DNS-1123 label) and "${match[2]}" a ServiceAccount name (DNS-1123 subdomain), or no pod's token matches it (AADSTS70021 "No matching federated identity record found")`
        : 'the subject of a workload identity credential is the ServiceAccount\'s, system:serviceaccount:<namespace>:<name>, exactly and case-sensitively (AADSTS70021 "No matching federated identity record found" otherwise)';
      const fix = 'set spec.subject to system:serviceaccount:<namespace>:<service account> of the pods that mount the class';
      findings.push(annotated || aksIssuer || match ? error('spec.subject', subject ?? null, rule, fix) : warning('spec.subject', subject ?? null, rule, fix));
    }
  }
  return findings;
}

// RoleAssignment -------------------------------------------------------------------------------

const PRINCIPAL_FIX = 'copy the principal ID from `az identity show --ids <resource ID> --query principalId -o tsv` (not the client ID)';

/** The object (principal) ID of a managed identity, which role assignments and access policies name. */
export function principalId(value: unknown, field: string): Finding | undefined {
  if (typeof value === 'string' && isPlaceholder(value)) return { ...placeholder(value, field)!, fix: PRINCIPAL_FIX };
  if (typeof value === 'string' && isGuid(value)) return undefined;
  return error(field, value ?? null, 'must be the managed identity\'s object (principal) ID, a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), not its client ID or resource ID', PRINCIPAL_FIX);
}

/** The role an assignment names: a role definition GUID, a `wellKnownName`, or a reference the input must resolve. */
export type RoleReference =
  | { readonly kind: 'id'; readonly id: string; readonly armId: string }
  | { readonly kind: 'wellKnownName'; readonly name: string }
  | { readonly kind: 'object'; readonly name: string };

/** The role of a RoleAssignment body, when its reference has a usable shape. */
export function roleReferenceOf(body: any): RoleReference | undefined {
  const ref = body?.spec?.roleDefinitionReference;
  if (typeof ref !== 'object' || ref === null) return undefined;
  if (typeof ref.armId === 'string') {
    const id = parseArmId(ref.armId);
    if (!id || typeOf(id).toLowerCase() !== ArmType.ROLE_DEFINITION.toLowerCase()) return undefined;
    const roleId = id.names[0];
    return !isGuid(roleId) ? undefined : { kind: 'id', id: roleId.toLowerCase(), armId: ref.armId };
  }
  if (typeof ref.wellKnownName === 'string' && ref.wellKnownName.trim() !== '') return { kind: 'wellKnownName', name: ref.wellKnownName.trim() };
  if (typeof ref.name === 'string' && ref.name !== '') return { kind: 'object', name: ref.name };
  return undefined;
}

/** `spec.principalType` values (the CRD's enum). */
const PRINCIPAL_TYPES: readonly unknown[] = ['Device', 'ForeignGroup', 'Group', 'ServicePrincipal', 'User'];

export function checkRoleAssignment(body: any): Finding[] {
  const spec = body?.spec ?? {};
  const findings = [
    ...checkClientIdAnnotation(body),
    ...checkReference(spec.owner, 'spec.owner', 'the owner (the scope the role is assigned on: the vault, or one object in it)',
      anyScope, true),
  ];
  const azureName = spec.azureName;
  if (azureName !== undefined && (typeof azureName !== 'string' || !isGuid(azureName))) {
    findings.push(error('spec.azureName', azureName,
      'a role assignment\'s name is a GUID (ARM rejects others with InvalidRoleAssignmentId)',
      'use a GUID derived from scope, principal and role (a name-based UUID), or omit azureName and let ASO derive one'));
  }

  const ref = spec.roleDefinitionReference;
  const roleFix = `set spec.roleDefinitionReference.armId to /providers/Microsoft.Authorization/roleDefinitions/<role GUID>, e.g. ${roleDefinitionArmId(KeyVaultRole.SECRETS_USER)} (${KeyVaultRole.SECRETS_USER.name})`;
  if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) {
    findings.push(error('spec.roleDefinitionReference', ref ?? null, 'a role assignment names its role definition', roleFix));
  } else if (ref.armId !== undefined) {
    const bad = armIdOfType(ref.armId, [ArmType.ROLE_DEFINITION], 'the role definition', 'spec.roleDefinitionReference.armId');
    if (bad) {
      findings.push({ ...bad, fix: roleFix });
    } else if (!roleReferenceOf(body)) {
      findings.push(error('spec.roleDefinitionReference.armId', ref.armId, 'a role definition\'s name is its GUID', roleFix));
    }
  } else if (!roleReferenceOf(body)) {
    findings.push(error('spec.roleDefinitionReference', ref, 'names no role: set armId, wellKnownName (ASO v2.16+) or name of a RoleDefinition object', roleFix));
  }

  const principalType = spec.principalType;
  if (principalType !== undefined && !PRINCIPAL_TYPES.includes(principalType)) {
    findings.push(error('spec.principalType', principalType, `must be one of ${PRINCIPAL_TYPES.join(', ')} (the CRD's enum)`,
      `set ${ROLE_ASSIGNMENT_PRINCIPAL_TYPE}: a managed identity's principal is a service principal`));
  }
  if (spec.principalIdFromConfig === undefined) {
    const bad = principalId(spec.principalId, 'spec.principalId');
    if (bad) findings.push(bad);
  }
  return findings;
}

// Access-policy record -------------------------------------------------------------------------

/** Whether a ConfigMap is an access-policy record (`AccessPolicyRecord`). */
export function isAccessPolicyRecord(body: any): boolean {
  return body?.kind === 'ConfigMap' && body?.apiVersion === 'v1'
    && body?.metadata?.labels?.[AccessPolicyRecord.LABEL] === AccessPolicyRecord.LABEL_VALUE;
}

/** The permissions of one list of a record: lower-case names as written. */
export function accessPolicyPermissions(body: any, list: AccessPolicyList): string[] {
  const value = body?.data?.[AccessPolicyRecord.PERMISSIONS[list]];
  return typeof value === 'string' ? value.split(/\s+/).filter(p => p !== '').map(p => p.toLowerCase()) : [];
}

export function checkAccessPolicyRecord(body: any): Finding[] {
  const data = body?.data ?? {};
  const field = (key: string) => `data.${key}`;
  const findings = [...checkClientIdAnnotation(body)];
  const vault = armIdOfType(data[AccessPolicyRecord.VAULT_RESOURCE_ID], [ArmType.VAULT], 'the vault of the access policy', field(AccessPolicyRecord.VAULT_RESOURCE_ID));
  if (vault) findings.push({ ...vault, value: vault.value ?? null });
  const objectId = principalId(data[AccessPolicyRecord.OBJECT_ID], field(AccessPolicyRecord.OBJECT_ID));
  if (objectId) findings.push(objectId);
  let granted = 0;
  for (const list of ACCESS_POLICY_LISTS) {
    const key = AccessPolicyRecord.PERMISSIONS[list];
    const permissions = accessPolicyPermissions(body, list);
    granted += permissions.length;
    const unknown = permissions.filter(p => !ACCESS_POLICY_PERMISSIONS[list].includes(p));
    const broader = permissions.filter(p => p !== 'get' && p !== 'list' && !unknown.includes(p));
    if (unknown.length) {
      findings.push(error(field(key), data[key], `${unknown.map(p => `"${p}"`).join(', ')} ${unknown.length === 1 ? 'is not a' : 'are not'} ${list} permission${unknown.length === 1 ? '' : 's'} (az keyvault set-policy accepts ${ACCESS_POLICY_PERMISSIONS[list].join(', ')})`,
        'use "get", and "get list" for objects read with objectVersionHistory'));
    } else if (broader.length) {
      findings.push(warning(field(key), data[key], `the provider only gets ${list}s (and lists their versions for objectVersionHistory), and ${broader.join(', ')} grant${broader.length === 1 ? 's' : ''} more`,
        `grant "get" (or "get list" with objectVersionHistory) on ${list}s`));
    }
  }
  if (granted === 0 && findings.length === 0) {
    findings.push(error('data', data, 'the access policy grants no permission', `set ${Object.values(AccessPolicyRecord.PERMISSIONS).join(', ')} to "get" for the object types the identity reads`));
  }
  return findings;
}

// Cross-checks between the Azure side and the classes ---------------------------------------

/** One client ID is one identity: the objects annotated with it name one identity and one principal. */
export function oneIdentityPerClientId(
  object: string, what: string, shown: string, other: string, otherShown: string, path: NodePath, value: unknown,
): ManifestFinding {
  return manifestFinding('error', 'aso-client-id', path, value, {
    rule: `${object} names ${what} ${shown}, and ${other}, annotated with the same client ID, names ${otherShown}; one client ID is one managed identity`,
    fix: 'annotate each object with the client ID of the identity it names',
  });
}

/** A workload-identity ServiceAccount needs a federated credential with its subject. */
export function federatedCredentialForSubject(
  serviceAccount: string, clientId: string, classId: string, subject: string, path: NodePath, value: unknown,
): ManifestFinding {
  return manifestFinding('error', 'azure-federated-credential', path, value, {
    rule: `ServiceAccount ${serviceAccount} signs in as workload identity ${clientId} (class ${classId}), and no FederatedIdentityCredential annotated with that client ID has the subject ${subject}, so Entra ID answers AADSTS70021 "No matching federated identity record found" at mount`,
    fix: `add a FederatedIdentityCredential owned by the identity with subject ${subject}, issuer the cluster's OIDC issuer URL and audiences [${FEDERATED_CREDENTIAL_AUDIENCES.join(', ')}] (AzureAccess writes one per ServiceAccount that mounts the class)`,
  });
}

/** An identity-binding class's identity needs an IdentityBinding on the cluster. */
export function identityBindingForClass(clientId: string, path: NodePath, value: unknown): ManifestFinding {
  return manifestFinding('error', 'azure-identity-binding', path, value, {
    rule: `the class uses identity binding for client ID ${clientId}, and the input has ASO objects for that identity but no IdentityBinding of it; without a binding on the cluster, AKS's identity binding proxy refuses the token exchange`,
    fix: 'add an IdentityBinding (containerservice.azure.com) owned by the cluster with managedIdentity.resourceReference.armId the identity\'s resource ID (AzureAccess writes one per cluster), or `az aks identity-binding create`',
  });
}
