
import { checkAzure } from './azure';
import { CheckFinding, Manifest, note } from './finding';
import { audiencesOf, DriverDaemonSet, isCsiDriver, ProviderDaemonSet, readDriver, readProvider } from './install';
import { locatedNote, manifestsOf } from './manifests';
import { IdentityGrants, SecretWriters } from './rbac';
import { ClassModel, isSecretProviderClass, readClass } from './secret-provider-class';
import { InputRead, SourceDocument } from './source';
import { PodModel, podSpecPath, readPod } from './workloads';
import { IDENTITY_BINDING_API_GROUP, IDENTITY_BINDING_VERB } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import { OperatingSystem, paths } from '../facts/os';
import { isAccessPolicyRecord } from '../rules/aso';
import {
  audienceRequested, describeUsers, dnsPolicyForIdentityBinding, environmentFileMounted, hostNetworkForPodIdentity, podInfoOnMount,
  providersDirAgreement, providerVersionForIdentityBinding, rotationNeedsRepublish, syncRbacForSecretObjects, uniqueClassName,
} from '../rules/cluster';
import { federatedCredentialBudget } from '../rules/identity';
import { ManifestFinding } from '../rules/model';
import { classInNamespace, identityBindingGranted, podIdentityLabel, servicePrincipalSecret, volumeNamesClass, volumeReadOnly } from '../rules/pod-volumes';

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

/** Checks what `readInputs` read (its input findings come first), or a list of documents. */
export function check(input: InputRead | readonly SourceDocument[]): CheckResult {
  const { documents: docs, findings: inputFindings, files } = isInputRead(input) ? input : { documents: input, findings: [], files: [] };
  const { manifests, notes, templatedClasses } = manifestsOf(docs);
  const findings = [...inputFindings, ...notes, ...checkManifests(manifests, templatedClasses)];
  return { findings: sortFindings(findings, files, docs), documents: docs.length };
}

/** ASO objects and access-policy records: checked by checkAzure. */
function isAzureSide(manifest: Manifest): boolean {
  return manifest.apiVersion.split('/')[0].endsWith('.azure.com') || isAccessPolicyRecord(manifest.body);
}

function isInputRead(input: InputRead | readonly SourceDocument[]): input is InputRead {
  return !Array.isArray(input);
}

/**
 * The rules on a set of manifests (one cluster's), unsorted: the checker's core, also run on what
 * constructs render.
 * @param templatedClasses classes skipped for a templated apiVersion: pods mounting them by name are not matched to another class
 */
