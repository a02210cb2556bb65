
import { checkAzure } from './azure';
import { CheckFinding, Manifest, note } from './finding';
import { audiencesOf, DriverDaemonSet, isCsiDriver, ProviderDaemonSet, readDriver, readProvider } from './install';
import { manifestsOf } from './manifests';
import { IdentityGrants, SecretWriters } from './rbac';
import { ClassModel, isSecretProviderClass, readClass } from './secret-provider-class';
import { SourceDocument } from './source';
import { PodModel, readPod } from './workloads';
import { IDENTITY_BINDING_API_GROUP, IDENTITY_BINDING_VERB, POD_IDENTITY_LABEL } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import { OperatingSystem, paths } from '../facts/os';
import {
  audienceRequested, describeUsers, dnsPolicyForIdentityBinding, environmentFileMounted, hostNetworkForPodIdentity,
  providersDirAgreement, providerVersionForIdentityBinding, syncRbacForSecretObjects, uniqueClassName,
} from '../rules/cluster';
import { federatedCredentialBudget } from '../rules/identity';
import { Violation } from '../rules/model';

/**
 * The checker: documents → manifests → the same rules as the constructs, then the rules between
 * objects that are both in the input. What cannot be checked because a counterpart is missing is
 * said once, as a note.
 */

export interface CheckResult {
  readonly findings: CheckFinding[];
  /** Number of YAML documents read. */
  readonly documents: number;
}

const label = (m: Manifest) => `${m.kind} ${m.id}`;

export function check(docs: readonly SourceDocument[]): CheckResult {
  const manifests = manifestsOf(docs);
  return { findings: sortFindings(checkManifests(manifests), docs), documents: docs.length };
}

/** The rules on a set of manifests (one cluster's), unsorted: the checker's core, also run on what constructs render. */
export function checkManifests(manifests: readonly Manifest[]): CheckFinding[] {
  const findings: CheckFinding[] = [];
  // Installs first: the provider's flags change what a class writes.
  let csiDriver: Manifest | undefined;
  const drivers: DriverDaemonSet[] = [];
  const providers: ProviderDaemonSet[] = [];
  const grants = new IdentityGrants();
  const secretWriters = new SecretWriters();
  const serviceAccounts = new Map<string, Set<string>>(); // namespace → names
  const classManifests: Manifest[] = [];
  const pods: PodModel[] = [];
  for (const manifest of manifests) {
    if (isSecretProviderClass(manifest)) {
      classManifests.push(manifest);
    } else if (isCsiDriver(manifest)) {
      csiDriver = manifest;
    } else if (grants.add(manifest)) {
      secretWriters.add(manifest);
    } else if (manifest.kind === 'ServiceAccount' && manifest.apiVersion === 'v1') {
      const names = serviceAccounts.get(manifest.namespace ?? '') ?? new Set<string>();
      names.add(manifest.name);
      serviceAccounts.set(manifest.namespace ?? '', names);
    } else {
      const driver = readDriver(manifest);
      const provider = driver ? undefined : readProvider(manifest);
      if (driver) {drivers.push(driver);} else if (provider) {providers.push(provider);} else {
        const pod = readPod(manifest);
        if (pod && pod.volumes.length) pods.push(pod);
      }
    }
  }

  const separateFiles = providers.some(p => p.writeCertAndKeyInSeparateFiles);
  const classes: ClassModel[] = [];
  const classIds = new Map<string, Manifest>();
  for (const manifest of classManifests) {
    const first = classIds.get(manifest.id);
    if (first) {
      findings.push(manifest.finding('error', 'spc-name', ['metadata', 'name'], manifest.name,
        uniqueClassName(manifest.name, manifest.namespace, `${label(first)} (${first.source.file}, document ${first.source.index})`, 'manifest')!));
    } else {
      classIds.set(manifest.id, manifest);
    }
    const model = readClass(manifest, findings, () => ({ writeCertAndKeyInSeparateFiles: separateFiles }));
    if (model) classes.push(model);
  }

  checkPods(pods, classes, classManifests, grants, serviceAccounts, findings);
  checkAudiences(csiDriver, classes, findings);
  checkProviders(providers, drivers, classes, findings);
  checkSyncRbac(drivers, classes, secretWriters, findings);
  checkAzure(manifests, classes, pods, findings);
  return findings;
}

