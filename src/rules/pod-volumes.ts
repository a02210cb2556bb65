import { manifestFinding, ManifestFinding, NodePath } from './model';
import { IDENTITY_BINDING_API_GROUP, IDENTITY_BINDING_VERB, POD_IDENTITY_LABEL } from '../facts/constants';

/**
 * Rules of a pod's Secrets Store CSI volume and what its class needs of the pod, as the driver
 * and the provider read them at mount. `path` is where the finding points in the pod's manifest.
 */

/** The driver mounts only read-only volumes. */
export function volumeReadOnly(readOnly: unknown, path: NodePath): ManifestFinding | undefined {
  if (readOnly === true) return undefined;
  return manifestFinding('error', 'workload-volume', path, readOnly ?? null, { rule: 'the driver mounts only read-only volumes and fails with "Readonly is not true in request"', fix: 'set csi.readOnly: true' });
}

/** The volume names its class. */
export function volumeNamesClass(className: string | undefined, attributes: unknown, path: NodePath): ManifestFinding | undefined {
  if (className !== undefined) return undefined;
  return manifestFinding('error', 'workload-volume', path, attributes ?? null, {
    rule: 'the volume names no class, and the driver fails with "secretProviderClass is not set"',
    fix: 'set csi.volumeAttributes.secretProviderClass to the name of a SecretProviderClass in the pod\'s namespace',
  });
}

/** The driver reads the class from the pod's namespace. */
export function classInNamespace(className: string, namespace: string | undefined, elsewhere: readonly string[], path: NodePath): ManifestFinding {
  const there = elsewhere.length ? ` (there is one in ${elsewhere.slice(0, 3).map(n => `"${n}"`).join(', ')}${elsewhere.length > 3 ? ' and more' : ''})` : '';
  return manifestFinding('error', 'workload-volume', path, className, {
    rule: `no SecretProviderClass "${className}" in namespace "${namespace ?? ''}"${there}, and the driver reads the class from the pod's namespace ("failed to get secretproviderclass")`,
    fix: 'create the class in the pod\'s namespace, or name a class that is there',
  });
}

/** A class without an identity signs in as the service principal of the volume's nodePublishSecretRef. */
export function servicePrincipalSecret(classId: string, secretRef: unknown, path: NodePath): ManifestFinding | undefined {
  if (typeof (secretRef as { name?: unknown } | undefined)?.name === 'string') return undefined;
  return manifestFinding('error', 'workload-volume', path, secretRef ?? null, {
    rule: `class ${classId} sets no identity, so the provider signs in with a service principal from nodePublishSecretRef and fails with "nodePublishSecretRef secret is not set"`,
    fix: 'set csi.nodePublishSecretRef.name to a Secret with the keys clientid and clientsecret, or give the class an identity',
  });
}

/** Pod identity finds the pod's identity by its label. */
export function podIdentityLabel(classId: string, labels: Record<string, unknown>, path: NodePath): ManifestFinding | undefined {
  if (typeof labels[POD_IDENTITY_LABEL] === 'string') return undefined;
  return manifestFinding('error', 'workload-volume', path, labels, {
    rule: `class ${classId} uses pod identity, and NMI finds the pod's identity by the label ${POD_IDENTITY_LABEL}`,
    fix: `add the pod label ${POD_IDENTITY_LABEL}: <the AzureIdentityBinding selector>`,
  });
}

/** Identity binding: a ClusterRoleBinding must let the pod's ServiceAccount use the identity. */
export function identityBindingGranted(
  granted: boolean, classId: string, clientId: string, namespace: string | undefined, serviceAccount: string, path: NodePath,
): ManifestFinding | undefined {
  if (granted) return undefined;
  return manifestFinding('error', 'identity-binding-rbac', path, serviceAccount, {
    rule: `class ${classId} uses identity binding for client ID ${clientId}, and no ClusterRoleBinding in the input lets ServiceAccount ${namespace ?? ''}/${serviceAccount} ${IDENTITY_BINDING_VERB} on it (the identity binding proxy refuses its token; RBAC resource names are case-sensitive)`,
    fix: `bind the ServiceAccount to a ClusterRole with apiGroups [${IDENTITY_BINDING_API_GROUP}], resources [${clientId}], verbs [${IDENTITY_BINDING_VERB}]`,
  });
}
