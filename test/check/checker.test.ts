import * as fs from 'fs';
import * as path from 'path';
import { check } from '../../src/check/checker';
import { messageOf } from '../../src/check/finding';
import { isInputError, parseYaml, readInputs } from '../../src/check/source';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);

/** [severity, ruleId, object, field, line, column, message pattern] of every finding, in order. */
type Row = [string, string, string | null, string, number | null, number | null, RegExp];

function rows(file: string): Row[] {
  return check(readInputs([file])).findings.map(f => [
    f.severity, f.ruleId, f.object ?? null, f.field, f.region?.startLine ?? null, f.region?.startColumn ?? null, /./,
  ]);
}

/** Asserts the findings one by one: location, field and message. */
function expectFindings(file: string, expected: Row[]): void {
  const findings = check(readInputs([file])).findings;
  expect(rows(file).map(r => r.slice(0, 6))).toEqual(expected.map(r => r.slice(0, 6)));
  findings.forEach((f, i) => {
    expect(messageOf(f)).toMatch(expected[i][6]);
    if (f.severity !== 'note') expect(messageOf(f).startsWith(`${f.field} ${JSON.stringify(f.value)} is invalid: `)).toBe(true);
  });
}

describe('examples', () => {
  const examples = fs.readdirSync(path.join(__dirname, '../../examples')).filter(d => fs.existsSync(path.join(__dirname, '../../examples', d, 'dist')));

  /** What is applied to one cluster: the example's dist/, or each file of the multi-cluster examples. */
  const clusterInputs = (example: string): string[][] => {
    const dist = path.join(__dirname, '../../examples', example, 'dist');
    return ['multi-cluster', 'azure-side'].includes(example) ? fs.readdirSync(dist).sort().map(f => [path.join(dist, f)]) : [[dist]];
  };

  test.each(examples)('%s: the synthesized manifests have no error and no warning', example => {
    for (const input of clusterInputs(example)) {
      const result = check(readInputs(input));
      expect(result.documents).toBeGreaterThan(0);
      expect(result.findings.filter(f => f.severity !== 'note')).toEqual([]);
    }
  });

  test('multi-cluster validated as one input: each class name is reported as a second definition', () => {
    const findings = check(readInputs([path.join(__dirname, '../../examples/multi-cluster/dist')])).findings.filter(f => f.ruleId === 'spc-name');
    expect(findings.length).toBe(2);
    expect(messageOf(findings[0])).toMatch(/validate each cluster's manifests separately/);
  });
});

describe('fixtures', () => {
  test('a complete hand-written identity-binding setup passes without notes', () => {
    const result = check(readInputs([fixture('good/identity-binding.yaml')]));
    expect(result.documents).toBe(8);
    expect(result.findings).toEqual([]);
  });

  test('parameters as the provider reads them', () => {
    expectFindings(fixture('bad/parameters.yaml'), [
      ['warning', 'spc-api-version', 'demo/legacy', 'apiVersion', 2, 13, /v1alpha1 is deprecated.*Fix: use apiVersion secrets-store\.csi\.x-k8s\.io\/v1/],
      ['warning', 'spc-parameters', 'demo/legacy', 'spec.parameters.tenantId', 11, 15, /deprecated spelling.*Fix: rename it to tenantID/],
      ['warning', 'spc-parameters', 'demo/legacy', 'spec.parameters.clientId', 12, 15, /case-sensitively and ignores "clientId". Fix: rename it to clientID/],
      ['warning', 'spc-parameters', 'demo/legacy', 'spec.parameters.resourceGroup', 13, 20, /ignores this parameter/],
      ['warning', 'spc-parameters', 'demo/legacy', 'spec.parameters.vaultUri', 14, 15, /does not read this parameter/],
      ['error', 'spc-parameters', 'demo/modes', 'spec.parameters.keyvaultName', 29, 19, /no consecutive hyphens/],
      ['error', 'spc-parameters', 'demo/modes', 'spec.parameters.tenantID', 30, 15, /must be a GUID/],
      ['error', 'spc-parameters', 'demo/modes', 'spec.parameters.usePodIdentity', 31, 21, /strconv\.ParseBool: parsing \\"yes\\": invalid syntax/],
      ['error', 'spc-parameters', 'demo/modes', 'spec.parameters.useAzureTokenProxy', 33, 25, /only one identity mode can be enabled at a time, and useVMManagedIdentity and useAzureTokenProxy are both true/],
      ['error', 'spc-parameters', 'demo/proxy', 'spec.parameters.objects', 48, 5, /objects is not set/],
      ['error', 'spc-parameters', 'demo/proxy', 'spec.parameters.useAzureTokenProxy', 50, 25, /must be strings.*Fix: quote it: useAzureTokenProxy: "true"/],
      ['error', 'spc-parameters', 'demo/proxy', 'spec.parameters.cloudName', 51, 16, /cloudName AzureMoonCloud is not valid/],
      ['warning', 'spc-parameters', 'demo/proxy', 'spec.parameters.cloudEnvFileName', 52, 23, /only with cloudName AzureStackCloud/],
      ['error', 'spc-parameters', 'demo/vm', 'spec.parameters.tenantID', 62, 5, /tenantId is not provided/],
      ['warning', 'spc-parameters', 'demo/vm', 'spec.parameters.clientID', 64, 15, /still reads clientID.*api:\/\/AzureADTokenExchange.*userAssignedIdentityID/],
      ['error', 'spc-parameters', 'demo/vm', 'spec.parameters.objects', 65, 14, /at least one object/],
      ['note', 'input-csidriver', null, '', null, null, /no CSIDriver .* api:\/\/AzureADTokenExchange of SecretProviderClass demo\/vm were not checked/],
    ]);
  });

  test('the objects string as the provider parses it, located on its line', () => {
    expectFindings(fixture('bad/objects.yaml'), [
      ['error', 'spc-objects', 'demo/objects', 'spec.parameters.objects[0].objectVersionHistory', 18, 33, /unquoted integer.*index 0.*Fix: write objectVersionHistory: 5 without quotes/],
      ['warning', 'spc-objects', 'demo/objects', 'spec.parameters.objects[0].objectname', 19, 23, /ignores this key.*Fix: rename it to objectName/],
      ['error', 'spc-objects', 'demo/objects', 'spec.parameters.objects[1]', 20, 11, /cannot unmarshal !!map into string/],
      ['error', 'spc-objects', 'demo/bare-list', 'spec.parameters.objects', 35, 7, /bare list.*cannot unmarshal !!seq/],
    ]);
  });

  test('class contents: the constructs\' object, file and sync rules, and placeholders', () => {
    expectFindings(fixture('bad/contents.yaml'), [
      ['error', 'placeholder', 'demo/contents', 'spec.parameters.keyvaultName', 8, 19, /"\$KEYVAULT_NAME" is invalid: looks like a placeholder/],
      ['error', 'placeholder', 'demo/contents', 'spec.parameters.tenantID', 9, 15, /"\$\{TENANT_ID\}" is invalid: looks like a placeholder.*az account show/],
      ['error', 'placeholder', 'demo/contents', 'spec.parameters.clientID', 10, 15, /"<client id>" is invalid: looks like a placeholder.*az identity show/],
      ['error', 'placeholder', 'demo/contents', 'spec.parameters.objects[0].objectName', 15, 23, /"<secret name>" is invalid: looks like a placeholder/],
      ['error', 'spc-objects', 'demo/contents', 'spec.parameters.objects[1].objectType', 19, 23, /"password" is invalid: must be one of "secret", "key", "cert".*Invalid vaultObjectTypes/],
      ['error', 'spc-objects', 'demo/contents', 'spec.parameters.objects[2].objectAlias', 22, 24, /"\.\.\/etc\/passwd" is invalid: the file name must not contain empty, "\." or "\.\." segments/],
      ['error', 'spc-objects', 'demo/contents', 'spec.parameters.objects[2].objectFormat', 24, 25, /pfx applies only to secrets, and this is a key/],
      ['error', 'spc-objects', 'demo/contents', 'spec.parameters.objects[3].filePermission', 28, 27, /"0999" is invalid: must be an octal number \(the provider parses it with strconv\.ParseInt/],
      ['error', 'spc-objects', 'demo/contents', 'spec.parameters.objects[4].objectAlias', 31, 24, /the file "tls" clashes with "tls" written by secret "tls"/],
      ['error', 'spc-secret-objects', 'demo/contents', 'spec.secretObjects[0].data', 37, 9, /kubernetes\.io\/tls Secret needs the key tls\.crt/],
      ['error', 'spc-secret-objects', 'demo/contents', 'spec.secretObjects[0].data[0].key', 38, 16, /takes only the keys tls\.crt and tls\.key/],
      ['error', 'spc-secret-objects', 'demo/contents', 'spec.secretObjects[0].data[1].objectName', 39, 23, /"missing" is invalid: the class writes no such file.*file matching objectName/],
      ['note', 'input-csidriver', null, '', null, null, /api:\/\/AKSIdentityBinding of SecretProviderClass demo\/contents were not checked/],
      ['note', 'input-provider', null, '', null, null, /demo\/contents were not checked/],
    ]);
  });

  test('workloads against classes, ServiceAccounts and identity-binding RBAC', () => {
    expectFindings(fixture('bad/workloads.yaml'), [
      ['error', 'workload-volume', 'demo/writable', 'spec.volumes[0].csi.readOnly', 75, 9, /Readonly is not true in request/],
      ['error', 'identity-binding-rbac', 'demo/ungranted', 'spec.jobTemplate.spec.template.spec.serviceAccountName', 87, 31, /no ClusterRoleBinding .* ServiceAccount demo\/stranger use-managed-identity.*resources \[22222222-2222-2222-2222-222222222222\]/],
      ['error', 'workload-volume', 'other/elsewhere', 'spec.template.spec.volumes[0].csi.volumeAttributes.secretProviderClass', 112, 54, /no SecretProviderClass "sp" in namespace "other" \(there is one in "demo"\)/],
      ['error', 'workload-volume', 'other/elsewhere', 'spec.template.spec.volumes[1].csi.volumeAttributes', 115, 13, /secretProviderClass is not set/],
      ['error', 'workload-volume', 'demo/credentials', 'spec.template.metadata.labels', 124, 25, /pod identity.*aadpodidbinding/],
      ['error', 'workload-volume', 'demo/credentials', 'spec.template.spec.volumes[0].csi.nodePublishSecretRef', 130, 13, /nodePublishSecretRef secret is not set/],
      // A missing counterpart is a note, like every other one (it may be created by another chart).
      ['note', 'input-service-accounts', null, '', null, null, /the ServiceAccount demo\/stranger \(CronJob demo\/ungranted\) is not in the input/],
      ['note', 'input-csidriver', null, '', null, null, /api:\/\/AKSIdentityBinding of SecretProviderClass demo\/idb were not checked/],
      ['note', 'input-provider', null, '', null, null, /no Azure provider DaemonSet .* demo\/idb, SecretProviderClass demo\/podid/],
    ]);
  });

  test('the CSIDriver and the driver and provider DaemonSets against the classes', () => {
    expectFindings(fixture('bad/install.yaml'), [
      ['error', 'cloud-environment-file', 'demo/stack', 'spec.parameters.cloudEnvFileName', 43, 23, /no provider DaemonSet in the input mounts it/],
      ['error', 'csidriver-audience', 'secrets-store.csi.k8s.io', 'spec.tokenRequests', 56, 5, /token for audience api:\/\/AKSIdentityBinding not found.*Fix: add \{ audience: api:\/\/AKSIdentityBinding \}/],
      ['error', 'provider-host-network', 'kube-system/provider', 'spec.template.spec.hostNetwork', 84, 20, /pod identity .* NMI at localhost:2579, and SecretProviderClass demo\/podid uses it/],
      ['error', 'provider-version', 'kube-system/provider', 'spec.template.spec.containers[0].image', 87, 18, /needs provider v1\.8\.1 or later \(.*\), and SecretProviderClass demo\/idb uses it/],
      ['error', 'providers-dir', 'kube-system/provider', 'spec.template.spec.volumes[0].hostPath.path', 93, 29, /Linux driver DaemonSet kube-system\/secrets-store-csi-driver looks for provider sockets only in "\/var\/run\/secrets-store-csi-providers"/],
      ['error', 'provider-dns-policy', 'kube-system/provider-hostnet', 'spec.template.spec.dnsPolicy', 104, 18, /dnsPolicy "ClusterFirstWithHostNet"/],
      ['note', 'input-provider-version', null, '', null, null, /provider-azure:latest\) is not a release version/],
    ]);
  });
});

describe('workload identity credential budget', () => {
  const CLIENT = '33333333-3333-3333-3333-333333333333';
  const spc = (mode: string) => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: { name: ${mode}, namespace: ns0 }
spec:
  provider: azure
  parameters:
    keyvaultName: kvname
    tenantID: 11111111-1111-1111-1111-111111111111
    clientID: ${CLIENT}
${mode === 'idb' ? '    useAzureTokenProxy: "true"\n' : ''}    objects: |
      array:
        - |
          objectName: s1
          objectType: secret
`;
  const pod = (i: number) => `apiVersion: v1
kind: Pod
metadata: { name: p${i}, namespace: ns${i} }
spec:
  serviceAccountName: sa
  containers: [{ name: app, image: busybox }]
  volumes:
    - name: s
      csi: { driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: { secretProviderClass: wi } }
`;
  const budget = (pods: number, idb: boolean) => {
    const text = [spc('wi').replace('namespace: ns0', 'namespace: null'), ...(idb ? [spc('idb')] : []), ...Array.from({ length: pods }, (_, i) => pod(i))].join('---\n');
    return check(parseYaml(text, 'budget.yaml')).findings.filter(f => f.ruleId === 'federated-credential-budget');
  };

  test('20 subjects fit; 21 do not', () => {
    expect(budget(20, false)).toEqual([]);
    const [finding] = budget(21, false);
    expect(finding).toMatchObject({ severity: 'error', object: 'wi', field: 'spec.parameters.clientID' });
  });

  test('identity binding on the same identity takes one credential', () => {
    expect(budget(19, true)).toEqual([]);
    expect(budget(20, true)).toHaveLength(1);
  });
});

describe('a class\'s objects are judged per provider flag', () => {
  // One objects string is judged once per --write-cert-and-key-in-separate-files value and reused
  // for every class repeating it: the provider's flag must still change the verdict.
  const CLASS = `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: { name: tls, namespace: demo }
spec:
  provider: azure
  parameters:
    keyvaultName: kv-demo
    tenantID: 00000000-0000-0000-0000-000000000002
    objects: |
      array:
        - |
          objectName: tls
          objectType: secret
        - |
          objectName: ca
          objectAlias: tls.crt
          objectType: cert
`;
  const provider = (separateFiles: boolean) => `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: csi-secrets-store-provider-azure, namespace: kube-system }
spec:
  template:
    spec:
      containers:
        - name: provider-azure-installer
          image: mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure:v1.8.2
          args: [--endpoint=unix:///provider/azure.sock${separateFiles ? ', --write-cert-and-key-in-separate-files=true' : ''}]
`;
  const clashes = (separateFiles: boolean) => check(parseYaml(`${CLASS}---\n${provider(separateFiles)}`, 'cluster.yaml')).findings
    .filter(f => /clashes with "tls\.crt"/.test(f.rule)).map(f => f.field);

  test('the .crt clash is there only with the flag, whichever is checked first', () => {
    expect(clashes(false)).toEqual([]);
    expect(clashes(true)).toEqual(['spec.parameters.objects[1].objectAlias']);
    expect(clashes(false)).toEqual([]);
  });
});

describe('secrets', () => {
  test('a credential put in the parameters by mistake is reported but never echoed', () => {
    const text = fs.readFileSync(fixture('good/identity-binding.yaml'), 'utf-8')
      .replace('    objects: |', '    clientSecret: s3cr3t-value\n    servicePrincipalPassword: 12345\n    objects: |');
    const findings = check(parseYaml(text, 'x.yaml')).findings;
    expect(findings.map(f => [f.field, f.value])).toEqual([
      ['spec.parameters.clientSecret', '(redacted)'],
      ['spec.parameters.servicePrincipalPassword', '(redacted)'], // not a string
      ['spec.parameters.servicePrincipalPassword', '(redacted)'], // not read
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/s3cr3t|12345/);
  });
});

describe('input', () => {
  test('a YAML syntax error is a finding for that document, with line and column; the other documents are read', () => {
    const read = parseYaml('a: 1\n---\nb: [\n', 'broken.yaml');
    expect(read.documents.map(d => d.index)).toEqual([0]);
    expect(read.findings).toEqual([expect.objectContaining({
      severity: 'error',
      ruleId: 'input-yaml',
      file: 'broken.yaml',
      document: 1,
      region: expect.objectContaining({ startLine: 4, startColumn: 1 }),
      rule: expect.stringMatching(/^YAML syntax error: /),
    })]);
    expect(read.findings.every(isInputError)).toBe(true);
  });

  test('an unreadable path is an input error finding naming it', () => {
    const read = readInputs([fixture('missing.yaml')]);
    expect(read.documents).toEqual([]);
    expect(read.findings).toEqual([expect.objectContaining({ severity: 'error', ruleId: 'input-file', file: fixture('missing.yaml'), rule: expect.stringMatching(/^cannot be read: no such file or directory \(ENOENT\)/) })]);
  });

  test('directories are read recursively (*.yaml, *.yml), documents keep their index', () => {
    const docs = readInputs([FIXTURES]).documents;
    const files = [...new Set(docs.map(d => path.relative(FIXTURES, d.file)))];
    expect(files).toEqual(['bad/contents.yaml', 'bad/install.yaml', 'bad/objects.yaml', 'bad/parameters.yaml', 'bad/workloads.yaml', 'good/identity-binding.yaml']);
    expect(docs.filter(d => d.file.endsWith('objects.yaml')).map(d => d.index)).toEqual([0, 1]);
  });

  test('empty documents are skipped silently; non-objects with a note that names them', () => {
    const findings = check(parseYaml('---\n---\n- a\n---\nplain\n', 'x.yaml')).findings;
    expect(findings).toEqual([expect.objectContaining({
      severity: 'note',
      ruleId: 'input-skipped',
      file: 'x.yaml',
      document: 1,
      rule: '2 documents that are not Kubernetes objects (a list, a string or a number at the top) were not checked: x.yaml (document 1: a list), x.yaml (document 2: a string)',
    })]);
  });
});

describe('upstream install manifests', () => {
  test('the raw provider manifest has no dnsPolicy: identity binding needs ClusterFirstWithHostNet', () => {
    const text = fs.readFileSync(fixture('good/identity-binding.yaml'), 'utf-8').replace('      dnsPolicy: ClusterFirstWithHostNet\n', '');
    const findings = check(parseYaml(text, 'x.yaml')).findings;
    expect(findings.map(f => [f.ruleId, f.field, f.value, f.region?.startLine])).toEqual([
      ['provider-dns-policy', 'spec.template.spec.dnsPolicy', null, 142], // absent (not "ClusterFirst"); located on the hostNetwork line
    ]);
  });
});

describe('Windows installs as upstream writes them (doubled backslashes in plain scalars)', () => {
  const windows = (providerHostPath: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: csi-secrets-store-windows }
spec:
  template:
    spec:
      nodeSelector: { kubernetes.io/os: windows }
      containers:
        - name: secrets-store
          image: registry.k8s.io/csi-secrets-store/driver:v1.6.0
          args: [--provider-volume=C:\\\\k\\\\secrets-store-csi-providers]
          volumeMounts: [{ name: providers-dir-0, mountPath: C:\\k\\secrets-store-csi-providers }]
      volumes:
        - { name: providers-dir-0, hostPath: { path: C:\\k\\secrets-store-csi-providers\\, type: DirectoryOrCreate } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: csi-secrets-store-provider-azure-windows }
spec:
  template:
    spec:
      nodeSelector: { kubernetes.io/os: windows }
      containers:
        - name: provider-azure-installer
          image: mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure:v1.8.2
          args: [--endpoint=unix://C:\\\\provider\\\\azure.sock]
          volumeMounts: [{ name: providervol, mountPath: C:\\provider }]
      volumes:
        - { name: providervol, hostPath: { path: ${providerHostPath}, type: DirectoryOrCreate } }
`;

  test('the same directory (case and trailing separator aside) passes; another fails', () => {
    expect(check(parseYaml(windows('c:\\K\\secrets-store-csi-providers'), 'w.yaml')).findings).toEqual([]);
    const findings = check(parseYaml(windows('D:\\providers'), 'w.yaml')).findings;
    expect(findings.map(f => [f.ruleId, f.object, f.field, f.value])).toEqual([
      ['providers-dir', 'csi-secrets-store-provider-azure-windows', 'spec.template.spec.volumes[0].hostPath.path', 'D:\\providers'],
    ]);
    expect(messageOf(findings[0])).toMatch(/the Windows driver DaemonSet csi-secrets-store-windows looks for provider sockets only in "C:\\\\k\\\\secrets-store-csi-providers\\\\"/);
  });
});

describe('locations inside the objects string', () => {
  const spc = (objects: string) => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: { name: c }
spec:
  provider: azure
  parameters:
    keyvaultName: kvname
    tenantID: 11111111-1111-1111-1111-111111111111
    useVMManagedIdentity: "true"
    objects: ${objects}
`;
  const located = (text: string) => check(parseYaml(text, 'x.yaml')).findings.map(f => [f.field, f.region?.startLine, f.region?.startColumn]);

  test('a literal block with a chomping indicator maps line by line', () => {
    expect(located(spc('|-\n      array:\n        - |\n          objectName: s1\n          objectType: nope'))).toEqual([
      ['spec.parameters.objects[0].objectType', 14, 23],
    ]);
  });

  test('a quoted string cannot be mapped line by line: the finding points at the string', () => {
    expect(located(spc('"array:\\n  - |\\n    objectName: s1\\n    objectType: nope\\n"'))).toEqual([
      ['spec.parameters.objects[0].objectType', 10, 14],
    ]);
  });
});

describe('sync RBAC of the driver', () => {
  const binding = (name: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${name}binding }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${name} }
subjects: [{ kind: ServiceAccount, name: secrets-store-csi-driver, namespace: kube-system }]
`;
  const syncRole = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secretprovidersyncing-role }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [create, delete, get, list, patch, update, watch] }]
