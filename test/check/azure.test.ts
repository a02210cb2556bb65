import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as YAML from 'yaml';
import { REFERENCE_FILES } from '../../projenrc/upstream';
import { pathOf } from '../../src/check/azure';
import { planAzure } from '../../src/check/azure-cli';
import { check } from '../../src/check/checker';
import { render, toSarif } from '../../src/check/report';
import { parseYaml } from '../../src/check/source';
import { describeIfReference, upstreamDocuments } from '../util';

/**
 * `validate` on the Azure side: a hand-written set shaped as `AzureAccess` writes it (issue 15)
 * passes with no finding at all; each mistake of the list is flagged where it is.
 */

const FIXTURES = path.join(__dirname, 'azure-fixtures');
const CLUSTER = fs.readFileSync(path.join(FIXTURES, 'cluster.yaml'), 'utf-8');
const AZURE = fs.readFileSync(path.join(FIXTURES, 'azure.yaml'), 'utf-8');

/** The documents of the Azure side with one object edited, as `check` reads them. */
function edited(edit: (docs: any[]) => void, cluster = CLUSTER) {
  const docs = YAML.parseAllDocuments(AZURE).map(d => d.toJS());
  edit(docs);
  const azure = docs.map(d => YAML.stringify(d)).join('---\n');
  return check([...parseYaml(cluster, 'cluster.yaml').documents, ...parseYaml(azure, 'azure.yaml').documents]);
}
const named = (docs: any[], name: string) => docs.find(d => d.metadata.name === name);
const RA_SECRETS = 'kvname-secrets-user-3c9f2a1b';
const RA_READER = 'kvname-reader-3c9f2a1b';
const IB = 'appidentityakseastus';
const FIC = 'report-identity-batch-report';
const RECORD = 'kv-legacy-access-policy-report-identity';
const KV_ADMIN = '00482a5a-887f-4fb3-b363-3b7fe8e74483';

const summary = (result: ReturnType<typeof check>) => result.findings.map(f => `${f.severity} ${f.ruleId} ${f.kind} ${f.object} ${f.field}`);

test('the library-shaped set passes with no finding', () => {
  const result = check([...parseYaml(CLUSTER, 'cluster.yaml').documents, ...parseYaml(AZURE, 'azure.yaml').documents]);
  expect(result.findings).toEqual([]);
  expect(result.documents).toBe(15);
});

test('without Azure objects, nothing is said about the Azure side', () => {
  expect(check(parseYaml(CLUSTER, 'cluster.yaml').documents).findings).toEqual([]);
});

