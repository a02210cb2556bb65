import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { clusterScoped } from '../app/cluster-scoped';
import { CSI_DRIVER_NAME } from '../facts/constants';
import { Driver } from '../facts/install';

/**
 * The driver's cluster-scoped RBAC, rule for rule as upstream `deploy/` v1.6.0 (and v1.5.x for the
 * legacy roles). Least privilege: named verbs on named resources, no wildcards.
 */

type PolicyRule = kplus.k8s.PolicyRule;

const GROUP = 'secrets-store.csi.x-k8s.io';
const READ = ['get', 'list', 'watch'];
/** Verbs on Secrets the sync controller needs (create, then update the whole Secret; GC patches). */
const SECRET_SYNC_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** `secretproviderclasses-role`: what every driver needs. */
const BASE_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: READ },
  { apiGroups: [GROUP], resources: ['secretproviderclasses'], verbs: READ },
  { apiGroups: [GROUP], resources: ['secretproviderclasspodstatuses'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { apiGroups: [GROUP], resources: ['secretproviderclasspodstatuses/status'], verbs: ['get', 'patch', 'update'] },
  { apiGroups: ['storage.k8s.io'], resourceNames: [CSI_DRIVER_NAME], resources: ['csidrivers'], verbs: READ },
];

/** @internal The driver's ServiceAccount, which every binding names. */
export interface ServiceAccountRef {
  readonly name: string;
  readonly namespace: string;
}

/** @internal A ClusterRole and the ClusterRoleBinding of the driver's ServiceAccount to it. */
export function addDriverRole(
  scope: Construct, id: string, names: { role: string; binding: string }, rules: PolicyRule[], subject: ServiceAccountRef,
): kplus.k8s.KubeClusterRole {
  const role = new kplus.k8s.KubeClusterRole(scope, `${id}ClusterRole`, { metadata: clusterScoped({ name: names.role }), rules });
  new kplus.k8s.KubeClusterRoleBinding(scope, `${id}ClusterRoleBinding`, {
    metadata: clusterScoped({ name: names.binding }),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.role },
    subjects: [{ kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace }],
  });
  return role;
}

/** @internal `secretproviderclasses-role[binding]`. */
export function addBaseRole(scope: Construct, subject: ServiceAccountRef): void {
  addDriverRole(scope, '', { role: Driver.Rbac.ROLE, binding: Driver.Rbac.ROLE_BINDING }, BASE_RULES, subject);
}

/** @internal `secretprovidersyncing-role[binding]`: syncing `secretObjects` into Kubernetes Secrets. */
export function addSyncRole(scope: Construct, subject: ServiceAccountRef): void {
  addDriverRole(scope, 'SecretSync', { role: Driver.Rbac.SYNC_ROLE, binding: Driver.Rbac.SYNC_ROLE_BINDING },
    [{ apiGroups: [''], resources: ['secrets'], verbs: SECRET_SYNC_VERBS }], subject);
}

/** @internal Driver ≤ v1.5.x with rotation: the rotation reconciler re-reads nodePublishSecretRef Secrets. */
export function addLegacyRotationRole(scope: Construct, subject: ServiceAccountRef): void {
  addDriverRole(scope, 'LegacyRotation', { role: Driver.Rbac.ROTATION_ROLE, binding: Driver.Rbac.ROTATION_ROLE_BINDING },
    [{ apiGroups: [''], resources: ['secrets'], verbs: READ }], subject);
}

/** @internal Driver ≤ v1.5.x with token requests: the driver mints ServiceAccount tokens during rotation. */
export function addLegacyTokenRequestRole(scope: Construct, subject: ServiceAccountRef): void {
  addDriverRole(scope, 'LegacyTokenRequest', { role: Driver.Rbac.TOKEN_REQUEST_ROLE, binding: Driver.Rbac.TOKEN_REQUEST_ROLE_BINDING },
    [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }], subject);
}

/** @internal The roles aggregated into the built-in admin, edit and view roles (no binding). */
export function addAggregatedRoles(scope: Construct): void {
  const aggregated = (id: string, name: string, labels: string[], resource: string, verbs: string[]) =>
    new kplus.k8s.KubeClusterRole(scope, id, {
      metadata: clusterScoped({ name, labels: Object.fromEntries(labels.map(l => [`rbac.authorization.k8s.io/aggregate-to-${l}`, 'true'])) }),
      rules: [{ apiGroups: [GROUP], resources: [resource], verbs }],
    });
  aggregated('AdminClusterRole', Driver.Rbac.ADMIN_ROLE, ['admin', 'edit'], 'secretproviderclasses',
    [...READ, 'create', 'update', 'patch', 'delete']);
  aggregated('ViewerClusterRole', Driver.Rbac.VIEWER_ROLE, ['view'], 'secretproviderclasses', READ);
  aggregated('PodStatusViewerClusterRole', Driver.Rbac.POD_STATUS_VIEWER_ROLE, ['view'], 'secretproviderclasspodstatuses', READ);
}
