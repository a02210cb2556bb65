import { check } from '../../src/check/checker';
import { messageOf } from '../../src/check/finding';
import { parseYaml } from '../../src/check/source';

/**
 * The false positives and negatives of the third source review (issue 16), each against the
 * upstream line that decides it: the Azure provider v1.8.2
 * (https://github.com/Azure/secrets-store-csi-driver-provider-azure/tree/4927a15410506c6a8a52af68db08cf72aa1e10ab),
 * the driver v1.6.0 (https://github.com/kubernetes-sigs/secrets-store-csi-driver/tree/4960f9637c51ad9cb9ef264481bc6d9a98bf1f1c)
 * and go-autorest autorest/v0.11.30, the provider's (https://github.com/Azure/go-autorest/tree/33e12ab7683c1c236a863ccfbfdd78c626f7fe28).
 */

// ${PROVIDER} = https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab
// ${DRIVER} = https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/4960f9637c51ad9cb9ef264481bc6d9a98bf1f1c
const CLIENT = '22222222-2222-2222-2222-222222222222';

const spc = (name: string, parameters = '', objects = '        - |\n          objectName: a\n          objectType: secret\n', head = 'apiVersion: secrets-store.csi.x-k8s.io/v1', provider = 'azure') => `${head}
kind: SecretProviderClass
metadata: { name: ${name}, namespace: demo }
spec:
  provider: ${provider}
  parameters:
    keyvaultName: kvname
    tenantID: 11111111-1111-1111-1111-111111111111
${parameters}    objects: |
      array:
${objects}`;

const findings = (text: string) => check(parseYaml(text, 'x.yaml')).findings;
const rows = (text: string) => findings(text).map(f => [f.severity, f.ruleId, f.field, f.region?.startLine ?? null]);

describe('cloudName as go-autorest reads it', () => {
  // EnvironmentFromName upper-cases the name; its map has AZURECLOUD and AZUREUSGOVERNMENT:
  // https://github.com/Azure/go-autorest/blob/33e12ab7683c1c236a863ccfbfdd78c626f7fe28/autorest/azure/environments.go#L33-L40 and #L304
  test.each(['AzureCloud', 'azurecloud', 'AzureUSGovernment', 'AZUREUSGOVERNMENT', 'azurepubliccloud', 'AzureChinaCloud'])('%s is valid', cloud => {
    expect(findings(spc('c', `    cloudName: ${cloud}\n`))).toEqual([]);
  });

  test('an unknown cloud quotes the provider\'s real error, with the upper-cased name', () => {
    const [f] = findings(spc('c', '    cloudName: AzureMoon\n'));
    expect(messageOf(f)).toMatch(/"cloudName AzureMoon is not valid, error: autorest\/azure: There is no cloud environment matching the name "AZUREMOON""/);
  });
});

describe('objects', () => {
  test('after an entry that cannot be read, later findings keep their own index and line', () => {
    // Entry 0 is a mapping, not a string (the provider fails for it); entry 1 has a bad objectType.
    const text = spc('o', '', '        - objectName: a\n        - |\n          objectName: b\n          objectType: password\n');
    expect(rows(text)).toEqual([
      ['error', 'spc-objects', 'spec.parameters.objects[0]', 11],
      ['error', 'spc-objects', 'spec.parameters.objects[1].objectType', 14],
    ]);
  });

  test('objectVersion "" is the latest, as the upstream examples write it: no finding', () => {
    // `foundFirst := kvObject.ObjectVersion == "" || kvObject.ObjectVersion == "latest"`, ${PROVIDER}/pkg/provider/provider.go#L373
    expect(findings(spc('v', '', '        - |\n          objectName: a\n          objectType: secret\n          objectVersion: ""\n'))).toEqual([]);
  });

  test('objectFormat PFX on a cert passes the provider\'s case-sensitive check: a warning that it is written as PEM', () => {
    // validate.go#L33: `if objectFormat == types.ObjectFormatPFX && objectType != types.VaultObjectTypeSecret`
    const [f] = findings(spc('f', '', '        - |\n          objectName: c\n          objectType: cert\n          objectFormat: PFX\n'));
    expect([f.severity, f.field]).toEqual(['warning', 'spec.parameters.objects[0].objectFormat']);
    expect(f.rule).toMatch(/case-sensitive, so "PFX" on a cert passes, is ignored and the cert is written as PEM/);
  });

  test.each(['"00644"', '"0"', '0440'])('filePermission %s parses with strconv.ParseInt(s, 8, 32): no finding', mode => {
    // parameters.go#L139 (GetFilePermission)
    expect(findings(spc('p', '', `        - |\n          objectName: a\n          objectType: secret\n          filePermission: ${mode}\n`))).toEqual([]);
  });

  test('objectVersionHistory 0 is one version (IsSyncingSingleVersion, parameters.go#L104-L108): a warning, not an error', () => {
    expect(rows(spc('h', '', '        - |\n          objectName: a\n          objectType: secret\n          objectVersionHistory: 0\n')))
      .toEqual([['warning', 'spc-objects', 'spec.parameters.objects[0].objectVersionHistory', 14]]);
  });

  test('a key repeated in an object is an error: yaml.v3 refuses duplicate keys ("mapping key … already defined")', () => {
    const [f] = findings(spc('d', '', '        - |\n          objectName: a\n          objectName: b\n          objectType: secret\n'));
    expect([f.severity, f.field, f.region?.startLine]).toEqual(['error', 'spec.parameters.objects[0].objectName', 13]);
    expect(f.rule).toMatch(/mapping key "objectName" already defined/);
  });
});