const MISTAKES: [string, (docs: any[]) => void, string[], RegExp][] = [
  ['an IdentityBinding name with hyphens', docs => { named(docs, IB).metadata.name = 'app-identity-aks-eastus'; },
    ['error aso-name IdentityBinding azure-access/app-identity-aks-eastus metadata.name'], /no hyphens/],
  ['a FIC azureName that breaks the pattern', docs => { named(docs, FIC).spec.azureName = 'batch/report'; },
    ['error aso-name FederatedIdentityCredential azure-access/report-identity-batch-report spec.azureName'], /\^\[a-zA-Z0-9\]\{1\}/],
  ['a RoleAssignment azureName that is not a GUID', docs => { named(docs, RA_SECRETS).spec.azureName = 'kvname-secrets-user'; },
    ['error aso-name RoleAssignment azure-access/kvname-secrets-user-3c9f2a1b spec.azureName'], /GUID/],
  ['an owner armId of the wrong shape', docs => { named(docs, RA_SECRETS).spec.owner.armId = 'kvname'; },
    // The grant no longer names the vault: the secret is read with Key Vault Reader only.
    ['error azure-role-coverage SecretProviderClass demo/app-secrets spec.parameters.keyvaultName',
      'error aso-reference RoleAssignment azure-access/kvname-secrets-user-3c9f2a1b spec.owner.armId'], /must be an ARM resource ID/],
  ['an IdentityBinding owned by a vault', docs => { named(docs, IB).spec.owner.armId = named(docs, RA_SECRETS).spec.owner.armId; },
    ['error aso-reference IdentityBinding azure-access/appidentityakseastus spec.owner.armId'], /must be a Microsoft\.ContainerService\/managedClusters, not a Microsoft\.KeyVault\/vaults/],
  ['a FIC without api://AzureADTokenExchange', docs => { named(docs, FIC).spec.audiences = ['api://AKSIdentityBinding']; },
    ['error aso-federated-credential FederatedIdentityCredential azure-access/report-identity-batch-report spec.audiences'], /AADSTS700212/],
  ['a FIC subject that is not a ServiceAccount\'s', docs => { named(docs, FIC).spec.subject = 'batch/report'; },
    ['error azure-federated-credential CronJob batch/report spec.jobTemplate.spec.template.spec.serviceAccountName',
      'error aso-federated-credential FederatedIdentityCredential azure-access/report-identity-batch-report spec.subject'], /system:serviceaccount:<namespace>:<name>/],
  ['a FIC issuer without the trailing "/"', docs => { named(docs, FIC).spec.issuer = named(docs, FIC).spec.issuer.slice(0, -1); },
    ['error aso-federated-credential FederatedIdentityCredential azure-access/report-identity-batch-report spec.issuer'], /AADSTS700211/],
  ['an IdentityBinding without a managed identity reference', docs => { delete named(docs, IB).spec.properties; },
    ['error aso-reference IdentityBinding azure-access/appidentityakseastus spec.properties.managedIdentity'], /names none/],
  ['Key Vault Administrator', docs => { named(docs, RA_SECRETS).spec.roleDefinitionReference.armId = `/providers/Microsoft.Authorization/roleDefinitions/${KV_ADMIN}`; },
    ['warning aso-role RoleAssignment azure-access/kvname-secrets-user-3c9f2a1b spec.roleDefinitionReference.armId'], /Key Vault Administrator .* grants more than the provider needs/],
  ['a role the library does not know', docs => { named(docs, RA_READER).spec.roleDefinitionReference.armId = '/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-1111-2222-3333-444444444444'; },
    ['warning aso-role RoleAssignment azure-access/kvname-reader-3c9f2a1b spec.roleDefinitionReference.armId'], /not a built-in role the library knows/],
  ['no principalType', docs => { delete named(docs, RA_SECRETS).spec.principalType; },
    ['warning aso-role-assignment RoleAssignment azure-access/kvname-secrets-user-3c9f2a1b spec.principalType'], /PrincipalNotFound/],
  ['a secret read with only Key Vault Reader', docs => { docs.splice(docs.indexOf(named(docs, RA_SECRETS)), 1); },
    ['error azure-role-coverage SecretProviderClass demo/app-secrets spec.parameters.keyvaultName'],
    /reads secret "db-password" from vault "kvname" \(the provider calls GetSecret\), and its grants on the vault \(Key Vault Reader\) lack Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action, so Key Vault answers 403 Forbidden.*Fix: assign Key Vault Secrets User \(4633458b-17de-408a-b874-0445c86b69e6\)/],
  ['a key and a cert read with only Key Vault Secrets User', docs => { docs.splice(docs.indexOf(named(docs, RA_READER)), 1); },
    ['error azure-role-coverage SecretProviderClass demo/app-secrets spec.parameters.keyvaultName', 'error azure-role-coverage SecretProviderClass demo/app-secrets spec.parameters.keyvaultName'],
    /reads key "signing-key" from vault "kvname" \(the provider calls GetKey\), and its grants on the vault \(Key Vault Secrets User\) lack Microsoft\.KeyVault\/vaults\/keys\/read/],
  ['an access policy without list for version history', docs => { named(docs, RECORD).data.secretPermissions = 'get'; },
    ['error azure-role-coverage SecretProviderClass batch/report-secrets spec.parameters.keyvaultName'], /lack secrets: list.*Fix: grant the identity "get" and "list" on secrets in the vault's access policy/],
  ['an access policy broader than reading', docs => { named(docs, RECORD).data.secretPermissions = 'get list set'; },
    ['warning aso-access-policy ConfigMap azure-access/kv-legacy-access-policy-report-identity data.secretPermissions'], /set grants more/],
  ['no IdentityBinding for an identity-binding class', docs => { docs.splice(docs.indexOf(named(docs, IB)), 1); },
    ['error azure-identity-binding SecretProviderClass demo/app-secrets spec.parameters.clientID'], /no IdentityBinding of it/],
  ['no FIC for a workload identity ServiceAccount', docs => { named(docs, FIC).spec.subject = 'system:serviceaccount:batch:other'; },
    ['error azure-federated-credential CronJob batch/report spec.jobTemplate.spec.template.spec.serviceAccountName'],
    /ServiceAccount batch\/report signs in as workload identity 44444444-4444-4444-4444-444444444444 \(class batch\/report-secrets\), and no FederatedIdentityCredential annotated with that client ID has the subject system:serviceaccount:batch:report.*AADSTS70021/],
  ['one client ID, two identities', docs => {
    named(docs, IB).metadata.annotations['keyvault-csi.cdk8s.io/client-id'] = '44444444-4444-4444-4444-444444444444';
  }, [
    'error azure-identity-binding SecretProviderClass demo/app-secrets spec.parameters.clientID',
    'error aso-client-id FederatedIdentityCredential azure-access/report-identity-batch-report metadata.annotations["keyvault-csi.cdk8s.io/client-id"]',
  ], /names identity .*report-identity, and IdentityBinding azure-access\/appidentityakseastus, annotated with the same client ID, names .*app-identity/],
  ['an annotation that is not a client ID', docs => { named(docs, IB).metadata.annotations['keyvault-csi.cdk8s.io/client-id'] = 'app-identity'; },
    ['error azure-identity-binding SecretProviderClass demo/app-secrets spec.parameters.clientID',
      'error aso-client-id IdentityBinding azure-access/appidentityakseastus metadata.annotations["keyvault-csi.cdk8s.io/client-id"]'], /must be a GUID/],
];

describe('each mistake is flagged', () => {
  test.each(MISTAKES)('%s', (_, edit, expected, message) => {
    const result = edited(edit);
    expect(summary(result)).toEqual(expected);
    const text = render(result, 'text', '0.0.0');
    expect(text).toMatch(message);
    expect(text).toMatchSnapshot();
  });
});

describe('objects not written by the library', () => {
  const unannotated = (docs: any[]) => { for (const d of docs) delete d.metadata.annotations; };

  test('cannot be matched to the classes: one note says which', () => {
    const result = edited(unannotated);
    expect(summary(result)).toEqual(['note input-aso undefined undefined ']);
    expect(result.findings[0].rule).toBe('the Azure side of FederatedIdentityCredential azure-access/report-identity-batch-report (subject system:serviceaccount:batch:report) for class batch/report-secrets, identity binding 22222222-2222-2222-2222-222222222222 of class demo/app-secrets, the grants of 22222222-2222-2222-2222-222222222222 on vault "kvname" (class demo/app-secrets) and 1 more was not checked: no object in the input carries the annotation keyvault-csi.cdk8s.io/client-id with those client IDs, so the ASO objects could not be matched to the classes');
  });

  test('are still checked on their own', () => {
    const result = edited(docs => {
      unannotated(docs);
      named(docs, FIC).spec.subject = 'repo:org/repo:ref:refs/heads/main';
      named(docs, FIC).spec.issuer = 'https://token.actions.githubusercontent.com';
    });
    // A credential of another issuer, for something else than a pod: a warning, not an error.
    expect(summary(result)).toContain('warning aso-federated-credential FederatedIdentityCredential azure-access/report-identity-batch-report spec.subject');
  });

  test('references by name: resolved through the ASO objects of the input, or a note', () => {
    const owned = (extra: string) => edited(docs => {
      named(docs, IB).spec.owner = { name: 'aks-eastus' };
      named(docs, FIC).spec.owner = { name: 'report-identity' };
      docs.push(...YAML.parseAllDocuments(extra).map(d => d.toJS()).filter(Boolean));
    });
    const unresolved = owned('');
    expect(summary(unresolved)).toEqual(['note input-aso undefined undefined ']);
    expect(unresolved.findings[0].rule).toMatch(/^IdentityBinding azure-access\/appidentityakseastus \(spec\.owner: ManagedCluster "aks-eastus" \(containerservice\.azure\.com\) in namespace "azure-access" is not in the input\), FederatedIdentityCredential .* reference ASO objects not in the input/);
    const resolved = owned(`
apiVersion: containerservice.azure.com/v1api20240901
kind: ManagedCluster
metadata: { name: aks-eastus, namespace: azure-access }
spec: { owner: { name: rg-aks } }
---
apiVersion: managedidentity.azure.com/v1api20230131
kind: UserAssignedIdentity
metadata: { name: report-identity, namespace: azure-access }
spec: { owner: { name: rg-identities } }
---
apiVersion: resources.azure.com/v1api20200601
kind: ResourceGroup
metadata: { name: rg-aks, namespace: azure-access }
spec: { location: eastus }
---
apiVersion: resources.azure.com/v1api20200601
kind: ResourceGroup
metadata: { name: rg-identities, namespace: azure-access }
spec: { location: eastus }
`);
    expect(resolved.findings).toEqual([]);
  });

  test('an unannotated role on the class\'s vault, with annotated objects for other identities, is not counted', () => {
    const result = edited(docs => { delete named(docs, RA_SECRETS).metadata.annotations; });
    expect(summary(result)).toEqual(['error azure-role-coverage SecretProviderClass demo/app-secrets spec.parameters.keyvaultName']);
  });

  test('grants to people and groups are not judged', () => {
    const result = edited(docs => {
      const ra = named(docs, RA_READER);
      ra.spec.principalType = 'Group';
      ra.spec.roleDefinitionReference.armId = `/providers/Microsoft.Authorization/roleDefinitions/${KV_ADMIN}`;
    });
    expect(summary(result)).toEqual([]);
  });
});

test('every rule ID has a SARIF description', () => {
  const unannotated = edited(docs => { for (const d of docs) delete d.metadata.annotations; });
  const findings = [...MISTAKES.flatMap(([, edit]) => edited(edit).findings), ...unannotated.findings];
  const rules = toSarif({ findings, documents: 0 }, '0.0.0').runs[0].tool.driver.rules;
  expect(rules.map(r => r.id)).toEqual(expect.arrayContaining(['aso-name', 'aso-reference', 'aso-client-id', 'aso-federated-credential', 'aso-role-assignment', 'aso-role',
    'aso-access-policy', 'azure-federated-credential', 'azure-identity-binding', 'azure-role-coverage', 'input-aso']));
  for (const rule of rules) expect([rule.id, rule.shortDescription.text]).not.toEqual([rule.id, rule.id]);
});

test('findings point at the line of the offending value', () => {
  const azure = AZURE.replace('name: appidentityakseastus', 'name: app-identity');
  const [finding] = check([...parseYaml(CLUSTER, 'cluster.yaml').documents, ...parseYaml(azure, 'azure.yaml').documents]).findings;
  const line = azure.split('\n').findIndex(l => l.includes('name: app-identity')) + 1;
  expect(finding).toMatchObject({ file: 'azure.yaml', region: { startLine: line, startColumn: 9 } });
});

test('pathOf reads the fields the rules write', () => {
  expect(pathOf('spec.owner.armId')).toEqual(['spec', 'owner', 'armId']);
  expect(pathOf('metadata.annotations["keyvault-csi.cdk8s.io/client-id"]')).toEqual(['metadata', 'annotations', 'keyvault-csi.cdk8s.io/client-id']);
  expect(pathOf('spec.audiences[1]')).toEqual(['spec', 'audiences', 1]);
});

/** The fixtures are real ASO objects: valid against the CRDs' schemas, once projenrc/upstream.ts pins them (issue 15, item 4). */
const SCHEMAS: Record<string, string> = {
  RoleAssignment: 'authorization.azure.com/roleassignment_v1api20220401.json',
  FederatedIdentityCredential: 'managedidentity.azure.com/federatedidentitycredential_v1api20230131.json',
};
const pinned = Object.values(SCHEMAS).every(p => REFERENCE_FILES.some(f => f.path === p));
(pinned ? describeIfReference : describe.skip)('the fixtures against the ASO CRD schemas', () => {
  test.each(Object.entries(SCHEMAS))('%s', (kind, upstreamPath) => {
    const schema = upstreamDocuments(REFERENCE_FILES.find(f => f.path === upstreamPath)!.file)[0];
    // The ARM ID patterns start with Go's `(?i)`, JavaScript's `i` flag (test/util.ts's validateAsoResource after the merge).
    const regExp = Object.assign((pattern: string, flags: string) => pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), `${flags}i`) : new RegExp(pattern, flags), { code: 'new RegExp' });
    const validate = new Ajv({ strict: false, validateFormats: false, code: { regExp } }).compile(schema);
    const objects = YAML.parseAllDocuments(AZURE).map(d => d.toJS()).filter(d => d.kind === kind);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect([object.metadata.name, validate(object), validate.errors]).toEqual([object.metadata.name, true, null]);
  });
});

