/**
 * The Azure side end to end, on the synthesized output of the examples (examples/<name>/dist,
 * regenerated and checked by test/examples.test.ts):
 * - `validate` over what each cluster gets, together with the Azure side (azure.k8s.yaml), reports
 *   no error and no warning, and its cross-checks ran: take one kind of ASO object away and they fail;
 * - `azure-cli` over examples/azure-side/dist prints a script whose commands, run against a fake
 *   `az`, match the ASO objects one to one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { check } from '../../src/check/checker';
import { main } from '../../src/check/cli';
import { messageOf } from '../../src/check/finding';
import { parseYaml, readInputs } from '../../src/check/source';
import { runWithFakeAz } from '../fake-az';

const EXAMPLES = path.join(__dirname, '../../examples');
const AZURE_FILE = 'azure.k8s.yaml';
const distOf = (example: string) => path.join(EXAMPLES, example, 'dist');

/** What each cluster of an example gets (the files of its charts), besides the Azure side. */
const CLUSTERS: Record<string, string[][]> = {
  'azure-side': [['aks-eastus.k8s.yaml', 'aks-eastus-reports.k8s.yaml'], ['aks-westeurope.k8s.yaml']],
  'identity-binding': [['identity-binding.k8s.yaml', 'install.k8s.yaml']],
  'multi-cluster': [['aks-eastus.k8s.yaml'], ['aks-southeastasia.k8s.yaml'], ['aks-westeurope.k8s.yaml']],
  'workload-identity': [['workload-identity.k8s.yaml']],
};
const CLUSTER_INPUTS = Object.entries(CLUSTERS).flatMap(([example, clusters]) => clusters.map(files => [example, files] as [string, string[]]));

test('every example with an Azure side, and every file of each, is validated below', () => {
  const withAzureSide = fs.readdirSync(EXAMPLES).filter(e => fs.existsSync(path.join(distOf(e), AZURE_FILE))).sort();
  expect(withAzureSide).toEqual(Object.keys(CLUSTERS).sort());
  for (const [example, clusters] of Object.entries(CLUSTERS)) {
    const yamlFiles = fs.readdirSync(distOf(example)).filter(f => f.endsWith('.yaml') && f !== AZURE_FILE).sort();
    expect([example, clusters.flat().sort()]).toEqual([example, yamlFiles]);
  }
});

/** The documents of the files, with the Azure side's objects of the dropped kinds left out. */
function clusterInput(example: string, files: string[], drop: (doc: any) => boolean = () => false) {
  const docs = files.flatMap(file => parseYaml(fs.readFileSync(path.join(distOf(example), file), 'utf-8'), file).documents);
  const azure = YAML.parseAllDocuments(fs.readFileSync(path.join(distOf(example), AZURE_FILE), 'utf-8')).map(d => d.toJS()).filter(d => d && !drop(d));
  return [...docs, ...parseYaml(azure.map(d => YAML.stringify(d)).join('---\n'), AZURE_FILE).documents];
}

/** The identity modes of the input's classes (as the provider reads the parameters). */
function modesOf(example: string, files: string[]) {
  const classes = files.flatMap(f => readInputs([path.join(distOf(example), f)]).documents).map(d => d.value as any).filter(d => d?.kind === 'SecretProviderClass');
  const parameters = classes.map(c => c.spec.parameters);
  return {
    identityBinding: parameters.some(p => p.useAzureTokenProxy === 'true'),
    workloadIdentity: parameters.some(p => p.clientID && p.useAzureTokenProxy !== 'true' && p.useVMManagedIdentity !== 'true' && p.usePodIdentity !== 'true'),
    classes: parameters.length,
  };
}

describe('validate: each cluster\'s manifests with the Azure side', () => {
  test.each(CLUSTER_INPUTS)('%s %j: no error, no warning, every ASO object matched and resolved', (example, files) => {
    const result = check(clusterInput(example, files));
    expect(result.documents).toBeGreaterThan(files.length);
    expect(result.findings.filter(f => f.severity !== 'note').map(messageOf)).toEqual([]);
    // A note `input-aso` would say that some Azure object could not be tied to a class or followed.
    expect(result.findings.filter(f => f.ruleId === 'input-aso').map(messageOf)).toEqual([]);
  });

  test('the inputs have classes of both identity modes AzureAccess binds or federates', () => {
    const modes = CLUSTER_INPUTS.map(([example, files]) => modesOf(example, files));
    expect(modes.filter(m => m.identityBinding).length).toBe(6);
    expect(modes.filter(m => m.workloadIdentity).length).toBe(2); // azure-side on aks-eastus, workload-identity
  });

  // The cross-checks ran on that input: without the objects that serve its classes, they fail.
  test.each(CLUSTER_INPUTS)('%s %j: without IdentityBindings, FederatedIdentityCredentials or grants, the cross-checks fail', (example, files) => {
    const modes = modesOf(example, files);
    expect(modes.classes).toBeGreaterThan(0);
    const errors = (drop: (doc: any) => boolean) => new Set(check(clusterInput(example, files, drop)).findings.filter(f => f.severity === 'error').map(f => f.ruleId));
    expect(errors(d => d.kind === 'IdentityBinding').has('azure-identity-binding')).toBe(modes.identityBinding);
    expect(errors(d => d.kind === 'FederatedIdentityCredential').has('azure-federated-credential')).toBe(modes.workloadIdentity);
    expect([...errors(d => d.kind === 'RoleAssignment' || d.kind === 'ConfigMap')]).toEqual(['azure-role-coverage']);
  });
});