/**
 * @param classManifests every SecretProviderClass, also of other providers and unreadable ones
 *   (a volume naming one of those is not checked further)
 */
function checkPods(
  pods: PodModel[], classes: ClassModel[], classManifests: Manifest[], grants: IdentityGrants,
  serviceAccounts: Map<string, Set<string>>, findings: CheckFinding[],
): void {
  const anyClass = classManifests.length > 0;
  const byName = new Map<string, ClassModel[]>();
  for (const cls of classes) byName.set(cls.manifest.name, [...byName.get(cls.manifest.name) ?? [], cls]);
  const manifestsByName = new Map<string, Manifest[]>();
  for (const m of classManifests) manifestsByName.set(m.name, [...manifestsByName.get(m.name) ?? [], m]);
  const namespacesWithClasses = new Set(classManifests.map(c => c.namespace ?? ''));
  const unresolved: string[] = [];
  const ungranted: string[] = [];
  const subjects = new Map<string, { cls: ClassModel; subjects: Set<string> }>(); // workload identity client ID → subjects

  for (const pod of pods) {
    const m = pod.manifest;
    const error = (nodePath: (string | number)[], value: unknown, violation: Violation) => findings.push(m.finding('error', 'workload-volume', nodePath, value, violation));
    for (const volume of pod.volumes) {
      if (volume.csi.readOnly !== true) {
        error([...volume.path, 'csi', 'readOnly'], volume.csi.readOnly ?? null, {
          rule: 'the driver mounts only read-only volumes and fails with "Readonly is not true in request"',
          fix: 'set csi.readOnly: true',
        });
      }
      if (volume.className === undefined) {
        error([...volume.path, 'csi', 'volumeAttributes'], volume.csi.volumeAttributes ?? null, {
          rule: 'the volume names no class, and the driver fails with "secretProviderClass is not set"',
          fix: 'set csi.volumeAttributes.secretProviderClass to the name of a SecretProviderClass in the pod\'s namespace',
        });
        continue;
      }
      const attributePath = [...volume.path, 'csi', 'volumeAttributes', 'secretProviderClass'];
      const sameNamespace = (ns: string | undefined) => m.namespace === undefined || ns === undefined || ns === m.namespace;
      const cls = (byName.get(volume.className) ?? []).find(c => sameNamespace(c.manifest.namespace));
      if (!cls) {
        const candidates = manifestsByName.get(volume.className) ?? [];
        if (candidates.some(c => sameNamespace(c.namespace))) continue; // another provider's class, or one that could not be read
        const elsewhere = candidates.map(c => c.namespace ?? '');
        if (elsewhere.length || (m.namespace !== undefined && namespacesWithClasses.has(m.namespace))) {
          error(attributePath, volume.className, {
            rule: `no SecretProviderClass "${volume.className}" in namespace "${m.namespace ?? ''}"${elsewhere.length ? ` (there is one in ${elsewhere.map(n => `"${n}"`).join(', ')})` : ''}, and the driver reads the class from the pod's namespace ("failed to get secretproviderclass")`,
            fix: 'create the class in the pod\'s namespace, or name a class that is there',
          });
        } else {
          unresolved.push(`${label(m)} → ${volume.className}`);
        }
        continue;
      }

      if (cls.mode === IdentityMode.SERVICE_PRINCIPAL && typeof volume.csi.nodePublishSecretRef?.name !== 'string') {
        error([...volume.path, 'csi', 'nodePublishSecretRef'], volume.csi.nodePublishSecretRef ?? null, {
          rule: `class ${cls.manifest.id} sets no identity, so the provider signs in with a service principal from nodePublishSecretRef and fails with "nodePublishSecretRef secret is not set"`,
          fix: 'set csi.nodePublishSecretRef.name to a Secret with the keys clientid and clientsecret, or give the class an identity',
        });
      }
      if (cls.mode === IdentityMode.POD_IDENTITY && typeof pod.labels[POD_IDENTITY_LABEL] !== 'string') {
        const labelsPath = [...pod.specPath.slice(0, -1), 'metadata', 'labels'];
        error(labelsPath, pod.labels ?? null, {
          rule: `class ${cls.manifest.id} uses pod identity, and NMI finds the pod's identity by the label ${POD_IDENTITY_LABEL}`,
          fix: `add the pod label ${POD_IDENTITY_LABEL}: <the AzureIdentityBinding selector>`,
        });
      }
      const saPath = [...pod.specPath, pod.serviceAccountSet ? 'serviceAccountName' : 'volumes'];
      const known = serviceAccounts.get(m.namespace ?? '');
      const signsInAsPod = cls.mode === IdentityMode.IDENTITY_BINDING || cls.mode === IdentityMode.WORKLOAD_IDENTITY;
      if (pod.serviceAccountSet && known && !known.has(pod.serviceAccount) && signsInAsPod) {
        findings.push(m.finding('warning', 'workload-service-account', saPath, pod.serviceAccount, {
          rule: `no ServiceAccount "${pod.serviceAccount}" in namespace "${m.namespace ?? ''}" of the input, and class ${cls.manifest.id} signs in with its token`,
          fix: 'create the ServiceAccount, or name one that exists',
        }));
      }
      if (cls.mode === IdentityMode.IDENTITY_BINDING && cls.clientId) {
        if (!grants.present) {
          ungranted.push(label(m));
        } else if (!grants.allows(cls.clientId, m.namespace, pod.serviceAccount)) {
          findings.push(m.finding('error', 'identity-binding-rbac', saPath, pod.serviceAccount, {
            rule: `class ${cls.manifest.id} uses identity binding for client ID ${cls.clientId}, and no ClusterRoleBinding in the input lets ServiceAccount ${m.namespace ?? ''}/${pod.serviceAccount} ${IDENTITY_BINDING_VERB} on it (the identity binding proxy refuses its token)`,
            fix: `bind the ServiceAccount to a ClusterRole with apiGroups [${IDENTITY_BINDING_API_GROUP}], resources [${cls.clientId}], verbs [${IDENTITY_BINDING_VERB}]`,
          }));
        }
      }
      if (cls.mode === IdentityMode.WORKLOAD_IDENTITY && cls.clientId) {
        const id = cls.clientId.toLowerCase();
        const entry = subjects.get(id) ?? { cls, subjects: new Set<string>() };
        entry.subjects.add(`system:serviceaccount:${m.namespace ?? ''}:${pod.serviceAccount}`);
        subjects.set(id, entry);
      }
    }
  }

  // Federated credentials: one per (namespace, ServiceAccount) per identity; identity binding on the same identity takes one.
  for (const [id, { cls, subjects: s }] of subjects) {
    const binding = classes.some(c => c.mode === IdentityMode.IDENTITY_BINDING && c.clientId?.toLowerCase() === id);
    const finding = federatedCredentialBudget(cls.clientId!, s.size, binding);
    if (finding) findings.push(cls.manifest.finding(finding.severity, 'federated-credential-budget', ['spec', 'parameters', 'clientID'], finding.value, finding));
  }

  if (unresolved.length && !anyClass) {
    findings.push(note('input-classes', `${describeUsers(unresolved)} mount${unresolved.length === 1 ? 's a class' : ' classes'} not in the input, so their classes were not checked against the pods`, 'validate the SecretProviderClasses together with the workloads'));
  } else if (unresolved.length) {
    findings.push(note('input-classes', `${describeUsers(unresolved)} mount${unresolved.length === 1 ? 's a class' : ' classes'} not in the input`, 'validate the SecretProviderClasses together with the workloads, or check the class names'));
  }
  if (ungranted.length) {
    findings.push(note('input-rbac', `no ClusterRole in the input allows ${IDENTITY_BINDING_VERB} (apiGroup ${IDENTITY_BINDING_API_GROUP}), so the identity-binding RBAC of ${describeUsers(ungranted)} was not checked`, 'validate the ClusterRoles and ClusterRoleBindings together with the workloads'));
  }
}