export function checkManifests(manifests: readonly Manifest[], templatedClasses: readonly Manifest[] = []): CheckFinding[] {
  const findings: CheckFinding[] = [];
  // Installs first: the provider's flags change what a class writes.
  let csiDriver: Manifest | undefined;
  const drivers: DriverDaemonSet[] = [];
  const providers: ProviderDaemonSet[] = [];
  const grants = new IdentityGrants();
  const secretWriters = new SecretWriters();
  const serviceAccounts = new Set<string>(); // JSON [namespace, name]
  const classManifests: Manifest[] = [];
  const pods: PodModel[] = [];
  const unnamed: Manifest[] = [];
  const unchecked = new Map<string, number>(); // kind → documents validate has no rules for
  for (const manifest of manifests) {
    if (isSecretProviderClass(manifest)) {
      if (manifest.name === '') unnamed.push(manifest);
      else classManifests.push(manifest);
    } else if (isCsiDriver(manifest)) {
      csiDriver = manifest;
    } else if (grants.add(manifest)) {
      secretWriters.add(manifest);
    } else if (manifest.kind === 'ServiceAccount' && manifest.apiVersion === 'v1') {
      serviceAccounts.add(JSON.stringify([manifest.namespace ?? '', manifest.name]));
    } else if (podSpecPath(manifest)) {
      const driver = readDriver(manifest);
      const provider = driver ? undefined : readProvider(manifest);
      if (driver) {drivers.push(driver);} else if (provider) {providers.push(provider);} else {
        const pod = readPod(manifest);
        if (pod && pod.volumes.length) pods.push(pod);
      }
    } else if (!(manifest.kind === 'CSIDriver' && manifest.apiVersion.startsWith('storage.k8s.io/')) && !isAzureSide(manifest)) {
      const kind = manifest.kind === 'SecretProviderClass' ? `${manifest.kind} (${manifest.apiVersion})` : manifest.kind;
      unchecked.set(kind, (unchecked.get(kind) ?? 0) + 1);
    }
  }
  if (unnamed.length) findings.push(locatedNote('input-skipped', unnamed[0].source, [], `${describeUsers(unnamed.map(m => `${m.kind} in ${m.source.file} (document ${m.source.index})`))} ${unnamed.length === 1 ? 'has' : 'have'} no metadata.name, so ${unnamed.length === 1 ? 'it was' : 'they were'} not checked`, 'name every object (kubectl refuses an object without a name)'));
  if (unchecked.size) {
    const kinds = [...unchecked].map(([kind, n]) => `${kind}${n > 1 ? ` ×${n}` : ''}`);
    const total = [...unchecked.values()].reduce((a, b) => a + b, 0);
    findings.push(note('input-unchecked', `${total} document${total === 1 ? ' is' : 's are'} of kinds validate has no rules for, and ${total === 1 ? 'was' : 'were'} read but not checked: ${describeUsers(kinds)}`, 'nothing to do: they neither configure nor mount Key Vault secrets'));
  }

  const separateFiles = providers.some(p => p.writeCertAndKeyInSeparateFiles);
  const classes: ClassModel[] = [];
  const modelOf = new Map<Manifest, ClassModel>();
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
    if (model) {
      classes.push(model);
      modelOf.set(manifest, model);
    }
  }

  // A class that could not be read still has its name: a pod mounting it is not matched to another class of that name.
  checkPods(pods, classes, [...classManifests, ...templatedClasses], modelOf, grants, serviceAccounts, findings);
  checkCsiDriver(csiDriver, classes, providers, drivers, findings);
  checkProviders(providers, drivers, classes, findings);
  checkSyncRbac(drivers, classes, secretWriters, findings);
  checkAzure(manifests, classes, pods, findings);
  return findings;
}

/** Class names a pod can resolve, with O(1) lookups (a list per name would make pods × classes). */
class ClassIndex {
  private readonly byKey = new Map<string, Manifest>();
  private readonly byName = new Map<string, { first: Manifest; namespaces: Set<string>; count: number }>();
  private readonly namespaces = new Set<string>();

  constructor(classManifests: readonly Manifest[]) {
    for (const m of classManifests) {
      this.namespaces.add(m.namespace ?? '');
      const key = JSON.stringify([m.namespace ?? null, m.name]);
      if (!this.byKey.has(key)) this.byKey.set(key, m);
      const entry = this.byName.get(m.name) ?? { first: m, namespaces: new Set<string>(), count: 0 };
      if (entry.namespaces.size < 4) entry.namespaces.add(m.namespace ?? '');
      entry.count++;
      this.byName.set(m.name, entry);
    }
  }

  /** The class a pod in `namespace` mounts by `name`: same namespace first, then one without a namespace. */
  public resolve(name: string, namespace: string | undefined): Manifest | 'ambiguous' | undefined {
    if (namespace !== undefined) {
      return this.byKey.get(JSON.stringify([namespace, name])) ?? this.byKey.get(JSON.stringify([null, name]));
    }
    const unscoped = this.byKey.get(JSON.stringify([null, name]));
    if (unscoped) return unscoped;
    const entry = this.byName.get(name);
    if (!entry) return undefined;
    return entry.namespaces.size === 1 ? entry.first : 'ambiguous';
  }

  /** The namespaces that have a class `name` (up to four), for messages. */
  public namespacesOf(name: string): string[] {
    return [...this.byName.get(name)?.namespaces ?? []];
  }

  /** Whether some class is in `namespace` (the input has that namespace's classes). */
  public hasNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }
}

/**
 * @param classManifests every SecretProviderClass, also of other providers and unreadable ones
 *   (a volume naming one of those is not checked further)
 */
