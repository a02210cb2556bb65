import { Manifest } from './finding';
import { IDENTITY_BINDING_API_GROUP, IDENTITY_BINDING_VERB } from '../facts/constants';

/**
 * AKS identity binding RBAC: which ServiceAccounts may use which managed identity, from
 * ClusterRoles (apiGroup cid.wi.aks.azure.com, resource = client ID, verb use-managed-identity)
 * and the ClusterRoleBindings that grant them. Resource names are compared exactly: RBAC is
 * case-sensitive, so a rule for "ABC…" does not grant "abc…" (`ruleResource == combinedRequestedResource`,
 * https://github.com/kubernetes/kubernetes/blob/6732d913237bd282d81fe99df860938c5d60480a/pkg/apis/rbac/v1/evaluation_helpers.go#L52-L61).
 *
 * Lookups are indexed (subject → roles, client ID → roles), so checking every pod is linear in the
 * input, not pods × bindings.
 */

const RBAC_GROUP = 'rbac.authorization.k8s.io/';
const WILDCARD = '*';

/** Index keys under which a ClusterRoleBinding subject can match a pod's ServiceAccount. */
function subjectKeys(subject: any): string[] {
  const sa = (namespace: string | undefined, name: string) => [JSON.stringify(['sa', namespace ?? null, name]), JSON.stringify(['sa-name', name])];
  if (subject?.kind === 'ServiceAccount' && typeof subject.name === 'string') {
    return sa(typeof subject.namespace === 'string' ? subject.namespace : undefined, subject.name);
  }
  if (subject?.kind === 'User' && typeof subject.name === 'string') {
    const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject.name);
    return match ? sa(match[1], match[2]) : [];
  }
  if (subject?.kind === 'Group' && typeof subject.name === 'string') {
    if (subject.name === 'system:serviceaccounts') return [JSON.stringify(['all'])];
    const match = /^system:serviceaccounts:([^:]+)$/.exec(subject.name);
    return match ? [JSON.stringify(['group', match[1]]), JSON.stringify(['any-group'])] : [];
  }
  return [];
}

/** The keys a pod's ServiceAccount is looked up with (an unknown namespace matches any). */
function queryKeys(namespace: string | undefined, serviceAccount: string): string[] {
  if (namespace === undefined) {
    return [JSON.stringify(['sa-name', serviceAccount]), JSON.stringify(['all']), JSON.stringify(['any-group'])];
  }
  return [
    JSON.stringify(['sa', namespace, serviceAccount]), JSON.stringify(['sa', null, serviceAccount]),
    JSON.stringify(['all']), JSON.stringify(['group', namespace]),
  ];
}

function rulesOf(manifest: Manifest): any[] {
  return Array.isArray(manifest.body.rules) ? manifest.body.rules : [];
}

function subjectsOf(binding: Manifest): any[] {
  return Array.isArray(binding.body.subjects) ? binding.body.subjects : [];
}

function push<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, set = new Set());
  set.add(value);
}

export class IdentityGrants {
  /** ClusterRole name → client IDs it allows (exact; "*" for any). */
  private readonly roles = new Map<string, Set<string>>();
  private readonly bindings: Manifest[] = [];
  private index?: { bySubject: Map<string, Set<string>>; byClientId: Map<string, Set<string>> };
  private readonly cache = new Map<string, boolean>();

  /** Records a ClusterRole or ClusterRoleBinding; returns whether it was one. */
  public add(manifest: Manifest): boolean {
    if (!manifest.apiVersion.startsWith(RBAC_GROUP)) return false;
    if (manifest.kind === 'ClusterRole') {
      const ids = new Set<string>();
      for (const rule of rulesOf(manifest)) {
        const groups: unknown[] = Array.isArray(rule?.apiGroups) ? rule.apiGroups : [];
        const verbs: unknown[] = Array.isArray(rule?.verbs) ? rule.verbs : [];
        if (!groups.some(g => g === IDENTITY_BINDING_API_GROUP || g === WILDCARD)) continue;
        if (!verbs.some(v => v === IDENTITY_BINDING_VERB || v === WILDCARD)) continue;
        for (const resource of Array.isArray(rule.resources) ? rule.resources : []) {
          if (typeof resource === 'string') ids.add(resource);
        }
      }
      if (ids.size && !this.roles.has(manifest.name)) this.roles.set(manifest.name, ids);
      return true;
    }
    if (manifest.kind === 'ClusterRoleBinding') {
      this.bindings.push(manifest);
      return true;
    }
    return false;
  }