`;
  const base = fs.readFileSync(fixture('good/identity-binding.yaml'), 'utf-8')
    .replace('      nodeSelector:\n        kubernetes.io/os: linux\n      containers:\n        - name: secrets-store', '      serviceAccountName: secrets-store-csi-driver\n      nodeSelector:\n        kubernetes.io/os: linux\n      containers:\n        - name: secrets-store');
  const sync = (text: string) => check(parseYaml(text, 'x.yaml')).findings.filter(f => f.ruleId === 'driver-sync-rbac');

  test('a class syncs Secrets and the driver\'s RBAC in the input cannot create them', () => {
    const [finding, ...rest] = sync(base + binding('secretproviderclasses-role'));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', object: 'kube-system/csi-secrets-store', field: 'spec.template.spec.serviceAccountName', value: 'secrets-store-csi-driver' });
    expect(messageOf(finding)).toMatch(/SecretProviderClass demo\/app-secrets syncs Kubernetes Secrets .* kube-system\/secrets-store-csi-driver may not create them.*Fix: add the driver's secretprovidersyncing-role/);
  });

  test('the sync role passes; without the driver\'s RBAC in the input nothing is said', () => {
    expect(sync(base + binding('secretproviderclasses-role') + syncRole + binding('secretprovidersyncing-role'))).toEqual([]);
    expect(sync(base)).toEqual([]);
  });
});

describe('kubectl get -o yaml', () => {
  test('the items of a List are checked, each located in the file', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: secrets-store.csi.x-k8s.io/v1
    kind: SecretProviderClass
    metadata: { name: c, namespace: demo }
    spec:
      provider: azure
      parameters:
        keyvaultName: kvname
        tenantID: 11111111-1111-1111-1111-111111111111
        useVMManagedIdentity: "true"
        objects: |
          array:
            - |
              objectName: s1
              objectType: secrets
  - apiVersion: v1
    kind: Pod
    metadata: { name: p, namespace: demo }
    spec:
      containers: [{ name: app, image: busybox }]
      volumes:
        - name: s
          csi: { driver: secrets-store.csi.k8s.io, readOnly: false, volumeAttributes: { secretProviderClass: c } }
`;
    const findings = check(parseYaml(text, 'live.yaml')).findings;
    expect(findings.map(f => [f.kind, f.object, f.field, f.region?.startLine, f.region?.startColumn])).toEqual([
      ['SecretProviderClass', 'demo/c', 'spec.parameters.objects[0].objectType', 17, 27],
      ['Pod', 'demo/p', 'spec.volumes[0].csi.readOnly', 25, 62],
    ]);
  });
});