function checkPods(
  pods: PodModel[], classes: ClassModel[], classManifests: Manifest[], modelOf: ReadonlyMap<Manifest, ClassModel>, grants: IdentityGrants,
  serviceAccounts: ReadonlySet<string>, findings: CheckFinding[],
): void {
  const anyClass = classManifests.length > 0;
  const index = new ClassIndex(classManifests);
  const unresolved: string[] = [];
  const ungranted: string[] = [];
  const missingAccounts: string[] = [];
  const subjects = new Map<string, { cls: ClassModel; subjects: Set<string> }>(); // workload identity client ID → subjects

  for (const pod of pods) {
    const m = pod.manifest;
    const report = (f: ManifestFinding | undefined) => { if (f) findings.push(m.findingOf(f)); };
    for (const volume of pod.volumes) {
      report(volumeReadOnly(volume.csi.readOnly, [...volume.path, 'csi', 'readOnly']));
      if (volume.className === undefined) {
        report(volumeNamesClass(volume.className, volume.csi.volumeAttributes, [...volume.path, 'csi', 'volumeAttributes']));
        continue;
      }
      const attributePath = [...volume.path, 'csi', 'volumeAttributes', 'secretProviderClass'];
      const resolved = index.resolve(volume.className, m.namespace);
      if (resolved === 'ambiguous') continue; // classes of that name in several namespaces, and the pod's is not known
      if (resolved === undefined) {
        const elsewhere = index.namespacesOf(volume.className);
        if (elsewhere.length || (m.namespace !== undefined && index.hasNamespace(m.namespace))) {
          report(classInNamespace(volume.className, m.namespace, elsewhere, attributePath));
        } else {
          unresolved.push(`${label(m)} → ${volume.className}`);
        }
        continue;
      }
      const cls = modelOf.get(resolved);
      if (!cls) continue; // another provider's class, or one that could not be read (its findings say why)

      if (cls.mode === IdentityMode.SERVICE_PRINCIPAL) {
        report(servicePrincipalSecret(cls.manifest.id, volume.csi.nodePublishSecretRef, [...volume.path, 'csi', 'nodePublishSecretRef']));
      }
      if (cls.mode === IdentityMode.POD_IDENTITY) report(podIdentityLabel(cls.manifest.id, pod.labels, [...pod.specPath.slice(0, -1), 'metadata', 'labels']));
      const saPath = [...pod.specPath, pod.serviceAccountSet ? 'serviceAccountName' : 'volumes'];
      const signsInAsPod = cls.mode === IdentityMode.IDENTITY_BINDING || cls.mode === IdentityMode.WORKLOAD_IDENTITY;
      if (pod.serviceAccountSet && signsInAsPod && !serviceAccounts.has(JSON.stringify([m.namespace ?? '', pod.serviceAccount]))) {
        missingAccounts.push(`${m.namespace ?? ''}/${pod.serviceAccount} (${label(m)})`);
      }
      if (cls.mode === IdentityMode.IDENTITY_BINDING && cls.clientId) {
        if (!grants.present) {
          ungranted.push(label(m));
        } else {
          const allowed = grants.allows(cls.clientId, m.namespace, pod.serviceAccount);
          report(identityBindingGranted(allowed, cls.manifest.id, cls.clientId, m.namespace, pod.serviceAccount, saPath));
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
  const bindingIds = new Set(classes.filter(c => c.mode === IdentityMode.IDENTITY_BINDING && c.clientId).map(c => c.clientId!.toLowerCase()));
  for (const [id, { cls, subjects: s }] of subjects) {
    const finding = federatedCredentialBudget(cls.clientId!, s.size, bindingIds.has(id));
    if (finding) findings.push(cls.manifest.finding(finding.severity, 'federated-credential-budget', ['spec', 'parameters', 'clientID'], finding.value, finding));
  }

  if (unresolved.length && !anyClass) {
    findings.push(note('input-classes', `${describeUsers(unresolved)} mount${unresolved.length === 1 ? 's a class' : ' classes'} not in the input, so their classes were not checked against the pods`, 'validate the SecretProviderClasses together with the workloads'));
  } else if (unresolved.length) {
    findings.push(note('input-classes', `${describeUsers(unresolved)} mount${unresolved.length === 1 ? 's a class' : ' classes'} not in the input`, 'validate the SecretProviderClasses together with the workloads, or check the class names'));
  }
  if (missingAccounts.length) {
    findings.push(note('input-service-accounts', `the ServiceAccount${missingAccounts.length === 1 ? '' : 's'} ${describeUsers(missingAccounts)} ${missingAccounts.length === 1 ? 'is' : 'are'} not in the input, and ${missingAccounts.length === 1 ? 'its pods sign' : 'their pods sign'} in with their token (a pod whose ServiceAccount does not exist is not created)`, 'validate the ServiceAccounts together with the workloads, or check the names'));
  }
  if (ungranted.length) {
    findings.push(note('input-rbac', `no ClusterRole in the input allows ${IDENTITY_BINDING_VERB} (apiGroup ${IDENTITY_BINDING_API_GROUP}), so the identity-binding RBAC of ${describeUsers(ungranted)} was not checked`, 'validate the ClusterRoles and ClusterRoleBindings together with the workloads'));
  }
}

/** The CSIDriver against the classes and the installs: token audiences, pod information, republish for rotation. */
function checkCsiDriver(
  csiDriver: Manifest | undefined, classes: ClassModel[], providers: ProviderDaemonSet[], drivers: DriverDaemonSet[], findings: CheckFinding[],
): void {
  const needing = new Map<string, ClassModel[]>();
  for (const cls of classes) {
    if (!cls.audience) continue;
    const list = needing.get(cls.audience);
    if (list) list.push(cls);
    else needing.set(cls.audience, [cls]);
  }
  if (!csiDriver) {
    if (needing.size) findings.push(note('input-csidriver', `no CSIDriver secrets-store.csi.k8s.io in the input, so the token audiences ${[...needing.keys()].join(', ')} of ${describeUsers(classes.filter(c => c.audience).map(c => label(c.manifest)))} were not checked`, 'validate the driver\'s manifests together with the classes'));
    return;
  }
  const audiences = audiencesOf(csiDriver);
  for (const [audience, users] of needing) {
    const violation = audienceRequested(audiences, audience, describeUsers(users.map(u => label(u.manifest))), 'manifest', 'spec.tokenRequests');
    if (violation) findings.push(csiDriver.finding('error', 'csidriver-audience', ['spec', 'tokenRequests'], audiences, violation));
  }
  const spec = csiDriver.body.spec;
  const users = [...classes.map(c => label(c.manifest)), ...providers.map(p => label(p.manifest))];
  const podIdentity = classes.filter(c => c.mode === IdentityMode.POD_IDENTITY).map(c => label(c.manifest));
  const podInfo = podInfoOnMount(spec?.podInfoOnMount, providers.map(p => p.version), users, podIdentity, 'spec.podInfoOnMount');
  if (podInfo) findings.push(csiDriver.finding('error', 'csidriver-pod-info', ['spec', 'podInfoOnMount'], spec?.podInfoOnMount ?? null, podInfo));
  const rotating = drivers.find(d => d.rotation && rotationNeedsRepublish(spec?.requiresRepublish, d.version, label(d.manifest), 'spec.requiresRepublish'));
  if (rotating) {
    findings.push(csiDriver.finding('warning', 'csidriver-republish', ['spec', 'requiresRepublish'], spec?.requiresRepublish ?? null,
      rotationNeedsRepublish(spec?.requiresRepublish, rotating.version, label(rotating.manifest), 'spec.requiresRepublish')!));
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
  const dirs = new ProvidersDirs(drivers);
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
      // Absent means ClusterFirst: the value is null (absent), and the finding points at hostNetwork, the line that makes it matter.
      const region = provider.dnsPolicy === undefined ? m.region(at('hostNetwork')) : undefined;
      if (dns) findings.push(m.finding('error', 'provider-dns-policy', at('dnsPolicy'), provider.dnsPolicy ?? null, dns, region));
      const host = hostNetworkForPodIdentity(provider.hostNetwork, podIdentity, 'manifest', 'hostNetwork');
      if (host) findings.push(m.finding('error', 'provider-host-network', at('hostNetwork'), provider.spec.hostNetwork ?? false, host));
    }
    if (provider.providersDir) {
      const mismatch = dirs.firstWithout(provider.os, provider.providersDir.dir);
      if (mismatch) {
        const os = paths(provider.os);
        const others = mismatch.others ? ` (and ${mismatch.others} more driver DaemonSet${mismatch.others === 1 ? '' : 's'})` : '';
        const violation = providersDirAgreement(provider.os === OperatingSystem.WINDOWS, provider.providersDir.dir, mismatch.driver.providersDirs, `${label(mismatch.driver.manifest)}${others}`, (a, b) => os.same(a, b), 'manifest', { provider: 'providersDir', driver: 'providersDir' }, 'hostPath');
        if (violation) findings.push(m.finding('error', 'providers-dir', provider.providersDir.path, provider.providersDir.dir, violation));
      }
    }
  }
  if (unversioned.length) {
    findings.push(note('input-provider-version', `the image tag of ${describeUsers(unversioned)} is not a release version, so identity binding's minimum provider version was not checked`, 'pin the provider image to a release tag such as v1.8.2'));
  }
  if (linux.length) {
    const mountedList = linux.flatMap(p => p.mountPaths);
    const mounts = new PathTrie(mountedList);
    const jsonMounts = mountedList.filter(p => /\.json$/.test(p)).slice(0, 10);
    for (const cls of stack) {
      const file = cls.cloudEnvFileName!;
      const violation = environmentFileMounted(file, mounts.covers(file) ? [file] : jsonMounts, (a, b) => a === b, 'manifest', 'cloudEnvFileName');
      if (violation) findings.push(cls.manifest.finding('error', 'cloud-environment-file', ['spec', 'parameters', 'cloudEnvFileName'], file, violation));
    }
  }
}

/** Linux paths by segment: whether one of them is a file or a directory above it, in O(its length). */
class PathTrie {
  private readonly root: { children: Map<string, any>; end: boolean } = { children: new Map(), end: false };

  constructor(list: readonly string[]) {
    for (const path of list) {
      let node = this.root;
      for (const segment of segments(path)) {
        let next = node.children.get(segment);
        if (!next) node.children.set(segment, next = { children: new Map(), end: false });
        node = next;
      }
      node.end = true;
    }
  }

  public covers(path: string): boolean {
    let node = this.root;
    if (node.end) return true; // "/" is mounted
    for (const segment of segments(path)) {
      node = node.children.get(segment);
      if (!node) return false;
      if (node.end) return true;
    }
    return false;
  }
}

/** The segments of an absolute Linux path, without empty ones from repeated or trailing slashes. */
function segments(path: string): string[] {
  return path.split('/').filter(s => s !== '');
}

/**
 * The drivers' provider directories, for "does every driver of this OS search the provider's
 * directory?" in O(1) amortized per provider: drivers grouped by their set of directories, and the
 * first group without a directory remembered per directory.
 */
class ProvidersDirs {
  private readonly groups = new Map<OperatingSystem, { driver: DriverDaemonSet; dirs: Set<string>; count: number }[]>();
  private readonly answers = new Map<string, { driver: DriverDaemonSet; others: number } | undefined>();

  constructor(drivers: readonly DriverDaemonSet[]) {
    const byKey = new Map<string, { driver: DriverDaemonSet; dirs: Set<string>; count: number }>();
    for (const driver of drivers) {
      if (!driver.providersDirs.length) continue;
      const os = paths(driver.os);
      const normal = (d: string) => driver.os === OperatingSystem.WINDOWS ? os.trim(d).toLowerCase() : os.trim(d);
      const dirs = new Set(driver.providersDirs.map(normal));
      const key = JSON.stringify([driver.os, [...dirs].sort()]);
      const group = byKey.get(key);
      if (group) {
        group.count++;
        continue;
      }
      const created = { driver, dirs, count: 1 };
      byKey.set(key, created);
      const list = this.groups.get(driver.os) ?? [];
      list.push(created);
      this.groups.set(driver.os, list);
    }
  }

  /** The first driver of `os` that does not search `dir`, and how many more do not. */
  public firstWithout(os: OperatingSystem, dir: string): { driver: DriverDaemonSet; others: number } | undefined {
    const normal = os === OperatingSystem.WINDOWS ? paths(os).trim(dir).toLowerCase() : paths(os).trim(dir);
    const key = JSON.stringify([os, normal]);
    if (this.answers.has(key)) return this.answers.get(key);
    let answer: { driver: DriverDaemonSet; others: number } | undefined;
    for (const group of this.groups.get(os) ?? []) {
      if (group.dirs.has(normal)) continue;
      if (answer) answer.others += group.count;
      else answer = { driver: group.driver, others: group.count - 1 };
    }
    this.answers.set(key, answer);
    return answer;
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

/** Input order: file, document, line; notes without a file last. */
function sortFindings(findings: CheckFinding[], files: readonly string[], docs: readonly SourceDocument[]): CheckFinding[] {
  const fileOrder = new Map<string, number>();
  for (const file of files) if (!fileOrder.has(file)) fileOrder.set(file, fileOrder.size);
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
