import { at, AzureInput, AzureKind, AzureObject, REFERENCES, Resolution } from './azure-objects';
import { CheckFinding, Manifest, note, textOf } from './finding';
import { NodePath } from './location';
import { ClassModel } from './secret-provider-class';
import { PodModel } from './workloads';
import {
  AccessPolicyRecord, ArmType, AzureAnnotation, ROLE_ASSIGNMENT_PRINCIPAL_TYPE, serviceAccountSubject, VAULT_SCOPES,
} from '../facts/azure';
import { Param } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import { ACCESS_POLICY_LISTS, objectAccess, ObjectAccess } from '../facts/key-vault-roles';
import { ArmId, armIdKey, formatArmId, parseArmId, sameType, typeOf, vaultOf } from '../rules/arm-id';
import {
  accessPolicyPermissions, checkAccessPolicyRecord, checkFederatedIdentityCredential, checkIdentityBinding, checkRoleAssignment,
  federatedCredentialForSubject, identityBindingForClass, oneIdentityPerClientId, roleReferenceOf,
} from '../rules/aso';
import { missingAccess, missingOnVault, roleOf, roleOnScope, VaultGrant } from '../rules/azure-roles';
import { describeUsers } from '../rules/cluster';
import { fieldOf, Finding, warning } from '../rules/model';
import { versionCount } from '../rules/objects';
import { isGuid, keyVaultName } from '../rules/values';

/**
 * The Azure side in `validate`: every Azure Service Operator object the input holds is checked on
 * its own (names, references, audiences, roles), and, when the classes and workloads are in the
 * input too, against them: the federated credential of each workload identity ServiceAccount,
 * the IdentityBinding of each identity-binding class, and the grants on each class's vault. The
 * cross-checks use the objects `AzureAccess` wrote (annotated with the client ID); others are
 * reported as not matched. Nothing is said when the input has no Azure object.
 */

/** The Azure objects with their references followed (aligned with `REFERENCES[kind]`). */
export interface ResolvedObject {
  readonly object: AzureObject;
  readonly refs: readonly Resolution[];
}

export interface AzureObjectsResult {
  readonly findings: CheckFinding[];
  readonly resolved: ResolvedObject[];
  /** References to ASO objects not in the input: "<object>: <why>". */
  readonly unresolved: { readonly object: AzureObject; readonly path: NodePath; readonly reason: string }[];
}

const label = (m: Manifest) => `${m.kind} ${m.id}`;

/** A rule's field (`spec.owner.armId`, `metadata.annotations["a/b"]`, `items[0]`) as a path. */
export function pathOf(field: string): NodePath {
  const nodePath: (string | number)[] = [];
  for (const match of field.matchAll(/\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]|([^.[\]]+)/g)) {
    nodePath.push(match[1] !== undefined ? JSON.parse(match[1]) : match[2] !== undefined ? Number(match[2]) : match[3]);
  }
  return nodePath;
}

/** The rule family of a finding on an Azure object. */
function ruleIdOf(kind: AzureKind, field: string): string {
  if (field.startsWith('metadata.annotations')) return 'aso-client-id';
  if (field === 'metadata.name' || field === 'spec.azureName') return 'aso-name';
  if (kind === 'AccessPolicy') return field === `data.${AccessPolicyRecord.VAULT_RESOURCE_ID}` ? 'aso-reference' : 'aso-access-policy';
  if (/^spec\.(owner|properties\.managedIdentity|roleDefinitionReference)/.test(field)) return 'aso-reference';
  return kind === 'FederatedIdentityCredential' ? 'aso-federated-credential' : 'aso-role-assignment';
}

function toCheckFinding(object: AzureObject, f: Finding, ruleId = ruleIdOf(object.kind, f.field)): CheckFinding {
  return object.manifest.finding(f.severity, ruleId, pathOf(f.field), f.value, f);
}

/** The rules of each object on its own, and its references followed. */
export function checkAzureObjects(input: AzureInput): AzureObjectsResult {
  const findings: CheckFinding[] = [];
  const resolved: ResolvedObject[] = [];
  const unresolved: AzureObjectsResult['unresolved'] = [];
  for (const object of input.objects) {
    const body = object.manifest.body;
    const own = object.kind === 'RoleAssignment' ? checkRoleAssignment(body)
      : object.kind === 'IdentityBinding' ? checkIdentityBinding(body)
        : object.kind === 'FederatedIdentityCredential' ? checkFederatedIdentityCredential(body, object.clientId !== undefined)
          : checkAccessPolicyRecord(body);
    findings.push(...own.map(f => toCheckFinding(object, f)));
    const refs = object.kind === 'AccessPolicy' ? [] : REFERENCES[object.kind].map(ref => {
      const resolution = input.resolve(at(body, ref.path), object.manifest.namespace, ref.fixed);
      if ('unresolved' in resolution) unresolved.push({ object, path: ref.path, reason: resolution.unresolved });
      return resolution;
    });
    resolved.push({ object, refs });
    if (object.kind === 'RoleAssignment') findings.push(...checkRoleScope(object, refs[0]));
  }
  return { findings, resolved, unresolved };
}