describe('volumes naming classes the checker does not model', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: demo }
spec:
  containers: [{ name: app, image: busybox }]
  volumes:
    - name: s
      csi: { driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: { secretProviderClass: c } }
`;
  const spc = (spec: string) => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: { name: c, namespace: demo }
spec:
${spec}
---
`;

  test('a class of another provider: no finding about the pod', () => {
    expect(check(parseYaml(spc('  provider: vault\n  parameters: { roleName: x }') + pod, 'x.yaml')).findings).toEqual([]);
  });

  test('an Azure class without parameters: only the class\'s error', () => {
    const findings = check(parseYaml(spc('  provider: azure') + pod, 'x.yaml')).findings;
    expect(findings.map(f => [f.object, f.field])).toEqual([['demo/c', 'spec.parameters']]);
  });

  test('no class in the input at all: a note, not an error', () => {
    const findings = check(parseYaml(pod, 'x.yaml')).findings;
    expect(findings.map(f => [f.severity, f.ruleId])).toEqual([['note', 'input-classes']]);
    expect(messageOf(findings[0])).toMatch(/^Pod demo\/p → c mounts a class not in the input/);
  });
});

describe('SecretProviderClass names', () => {
  const spc = (name: string, namespace: string) => `---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  provider: azure
  parameters:
    keyvaultName: kv-demo
    tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47
    useVMManagedIdentity: "true"
    objects: |
      array:
        - |
          objectName: secret1
          objectType: secret
`;
  const names = (text: string) => check(parseYaml(text, 'x.yaml')).findings.filter(f => f.ruleId === 'spc-name');

  test('two classes with one name in one namespace: the second is an error naming the first', () => {
    const [finding, ...rest] = names(spc('app', 'demo') + spc('app', 'demo'));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', document: 1, object: 'demo/app', field: 'metadata.name', value: 'app' });
    expect(finding.region?.startLine).toBe(19); // the second document's metadata line
    expect(messageOf(finding)).toMatch(/SecretProviderClass demo\/app \(x\.yaml, document 0\) already defines the SecretProviderClass "app" in namespace "demo"; applying both, one replaces the other\. Fix: rename one of them/);
  });

  test('the same name in two namespaces is fine', () => {
    expect(names(spc('app', 'demo') + spc('app', 'other'))).toEqual([]);
  });
});