  /** Whether the input has any identity-binding ClusterRole (else nothing can be checked). */
  public get present(): boolean {
    return this.roles.size > 0;
  }

  /** Whether some ClusterRoleBinding lets `namespace/serviceAccount` use the identity `clientId` (exact, case-sensitive). */
  public allows(clientId: string, namespace: string | undefined, serviceAccount: string): boolean {
    const { bySubject, byClientId } = this.index ??= this.buildIndex();
    for (const key of queryKeys(namespace, serviceAccount)) {
      const cacheKey = JSON.stringify([key, clientId]);
      let allowed = this.cache.get(cacheKey);
      if (allowed === undefined) {
        const subjectRoles = bySubject.get(key);
        allowed = subjectRoles !== undefined
          && (intersects(subjectRoles, byClientId.get(clientId)) || intersects(subjectRoles, byClientId.get(WILDCARD)));
        this.cache.set(cacheKey, allowed);
      }
      if (allowed) return true;
    }
    return false;
  }

  private buildIndex() {
    const bySubject = new Map<string, Set<string>>();
    const byClientId = new Map<string, Set<string>>();
    for (const [role, ids] of this.roles) for (const id of ids) push(byClientId, id, role);
    for (const binding of this.bindings) {
      const ref = binding.body.roleRef;
      if (ref?.kind !== 'ClusterRole' || typeof ref.name !== 'string' || !this.roles.has(ref.name)) continue;
      for (const subject of subjectsOf(binding)) for (const key of subjectKeys(subject)) push(bySubject, key, ref.name);
    }
    return { bySubject, byClientId };
  }
}

/** Whether two sets share an element: O(smaller set). */
function intersects<T>(a: ReadonlySet<T>, b: ReadonlySet<T> | undefined): boolean {
  if (!b) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}

/** Which ServiceAccounts ClusterRoleBindings let create Secrets (the driver's sync role). */
export class SecretWriters {
  private readonly roles = new Set<string>();
  private readonly bindings: Manifest[] = [];
  private index?: { bound: Set<string>; writes: Set<string> };

  public add(manifest: Manifest): void {
    if (!manifest.apiVersion.startsWith(RBAC_GROUP)) return;
    if (manifest.kind === 'ClusterRole') {
      const writes = rulesOf(manifest).some((rule: any) =>
        includes(rule?.apiGroups, '') && includes(rule?.resources, 'secrets') && includes(rule?.verbs, 'create'));
      if (writes) this.roles.add(manifest.name);
    } else if (manifest.kind === 'ClusterRoleBinding') {
      this.bindings.push(manifest);
    }
  }

  /** Whether some ClusterRoleBinding names the ServiceAccount at all (its RBAC is in the input). */
  public bound(namespace: string | undefined, serviceAccount: string): boolean {
    const { bound } = this.index ??= this.buildIndex();
    return queryKeys(namespace, serviceAccount).some(k => bound.has(k));
  }

  /** Whether the ServiceAccount may create Secrets cluster-wide. */
  public allows(namespace: string | undefined, serviceAccount: string): boolean {
    const { writes } = this.index ??= this.buildIndex();
    return queryKeys(namespace, serviceAccount).some(k => writes.has(k));
  }

  private buildIndex() {
    const bound = new Set<string>();
    const writes = new Set<string>();
    for (const binding of this.bindings) {
      const ref = binding.body.roleRef;
      const writer = ref?.kind === 'ClusterRole' && typeof ref.name === 'string' && this.roles.has(ref.name);
      for (const subject of subjectsOf(binding)) {
        for (const key of subjectKeys(subject)) {
          bound.add(key);
          if (writer) writes.add(key);
        }
      }
    }
    return { bound, writes };
  }
}

function includes(list: unknown, value: string): boolean {
  return Array.isArray(list) && (list.includes(value) || list.includes(WILDCARD));
}
