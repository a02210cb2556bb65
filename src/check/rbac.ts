import { Manifest } from './finding';
import { IDENTITY_BINDING_API_GROUP, IDENTITY_BINDING_VERB } from '../facts/constants';

/**
 * AKS identity binding RBAC: which ServiceAccounts may use which managed identity, from
 * ClusterRoles (apiGroup cid.wi.aks.azure.com, resource = client ID, verb use-managed-identity)
 * and the ClusterRoleBindings that grant them.
 */

const RBAC_GROUP = 'rbac.authorization.k8s.io/';

export class IdentityGrants {
  /** ClusterRole name → client IDs it allows (lowercase; "*" for any). */
  private readonly roles = new Map<string, Set<string>>();
  private readonly bindings: Manifest[] = [];

  /** Records a ClusterRole or ClusterRoleBinding; returns whether it was one. */
  public add(manifest: Manifest): boolean {
    if (!manifest.apiVersion.startsWith(RBAC_GROUP)) return false;
    if (manifest.kind === 'ClusterRole') {
      const ids = new Set<string>();
      for (const rule of Array.isArray(manifest.body.rules) ? manifest.body.rules : []) {
        const groups: unknown[] = Array.isArray(rule?.apiGroups) ? rule.apiGroups : [];
        const verbs: unknown[] = Array.isArray(rule?.verbs) ? rule.verbs : [];
        if (!groups.some(g => g === IDENTITY_BINDING_API_GROUP || g === '*')) continue;
        if (!verbs.some(v => v === IDENTITY_BINDING_VERB || v === '*')) continue;
        for (const resource of Array.isArray(rule.resources) ? rule.resources : []) {
          if (typeof resource === 'string') ids.add(resource.toLowerCase());
        }
      }
      if (ids.size) this.roles.set(manifest.name, ids);
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

  /** Whether some ClusterRoleBinding lets `namespace/serviceAccount` use the identity `clientId`. */
  public allows(clientId: string, namespace: string | undefined, serviceAccount: string): boolean {
    const id = clientId.toLowerCase();
    for (const binding of this.bindings) {
      const ref = binding.body.roleRef;
      if (ref?.kind !== 'ClusterRole') continue;
      const ids = this.roles.get(ref.name);
      if (!ids || !(ids.has(id) || ids.has('*'))) continue;
      for (const subject of Array.isArray(binding.body.subjects) ? binding.body.subjects : []) {
        if (subjectMatches(subject, namespace, serviceAccount)) return true;
      }
    }
    return false;
  }
}

/** A ServiceAccount subject, its user name, or a service-account group. Unknown namespaces match. */
function subjectMatches(subject: any, namespace: string | undefined, serviceAccount: string): boolean {
  const sameNamespace = (ns: unknown) => namespace === undefined || ns === undefined || ns === namespace;
  if (subject?.kind === 'ServiceAccount') return subject.name === serviceAccount && sameNamespace(subject.namespace);
  if (subject?.kind === 'User' && typeof subject.name === 'string') {
    const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject.name);
    return match !== null && match[2] === serviceAccount && sameNamespace(match[1]);
  }
  if (subject?.kind === 'Group') {
    if (subject.name === 'system:serviceaccounts') return true;
    const match = /^system:serviceaccounts:([^:]+)$/.exec(String(subject.name));
    return match !== null && sameNamespace(match[1]);
  }
  return false;
}

/** Which ServiceAccounts ClusterRoleBindings let create Secrets (the driver's sync role). */
export class SecretWriters {
  private readonly roles = new Set<string>();
  private readonly bindings: Manifest[] = [];

  public add(manifest: Manifest): void {
    if (!manifest.apiVersion.startsWith(RBAC_GROUP)) return;
    if (manifest.kind === 'ClusterRole') {
      const writes = (Array.isArray(manifest.body.rules) ? manifest.body.rules : []).some((rule: any) =>
        includes(rule?.apiGroups, '') && includes(rule?.resources, 'secrets') && includes(rule?.verbs, 'create'));
      if (writes) this.roles.add(manifest.name);
    } else if (manifest.kind === 'ClusterRoleBinding') {
      this.bindings.push(manifest);
    }
  }

  /** Whether some ClusterRoleBinding names the ServiceAccount at all (its RBAC is in the input). */
  public bound(namespace: string | undefined, serviceAccount: string): boolean {
    return this.bindings.some(b => subjectsOf(b).some(s => subjectMatches(s, namespace, serviceAccount)));
  }

  /** Whether the ServiceAccount may create Secrets cluster-wide. */
  public allows(namespace: string | undefined, serviceAccount: string): boolean {
    return this.bindings.some(b => b.body.roleRef?.kind === 'ClusterRole' && this.roles.has(b.body.roleRef.name)
      && subjectsOf(b).some(s => subjectMatches(s, namespace, serviceAccount)));
  }
}

function includes(list: unknown, value: string): boolean {
  return Array.isArray(list) && (list.includes(value) || list.includes('*'));
}

function subjectsOf(binding: Manifest): any[] {
  return Array.isArray(binding.body.subjects) ? binding.body.subjects : [];
}