describe('near misses: classes the driver never uses', () => {
  test('apiVersion secrets-store.csi.k8s.io (the driver\'s name) is an error; the class is still checked', () => {
    const text = spc('g', '', undefined, 'apiVersion: secrets-store.csi.k8s.io/v1').replace('kvname', 'k--v');
    expect(rows(text)).toEqual([
      ['error', 'spc-api-version', 'apiVersion', 1],
      ['error', 'spc-parameters', 'spec.parameters.keyvaultName', 7],
    ]);
    expect(findings(text)[0].rule).toMatch(/API group is secrets-store\.csi\.x-k8s\.io \(secrets-store\.csi\.k8s\.io is the CSI driver's name\)/);
  });

  test('apiVersion …/v2 is not "deprecated": the CRD serves only v1 and v1alpha1', () => {
    const [f] = findings(spc('v2', '', undefined, 'apiVersion: secrets-store.csi.x-k8s.io/v2'));
    expect([f.severity, f.rule]).toEqual(['error', expect.stringMatching(/CRD serves only secrets-store\.csi\.x-k8s\.io\/v1 and secrets-store\.csi\.x-k8s\.io\/v1alpha1/)]);
  });

  test('provider: Azure is an error: the driver looks up "Azure.sock" (provider_client.go#L131-L149)', () => {
    // `tryPath := filepath.Join(p.socketPaths[k], provider+".sock")`, ${DRIVER}/pkg/secrets-store/provider_client.go#L132
    const [f] = findings(spc('p', '', undefined, undefined, 'Azure'));
    expect([f.severity, f.ruleId, f.field]).toEqual(['error', 'spc-provider', 'spec.provider']);
    expect(f.rule).toMatch(/"Azure\.sock".*"azure\.sock".*provider not found: provider \\"Azure\\"/);
  });

  test('another provider\'s class is not ours: no finding', () => {
    expect(findings(spc('v', '', undefined, undefined, 'vault'))).toEqual([]);
  });

  test('a class with a templated apiVersion ($API_VERSION, the driver\'s Azure test files) is a note, and its pods are not matched to another class', () => {
    // test/bats/tests/azure/azure_v1_secretproviderclass.yaml of driver v1.6.0 starts with `apiVersion: $API_VERSION`.
    const templated = spc('azure', '', undefined, 'apiVersion: $API_VERSION').replace('namespace: demo', 'namespace: default');
    const other = spc('azure').replace('kvname', 'k--v');
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: default }\nspec:\n  containers: [{ name: c, image: busybox }]\n  volumes:\n    - name: s\n      csi: { driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: { secretProviderClass: azure } }\n';
    const result = findings(`${templated}---\n${other}---\n${pod}`);
    expect(result.filter(f => f.object !== 'demo/azure').map(f => [f.severity, f.ruleId, f.document])).toEqual([['note', 'input-skipped', 0]]);
    expect(result[0].rule).toMatch(/^a document whose apiVersion is not a group\/version.*SecretProviderClass default\/azure with apiVersion "\$API_VERSION"/);
  });
});

describe('the CSIDriver and the installs', () => {
  const csiDriver = (spec: string) => `---\napiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: { name: secrets-store.csi.k8s.io }\nspec:\n${spec}`;
  const binding = spc('idb', `    useAzureTokenProxy: "true"\n    clientID: ${CLIENT}\n`);

  test('no tokenRequests at all: the provider\'s own message, "service account tokens are required for identity binding" (provider.go#L132-L134)', () => {
    const [f] = findings(binding + csiDriver('  podInfoOnMount: true\n'));
    expect([f.ruleId, f.rule]).toEqual(['csidriver-audience', expect.stringMatching(/\(the provider fails with "service account tokens are required for identity binding"\)$/)]);
  });

  test('podInfoOnMount: false breaks every mount of provider v1.8.x ("pod name is not provided", provider.go#L172-L177)', () => {
    const result = findings(binding + csiDriver('  podInfoOnMount: false\n  tokenRequests: [{ audience: api://AKSIdentityBinding }]\n'));
    expect(result.filter(f => f.ruleId === 'csidriver-pod-info').map(f => [f.severity, f.field, f.value])).toEqual([['error', 'spec.podInfoOnMount', false]]);
    expect(messageOf(result.find(f => f.ruleId === 'csidriver-pod-info')!)).toMatch(/"pod name is not provided"/);
  });

  test('rotation on driver v1.6.0 without requiresRepublish never runs (nodeserver.go#L129-L161): a warning', () => {
    const driver = '---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: csi, namespace: kube-system }\nspec:\n  template:\n    spec:\n      containers:\n        - name: secrets-store\n          image: registry.k8s.io/csi-secrets-store/driver:v1.6.0\n          args: [--enable-secret-rotation=true]\n';
    const result = findings(spc('a') + csiDriver('  podInfoOnMount: true\n') + driver);
    expect(result.filter(f => f.ruleId === 'csidriver-republish').map(f => [f.severity, f.field, f.value])).toEqual([['warning', 'spec.requiresRepublish', null]]);
    expect(findings(spc('a') + csiDriver('  podInfoOnMount: true\n  requiresRepublish: true\n') + driver).filter(f => f.ruleId === 'csidriver-republish')).toEqual([]);
    expect(findings(spc('a') + csiDriver('  podInfoOnMount: true\n') + driver.replace('v1.6.0', 'v1.5.6')).filter(f => f.ruleId === 'csidriver-republish')).toEqual([]);
  });

  test('identity binding needs provider v1.8.1: v1.8.0 has no tag and panics with --log-format-json (fixed by commit 7dc89ab9)', () => {
    const provider = (tag: string) => `---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: provider, namespace: kube-system }\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet\n      containers:\n        - name: provider-azure-installer\n          image: mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure:${tag}\n`;
    expect(findings(binding + provider('v1.8.0')).filter(f => f.ruleId === 'provider-version').map(f => f.rule)).toEqual([expect.stringMatching(/needs provider v1\.8\.1 or later/)]);
    expect(findings(binding + provider('v1.8.1')).filter(f => f.ruleId === 'provider-version')).toEqual([]);
  });
});

describe('identity binding RBAC is case-sensitive', () => {
  // RBAC compares resources with == (pkg/apis/rbac/v1/evaluation_helpers.go#L59 of kubernetes):
  // https://github.com/kubernetes/kubernetes/blob/6732d913237bd282d81fe99df860938c5d60480a/pkg/apis/rbac/v1/evaluation_helpers.go#L52-L61
  const rbac = (resource: string) => `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: use-mi }\nrules:\n  - apiGroups: [cid.wi.aks.azure.com]\n    resources: ["${resource}"]\n    verbs: [use-managed-identity]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: use-mi }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: use-mi }\nsubjects: [{ kind: ServiceAccount, name: app, namespace: demo }]\n`;
  const text = (resource: string) => `${spc('idb', `    useAzureTokenProxy: "true"\n    clientID: ${CLIENT.replace(/2/g, 'a')}\n`)}---\napiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: demo }\nspec:\n  serviceAccountName: app\n  containers: [{ name: c, image: busybox }]\n  volumes:\n    - name: s\n      csi: { driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: { secretProviderClass: idb } }\n${rbac(resource)}`;

  test('a ClusterRole for the upper-case client ID does not grant the lower-case one', () => {
    expect(findings(text(CLIENT.replace(/2/g, 'A'))).filter(f => f.ruleId === 'identity-binding-rbac').map(f => f.object)).toEqual(['demo/p']);
    expect(findings(text(CLIENT.replace(/2/g, 'a'))).filter(f => f.ruleId === 'identity-binding-rbac')).toEqual([]);
  });
});

describe('messages for manifests', () => {
  test('a placeholder\'s fix speaks of rendering the manifest, not of process.env or cdk8s context', () => {
    const [f] = findings(spc('p').replace('kvname', '$KEYVAULT_NAME'));
    expect(f.ruleId).toBe('placeholder');
    expect(f.fix).toMatch(/^substitute the real value before validating and applying \(render the template or run envsubst first\)/);
    expect(f.fix).not.toMatch(/process\.env|cdk8s/);
  });
});