/** The role on its scope, once the scope is known. */
function checkRoleScope(object: AzureObject, scope: Resolution): CheckFinding[] {
  const body = object.manifest.body;
  const ref = roleReferenceOf(body);
  if (!ref || !('id' in scope)) return [];
  const scopeType = typeOf(scope.id);
  // Grants to people and groups are not the provider's; only a service principal's role is judged.
  const principalType = body.spec?.principalType;
  if (principalType !== undefined && principalType !== ROLE_ASSIGNMENT_PRINCIPAL_TYPE) return [];
  const findings: CheckFinding[] = [];
  const role = roleOnScope(ref, scopeType);
  if (role) findings.push(toCheckFinding(object, role, 'aso-role'));
  if (principalType === undefined && VAULT_SCOPES.some(t => sameType(t, scopeType))) {
    findings.push(toCheckFinding(object, warning('spec.principalType', null,
      'without principalType, ARM looks the principal up in Entra ID and fails with PrincipalNotFound while a new managed identity is still replicating',
      `set spec.principalType: ${ROLE_ASSIGNMENT_PRINCIPAL_TYPE} (a managed identity's principal is a service principal)`), 'aso-role-assignment'));
  }
  return findings;
}

/** `validate`'s hook: the Azure objects, then the cross-checks with classes and pods. */
export function checkAzure(
  manifests: readonly Manifest[], classes: readonly ClassModel[], pods: readonly PodModel[], findings: CheckFinding[],
): void {
  const input = new AzureInput(manifests);
  if (!input.objects.length) return;
  const result = checkAzureObjects(input);
  findings.push(...result.findings);
  const unmatched: string[] = [];
  checkClientIds(result.resolved, findings);
  checkFederatedCredentials(input, classes, pods, findings, unmatched);
  checkIdentityBindings(input, classes, findings, unmatched);
  checkVaultGrants(result.resolved, input, classes, findings, unmatched);
  if (result.unresolved.length) {
    findings.push(note('input-aso',
      `${describeUsers(result.unresolved.map(u => `${label(u.object.manifest)} (${fieldOf(u.path)}: ${u.reason})`))} reference${result.unresolved.length === 1 ? 's' : ''} ASO objects not in the input, so what they name was not checked`,
      'validate the ASO objects they reference together with them, or reference Azure resources by armId'));
  }
  if (unmatched.length) {
    findings.push(note('input-aso',
      `the Azure side of ${describeUsers(unmatched)} was not checked: no object in the input carries the annotation ${AzureAnnotation.CLIENT_ID} with ${unmatched.length === 1 ? 'that client ID' : 'those client IDs'}, so the ASO objects could not be matched to the classes`,
      `annotate the ASO objects with ${AzureAnnotation.CLIENT_ID}: <client ID> (AzureAccess does), or validate them together with the classes that use them`));
  }
}

