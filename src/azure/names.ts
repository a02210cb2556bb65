import { createHash } from 'crypto';
import { uuidV5 } from './uuid';
import { AsoNamePattern, BuiltInRole } from '../facts/azure';

/**
 * The names of the objects `AzureAccess` writes: functions of the Azure object alone (scope,
 * principal, role; identity, cluster; issuer, subject), never of the app, so that two apps that need
 * the same grant write byte-identical objects, and objects that differ never share a name in the
 * namespace. ARM compares resource IDs case-insensitively, so IDs are lowercased before hashing.
 */

/**
 * Namespace of the name-based UUIDs of role assignments. Never change it: every assignment would
 * get a new name, and ASO would create each grant again beside the old one.
 */
export const ROLE_ASSIGNMENT_NAMESPACE = '8b67f36c-bf21-4ec0-8be1-6ce5690dbb82';

/** Longest readable prefix of a Kubernetes name (the whole stays well within 253). */
const MAX_PREFIX = 100;

/** The first `length` hex digits of the SHA-256 of the parts (joined by newlines). */
function digest(parts: readonly string[], length: number): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, length);
}

/** Lowercase letters, digits and single hyphens, no hyphen at either end. */
function dnsPart(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** A DNS-1123 name: the readable parts, shortened, then the unique suffix. */
function kubernetesName(parts: readonly string[], suffix: string): string {
  const prefix = dnsPart(parts.join('-')).slice(0, MAX_PREFIX).replace(/-+$/, '');
  return prefix ? `${prefix}-${suffix}` : suffix;
}

/** `azureName` of a role assignment: a UUID v5 of scope, principal and role. */
export function roleAssignmentAzureName(scope: string, principalId: string, role: BuiltInRole): string {
  return uuidV5(ROLE_ASSIGNMENT_NAMESPACE, [scope.toLowerCase(), principalId.toLowerCase(), role.id].join('\n'));
}

/** Kubernetes name of a role assignment: identity, role, scope, then the `azureName`. */
export function roleAssignmentName(identityName: string, role: BuiltInRole, scopeParts: readonly string[], azureName: string): string {
  return kubernetesName([identityName, role.name.replace(/^Key Vault /, ''), ...scopeParts], azureName);
}

/**
 * Name (and `azureName`) of an identity binding: `ib`, the identity's name in letters and digits,
 * and a digest of cluster and identity; matches `^[a-z][a-z0-9]{0,63}$` within 63 characters.
 */
export function identityBindingName(clusterId: string, identityId: string, identityName: string): string {
  const hash = digest([clusterId.toLowerCase(), identityId.toLowerCase()], 10);
  const readable = identityName.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `ib${readable.slice(0, AsoNamePattern.IDENTITY_BINDING_MAX_LENGTH - 2 - hash.length)}${hash}`;
}

/** The digest that tells federated credentials apart: identity, issuer and subject. */
function credentialDigest(identityId: string, issuer: string, subject: string): string {
  return digest([identityId.toLowerCase(), issuer, subject], 10);
}

/**
 * `azureName` of a federated credential: cluster, namespace and ServiceAccount, then a digest of
 * identity, issuer and subject; matches `^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$`.
 */
export function federatedCredentialAzureName(
  identityId: string, issuer: string, subject: string, clusterName: string, namespace: string, serviceAccount: string,
): string {
  const hash = credentialDigest(identityId, issuer, subject);
  const readable = `${clusterName}-${namespace}-${serviceAccount}`.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return `${readable.slice(0, 120 - 1 - hash.length) || 'fic'}-${hash}`;
}

/** Kubernetes name of a federated credential: identity, cluster, namespace, ServiceAccount, digest. */
export function federatedCredentialName(
  identityId: string, issuer: string, subject: string, identityName: string, clusterName: string, namespace: string, serviceAccount: string,
): string {
  return kubernetesName([identityName, clusterName, namespace, serviceAccount], credentialDigest(identityId, issuer, subject));
}

/** Kubernetes name of an access-policy record: identity, vault, category, digest. */
export function accessPolicyName(vaultId: string, principalId: string, category: string, identityName: string, vaultName: string): string {
  const hash = digest([vaultId.toLowerCase(), principalId.toLowerCase(), category], 10);
  return kubernetesName([identityName, vaultName, category, 'access-policy'], hash);
}