/** A recorded az call: the command words, then each option with its values. */
interface AzCall {
  readonly command: string;
  readonly options: Record<string, string[]>;
}

function parseCall(argv: readonly string[]): AzCall {
  const first = argv.findIndex(a => a.startsWith('--'));
  const options: Record<string, string[]> = {};
  let option = '';
  for (const arg of argv.slice(first)) {
    if (arg.startsWith('--')) {
      option = arg;
      expect(options[option]).toBeUndefined(); // each option once
      options[option] = [];
    } else {
      options[option].push(arg);
    }
  }
  return { command: argv.slice(0, first).join(' '), options };
}

/** An ARM ID's parts, read here with a plain split (not the code under test). */
function armParts(id: string) {
  const s = id.split('/');
  expect([s[0], s[1], s[3], s[5]]).toEqual(['', 'subscriptions', 'resourceGroups', 'providers']);
  return { subscription: s[2], resourceGroup: s[4], name: s[s.length - 1] };
}

describe('azure-cli over examples/azure-side/dist', () => {
  let stdout = '';
  let stderr = '';
  const code = main(['azure-cli', distOf('azure-side')], { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, stdin: () => '' });
  const azure = YAML.parseAllDocuments(fs.readFileSync(path.join(distOf('azure-side'), AZURE_FILE), 'utf-8')).map(d => d.toJS()).filter(d => d);
  const ofKind = (kind: string) => azure.filter(d => d.kind === kind);
  const run = runWithFakeAz(stdout);
  const calls = run.calls.map(parseCall);
  const callsOf = (command: string) => calls.filter(c => c.command === command);
  /** Calls compared whatever their order. */
  const sorted = (list: AzCall[]) => list.map(c => JSON.stringify(c)).sort();

  test('prints a script that runs, and only az commands for ASO objects', () => {
    expect([code, stderr]).toEqual([0, '']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(new Set(calls.map(c => c.command))).toEqual(new Set(['role assignment create', 'keyvault set-policy', 'aks identity-binding create', 'identity federated-credential create']));
    expect(calls.length).toBe(ofKind('RoleAssignment').length + ofKind('IdentityBinding').length + ofKind('FederatedIdentityCredential').length + 1);
  });

  test('one az role assignment create per RoleAssignment: principal, role, scope, name', () => {
    expect(ofKind('RoleAssignment').length).toBeGreaterThan(0);
    expect(sorted(callsOf('role assignment create'))).toEqual(sorted(ofKind('RoleAssignment').map(r => ({
      command: 'role assignment create',
      options: {
        '--assignee-object-id': [r.spec.principalId],
        '--assignee-principal-type': [r.spec.principalType],
        '--role': [r.spec.roleDefinitionReference.armId.split('/').pop()],
        '--scope': [r.spec.owner.armId],
        '--name': [r.spec.azureName],
      },
    }))));
  });

  test('one az aks identity-binding create per IdentityBinding: cluster, name, identity', () => {
    expect(ofKind('IdentityBinding').length).toBe(2);
    expect(sorted(callsOf('aks identity-binding create'))).toEqual(sorted(ofKind('IdentityBinding').map(b => {
      const cluster = armParts(b.spec.owner.armId);
      return {
        command: 'aks identity-binding create',
        options: {
          '--subscription': [cluster.subscription],
          '--resource-group': [cluster.resourceGroup],
          '--cluster-name': [cluster.name],
          '--name': [b.spec.azureName],
          '--managed-identity-resource-id': [b.spec.properties.managedIdentity.resourceReference.armId],
        },
      };
    })));
  });

  test('one az identity federated-credential create per FederatedIdentityCredential: identity, issuer, subject, audiences', () => {
    expect(ofKind('FederatedIdentityCredential').length).toBe(1);
    expect(sorted(callsOf('identity federated-credential create'))).toEqual(sorted(ofKind('FederatedIdentityCredential').map(f => {
      const identity = armParts(f.spec.owner.armId);
      return {
        command: 'identity federated-credential create',
        options: {
          '--subscription': [identity.subscription],
          '--resource-group': [identity.resourceGroup],
          '--identity-name': [identity.name],
          '--name': [f.spec.azureName],
          '--issuer': [f.spec.issuer],
          '--subject': [f.spec.subject],
          '--audiences': f.spec.audiences,
        },
      };
    })));
  });

  test('the access-policy records of one identity and vault: one az keyvault set-policy with every list', () => {
    const records = ofKind('ConfigMap');
    expect(records.length).toBe(2);
    const vault = armParts(records[0].data.vaultResourceId);
    expect(new Set(records.map(r => `${r.data.vaultResourceId} ${r.data.objectId}`)).size).toBe(1);
    const lists: Record<string, string[]> = {};
    for (const r of records) {
      for (const [key, value] of Object.entries(r.data as Record<string, string>)) {
        const list = /^(secret|key|certificate)Permissions$/.exec(key)?.[1];
        if (list) lists[`--${list}-permissions`] = value.split(' ');
      }
    }
    expect(callsOf('keyvault set-policy')).toEqual([{
      command: 'keyvault set-policy',
      options: { '--subscription': [vault.subscription], '--resource-group': [vault.resourceGroup], '--name': [vault.name], '--object-id': [records[0].data.objectId], ...lists },
    }]);
    expect(Object.keys(lists).sort()).toEqual(['--certificate-permissions', '--secret-permissions']);
  });
});