function checkAudiences(csiDriver: Manifest | undefined, classes: ClassModel[], findings: CheckFinding[]): void {
  const needing = new Map<string, ClassModel[]>();
  for (const cls of classes) if (cls.audience) needing.set(cls.audience, [...needing.get(cls.audience) ?? [], cls]);
  if (!needing.size) return;
  if (!csiDriver) {
    findings.push(note('input-csidriver', `no CSIDriver secrets-store.csi.k8s.io in the input, so the token audiences ${[...needing.keys()].join(', ')} of ${describeUsers(classes.filter(c => c.audience).map(c => label(c.manifest)))} were not checked`, 'validate the driver\'s manifests together with the classes'));
    return;
  }
  const audiences = audiencesOf(csiDriver);
  for (const [audience, users] of needing) {
    const violation = audienceRequested(audiences, audience, describeUsers(users.map(u => label(u.manifest))), 'manifest', 'spec.tokenRequests');
    if (violation) findings.push(csiDriver.finding('error', 'csidriver-audience', ['spec', 'tokenRequests'], audiences, violation));
  }
}

function checkProviders(providers: ProviderDaemonSet[], drivers: DriverDaemonSet[], classes: ClassModel[], findings: CheckFinding[]): void {
  const binding = classes.filter(c => c.mode === IdentityMode.IDENTITY_BINDING).map(c => label(c.manifest));
  const podIdentity = classes.filter(c => c.mode === IdentityMode.POD_IDENTITY).map(c => label(c.manifest));
  const stack = classes.filter(c => c.cloudEnvFileName !== undefined);
  const linux = providers.filter(p => p.os === OperatingSystem.LINUX);
  if (!providers.length && (binding.length || podIdentity.length || stack.length)) {
    findings.push(note('input-provider', `no Azure provider DaemonSet in the input, so its version, dnsPolicy, hostNetwork and mounts for ${describeUsers([...binding, ...podIdentity, ...stack.map(c => label(c.manifest))])} were not checked`, 'validate the provider\'s manifests together with the classes'));
  }
  const unversioned: string[] = [];
  for (const provider of providers) {
    const m = provider.manifest;
    const at = (...rest: (string | number)[]) => [...provider.specPath, ...rest];
    if (binding.length && provider.version === undefined) unversioned.push(`${label(m)} (${provider.image})`);
    if (provider.version !== undefined) {
      const violation = providerVersionForIdentityBinding(provider.version, binding, 'manifest', 'image');
      if (violation) findings.push(m.finding('error', 'provider-version', [...provider.container.path, 'image'], provider.image, violation));
    }
    if (provider.os === OperatingSystem.LINUX) {
      const dns = dnsPolicyForIdentityBinding(provider.dnsPolicy, provider.hostNetwork, binding, 'manifest', 'dnsPolicy');
      // Absent means ClusterFirst; then point at hostNetwork, the line that makes it matter.
      const region = provider.dnsPolicy === undefined ? m.region(at('hostNetwork')) : undefined;
      if (dns) findings.push(m.finding('error', 'provider-dns-policy', at('dnsPolicy'), provider.dnsPolicy ?? 'ClusterFirst', dns, region));
      const host = hostNetworkForPodIdentity(provider.hostNetwork, podIdentity, 'manifest', 'hostNetwork');
      if (host) findings.push(m.finding('error', 'provider-host-network', at('hostNetwork'), provider.spec.hostNetwork ?? false, host));
    }
    for (const driver of drivers.filter(d => d.os === provider.os)) {
      if (!provider.providersDir || !driver.providersDirs.length) continue;
      const os = paths(provider.os);
      const violation = providersDirAgreement(provider.os === OperatingSystem.WINDOWS, provider.providersDir.dir, driver.providersDirs, label(driver.manifest), (a, b) => os.same(a, b), 'manifest', { provider: 'providersDir', driver: 'providersDir' }, 'hostPath');
      if (violation) findings.push(m.finding('error', 'providers-dir', provider.providersDir.path, provider.providersDir.dir, violation));
    }
  }
  if (unversioned.length) {
    findings.push(note('input-provider-version', `the image tag of ${describeUsers(unversioned)} is not a release version, so identity binding's minimum provider version was not checked`, 'pin the provider image to a release tag such as v1.8.2'));
  }
  if (linux.length) {
    const mounted = linux.flatMap(p => p.mountPaths);
    const within = (mount: string, file: string) => paths(OperatingSystem.LINUX).same(mount, file) || file.startsWith(`${mount.replace(/\/+$/, '')}/`);
    for (const cls of stack) {
      const violation = environmentFileMounted(cls.cloudEnvFileName!, mounted.filter(p => within(p, cls.cloudEnvFileName!)).length ? [cls.cloudEnvFileName!] : mounted.filter(p => /\.json$/.test(p)), (a, b) => a === b, 'manifest', 'cloudEnvFileName');
      if (violation) findings.push(cls.manifest.finding('error', 'cloud-environment-file', ['spec', 'parameters', 'cloudEnvFileName'], cls.cloudEnvFileName, violation));
    }
  }
}