test('malformed Azure objects are findings, never a crash (validate and azure-cli)', () => {
  const shapes = [null, 'x', 7, [], {}, [1, 'a'], { armId: 7 }, { name: 7 }, { armId: '/subscriptions', name: 'x' }];
  const docs: any[] = [];
  for (const [group, kind] of [['authorization.azure.com/v1api20220401', 'RoleAssignment'], ['containerservice.azure.com/v20251002preview', 'IdentityBinding'],
    ['managedidentity.azure.com/v1api20230131', 'FederatedIdentityCredential']]) {
    docs.push({ apiVersion: group, kind }, { apiVersion: group, kind, metadata: 'x', spec: 'x' });
    for (const value of shapes) {
      docs.push({
        apiVersion: group,
        kind,
        metadata: { name: value, namespace: value, annotations: { 'keyvault-csi.cdk8s.io/client-id': value } },
        spec: {
          azureName: value,
          owner: value,
          principalId: value,
          principalType: value,
          principalIdFromConfig: value,
          roleDefinitionReference: value,
          audiences: value,
          issuer: value,
          subject: value,
          properties: { managedIdentity: { resourceReference: value } },
        },
      });
    }
  }
  for (const value of shapes) {
    docs.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r', labels: { 'keyvault-csi.cdk8s.io/access-policy': 'true' } }, data: value });
    docs.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r', labels: { 'keyvault-csi.cdk8s.io/access-policy': 'true' } }, data: { vaultResourceId: value, objectId: value, secretPermissions: value } });
  }
  const yaml = docs.map(d => YAML.stringify(d)).join('---\n');
  const input = [...parseYaml(CLUSTER, 'cluster.yaml').documents, ...parseYaml(yaml, 'malformed.yaml').documents];
  const result = check(input);
  expect(result.findings.filter(f => f.file === 'malformed.yaml' && f.severity === 'error').length).toBeGreaterThan(docs.length);
  const plan = planAzure(input);
  expect(plan.steps).toEqual([]);
  expect(plan.findings.some(f => f.severity === 'error')).toBe(true);
});