/** One client ID is one identity: the objects annotated with it name one identity and one principal. */
function checkClientIds(resolved: readonly ResolvedObject[], findings: CheckFinding[]): void {
  const first = new Map<string, { object: AzureObject; value: string; what: string }>();
  const annotation: NodePath = ['metadata', 'annotations', AzureAnnotation.CLIENT_ID];
  const compare = (object: AzureObject, what: 'identity' | 'principal', value: string, shown: string) => {
    const key = `${what}/${object.clientId}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, { object, value, what: shown });
    } else if (seen.value !== value) {
      const mixed = oneIdentityPerClientId(label(object.manifest), what, shown, label(seen.object.manifest), seen.what, annotation, object.clientId);
      findings.push(object.manifest.findingOf(mixed));
    }
  };
  for (const { object, refs } of resolved) {
    if (!object.clientId) continue;
    const identity = object.kind === 'FederatedIdentityCredential' ? refs[0] : object.kind === 'IdentityBinding' ? refs[1] : undefined;
    // Only full IDs: one resolved by name has no subscription to compare.
    if (identity && 'id' in identity && identity.id.subscription !== undefined) compare(object, 'identity', armIdKey(identity.id), formatArmId(identity.id));
    const body = object.manifest.body;
    const principal = object.kind === 'RoleAssignment' ? body.spec?.principalId
      : object.kind === 'AccessPolicy' ? body.data?.[AccessPolicyRecord.OBJECT_ID] : undefined;
    if (typeof principal === 'string' && isGuid(principal)) compare(object, 'principal', principal.toLowerCase(), principal);
  }
}

/** The client ID a class signs in with to Key Vault, lower case: identity binding, workload identity, user-assigned VM identity. */
function identityOf(cls: ClassModel): string | undefined {
  const userAssigned = cls.manifest.body.spec?.parameters?.[Param.USER_ASSIGNED_IDENTITY_ID];
  const id = cls.mode === IdentityMode.IDENTITY_BINDING || cls.mode === IdentityMode.WORKLOAD_IDENTITY ? cls.clientId
    : cls.mode === IdentityMode.VM_MANAGED_IDENTITY && typeof userAssigned === 'string' ? userAssigned.trim() : undefined;
  return id && isGuid(id) ? id.toLowerCase() : undefined;
}

const annotatedIds = (input: AzureInput) => new Set(input.objects.map(o => o.clientId).filter((id): id is string => id !== undefined));

/** Values grouped by key, in input order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) groups.set(k, [...groups.get(k) ?? [], item]);
  }
  return groups;
}

/** Each workload identity ServiceAccount has a federated credential with its subject. */
function checkFederatedCredentials(
  input: AzureInput, classes: readonly ClassModel[], pods: readonly PodModel[], findings: CheckFinding[], unmatched: string[],
): void {
  const annotated = annotatedIds(input);
  const subjectOf = (o: AzureObject) => typeof o.manifest.body.spec?.subject === 'string' ? o.manifest.body.spec.subject as string : undefined;
  const fics = input.of('FederatedIdentityCredential');
  const subjects = new Map<string, Set<string>>(); // client ID → subjects of its annotated credentials
  for (const f of fics) if (f.clientId && subjectOf(f)) subjects.set(f.clientId, (subjects.get(f.clientId) ?? new Set()).add(subjectOf(f)!));
  const unannotatedBySubject = groupBy(fics.filter(f => !f.clientId), subjectOf);
  const classesByName = groupBy(classes, c => c.manifest.name);
  const reported = new Set<string>();
  for (const pod of pods) {
    const m = pod.manifest;
    for (const volume of pod.volumes) {
      const cls = (classesByName.get(volume.className ?? '') ?? [])
        .find(c => m.namespace === undefined || c.manifest.namespace === undefined || c.manifest.namespace === m.namespace);
      if (!cls || cls.mode !== IdentityMode.WORKLOAD_IDENTITY) continue;
      const clientId = identityOf(cls);
      const namespace = m.namespace ?? cls.manifest.namespace;
      if (!clientId || namespace === undefined) continue;
      const subject = serviceAccountSubject(namespace, pod.serviceAccount);
      const key = `${clientId}/${subject}`;
      if (reported.has(key)) continue;
      reported.add(key);
      if (annotated.has(clientId)) {
        if (subjects.get(clientId)?.has(subject)) continue;
        const saPath = [...pod.specPath, pod.serviceAccountSet ? 'serviceAccountName' : 'volumes'];
        findings.push(m.findingOf(federatedCredentialForSubject(`${namespace}/${pod.serviceAccount}`, clientId, cls.manifest.id, subject, saPath, pod.serviceAccount)));
      } else {
        const other = unannotatedBySubject.get(subject)?.[0];
        unmatched.push(other
          ? `${label(other.manifest)} (subject ${subject}) for class ${cls.manifest.id}`
          : `workload identity ${clientId} of ServiceAccount ${namespace}/${pod.serviceAccount}`);
      }
    }
  }
}

/** Each identity-binding class's identity has an IdentityBinding. */
function checkIdentityBindings(input: AzureInput, classes: readonly ClassModel[], findings: CheckFinding[], unmatched: string[]): void {
  const annotated = annotatedIds(input);
  const bindings = input.of('IdentityBinding');
  const bound = new Set(bindings.map(b => b.clientId));
  for (const cls of classes) {
    if (cls.mode !== IdentityMode.IDENTITY_BINDING) continue;
    const clientId = identityOf(cls);
    if (!clientId) continue;
    if (!annotated.has(clientId)) {
      if (bound.has(undefined)) unmatched.push(`identity binding ${clientId} of class ${cls.manifest.id}`);
      continue;
    }
    if (bound.has(clientId)) continue;
    findings.push(cls.manifest.findingOf(identityBindingForClass(clientId, ['spec', 'parameters', Param.CLIENT_ID], cls.clientId)));
  }
}

/** A grant of a role assignment, or undefined when it does not reach the vault. */
function roleGrant(object: AzureObject, scope: ArmId, vault: string): VaultGrant | undefined {
  const broad = sameType(typeOf(scope), ArmType.RESOURCE_GROUP) || sameType(typeOf(scope), ArmType.SUBSCRIPTION);
  if (!broad && vaultOf(scope)?.name.toLowerCase() !== vault) return undefined;
  const ref = roleReferenceOf(object.manifest.body);
  const role = ref ? roleOf(ref) : undefined;
  const name = role?.name ?? (ref?.kind === 'id' ? ref.id : ref?.name ?? 'an unreadable role');
  const perObject = scope.types.length > 1;
  return {
    label: broad ? `${name} on ${typeOf(scope).split('/').pop()} ${scope.resourceGroup ?? scope.subscription}` : perObject ? `${name} on ${scope.types[1]}/${scope.names[1]}` : name,
    dataActions: role?.dataActions,
    object: perObject ? { collection: scope.types[1], name: scope.names[1] } : undefined,
  };
}

/** The grant of an access-policy record. */
function policyGrant(object: AzureObject): VaultGrant {
  const body = object.manifest.body;
  const policy = { secret: accessPolicyPermissions(body, 'secret'), key: accessPolicyPermissions(body, 'key'), certificate: accessPolicyPermissions(body, 'certificate') };
  const text = ACCESS_POLICY_LISTS.filter(l => policy[l].length).map(l => `${l}s: ${policy[l].join(' ')}`).join('; ');
  return { label: `access policy (${text || 'nothing'})`, accessPolicy: policy };
}

/** The grants of each class's identity on its vault cover the objects it reads. */
function checkVaultGrants(
  resolved: readonly ResolvedObject[], input: AzureInput, classes: readonly ClassModel[], findings: CheckFinding[], unmatched: string[],
): void {
  const annotated = annotatedIds(input);
  const vaultOfRecord = (o: AzureObject) => {
    const id = parseArmId(textOf(o.manifest.body.data?.[AccessPolicyRecord.VAULT_RESOURCE_ID] ?? ''));
    return id ? vaultOf(id)?.name.toLowerCase() : undefined;
  };
  const records = input.of('AccessPolicy');
  const policyVaults = new Set(records.map(vaultOfRecord));
  const assignments = resolved.filter(r => r.object.kind === 'RoleAssignment' && 'id' in r.refs[0])
    .map(r => ({ object: r.object, scope: (r.refs[0] as { id: ArmId }).id }));
  const assignmentsById = groupBy(assignments, a => a.object.clientId);
  const recordsById = groupBy(records, r => r.clientId);
  // Vaults that objects without the annotation grant on: their principal cannot be tied to a class.
  const unannotatedVaults = new Set([
    ...assignments.filter(a => !a.object.clientId).map(a => vaultOf(a.scope)?.name.toLowerCase()),
    ...records.filter(r => !r.clientId).map(vaultOfRecord),
  ]);
  const grantsOf = new Map<string, VaultGrant[]>(); // "<client ID>/<vault>" → grants
  for (const cls of classes) {
    const clientId = identityOf(cls);
    const rawVault = cls.manifest.body.spec?.parameters?.[Param.KEYVAULT_NAME];
    const vault = typeof rawVault === 'string' ? rawVault.trim() : '';
    if (!clientId || !vault || keyVaultName(vault, Param.KEYVAULT_NAME)) continue;
    const vaultKey = vault.toLowerCase();
    if (!annotated.has(clientId)) {
      if (unannotatedVaults.has(vaultKey)) unmatched.push(`the grants of ${clientId} on vault "${vault}" (class ${cls.manifest.id})`);
      continue;
    }
    const key = `${clientId}/${vaultKey}`;
    if (!grantsOf.has(key)) {
      grantsOf.set(key, [
        ...(assignmentsById.get(clientId) ?? []).map(a => roleGrant(a.object, a.scope, vaultKey)).filter((g): g is VaultGrant => g !== undefined),
        ...(recordsById.get(clientId) ?? []).filter(r => vaultOfRecord(r) === vaultKey).map(policyGrant),
      ]);
    }
    const grants = grantsOf.get(key)!;
    const policyVault = policyVaults.has(vaultKey);
    // Objects not covered, grouped by what they lack.
    const missing = new Map<string, { access: ObjectAccess; lacking: string[]; objects: { name: string; type: string }[] }>();
    for (const entry of cls.objects) {
      const access = objectAccess(entry.objectType, versionCount(entry) > 0);
      const lacking = access ? missingOnVault(grants, access, entry.objectName, policyVault) : [];
      if (!access || !lacking.length) continue;
      const group = missing.get(`${access.call}/${lacking.join()}`) ?? { access, lacking, objects: [] };
      group.objects.push({ name: entry.objectName, type: entry.objectType });
      missing.set(`${access.call}/${lacking.join()}`, group);
    }
    for (const { access, lacking, objects } of missing.values()) {
      const violation = missingAccess(`class ${cls.manifest.id} (client ID ${clientId})`, vault, objects, access, grants, lacking, policyVault, Param.KEYVAULT_NAME);
      findings.push(cls.manifest.finding('error', 'azure-role-coverage', ['spec', 'parameters', Param.KEYVAULT_NAME], vault, violation));
    }
  }
}