/** Classes that sync Secrets need the driver's sync RBAC; checked when the driver and its RBAC are in the input. */
function checkSyncRbac(drivers: DriverDaemonSet[], classes: ClassModel[], writers: SecretWriters, findings: CheckFinding[]): void {
  const users = classes.filter(c => c.secretObjects.length > 0).map(c => label(c.manifest));
  if (!users.length) return;
  for (const driver of drivers) {
    const m = driver.manifest;
    const account = typeof driver.spec.serviceAccountName === 'string' && driver.spec.serviceAccountName ? driver.spec.serviceAccountName : 'default';
    if (!writers.bound(m.namespace, account)) continue; // the driver's RBAC is not in the input
    const violation = syncRbacForSecretObjects(writers.allows(m.namespace, account), `${m.namespace ?? ''}/${account}`, users, 'manifest', 'serviceAccountName');
    if (violation) findings.push(m.finding('error', 'driver-sync-rbac', [...driver.specPath, 'serviceAccountName'], account, violation));
  }
}

/** Input order: file, document, line; notes last. */
function sortFindings(findings: CheckFinding[], docs: readonly SourceDocument[]): CheckFinding[] {
  const fileOrder = new Map<string, number>();
  for (const doc of docs) if (!fileOrder.has(doc.file)) fileOrder.set(doc.file, fileOrder.size);
  const key = (f: CheckFinding): number[] => f.file === undefined
    ? [Infinity]
    : [fileOrder.get(f.file) ?? 0, f.document ?? 0, f.region?.startLine ?? 0, f.region?.startColumn ?? 0];
  return findings.map((f, i) => ({ f, i, k: key(f) })).sort((a, b) => {
    for (let j = 0; j < Math.max(a.k.length, b.k.length); j++) {
      const d = (a.k[j] ?? 0) - (b.k[j] ?? 0);
      if (d !== 0 && !Number.isNaN(d)) return d;
    }
    return a.i - b.i;
  }).map(x => x.f);
}
