import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { azureCli, planAzure, renderScript } from '../../src/check/azure-cli';
import { main } from '../../src/check/cli';
import { command, comment, quote, ShellValueError, word } from '../../src/check/shell';
import { parseYaml } from '../../src/check/source';

/**
 * `azure-cli`: the az commands equivalent to the ASO objects. The script is proven by running it:
 * `bash -n`, then bash with a fake `az` first on PATH that records its argv, NUL-separated, so
 * each argument is compared byte for byte with the value in the manifest.
 */

const ROOT = path.join(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'azure-fixtures');
const AZURE = fs.readFileSync(path.join(FIXTURES, 'azure.yaml'), 'utf-8');
const SUB = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const RG = `/subscriptions/${SUB}/resourceGroups`;
const KVNAME = `${RG}/rg-vaults/providers/Microsoft.KeyVault/vaults/kvname`;
const APP_IDENTITY = `${RG}/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-identity`;
const ISSUER = 'https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/7a3c1e52-9a0f-4a57-a1d0-8c6f6e6b1c2d/';
/** What the fake `az account show` prints. */
const CURRENT_SUBSCRIPTION = '9e8d7c6b-5a49-4837-a625-1403f2e1d0c9';

function runInProcess(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, stdin: () => stdin });
  return { code, stdout, stderr };
}

const script = (yaml: string) => runInProcess(['azure-cli', '-'], yaml);

const tmpDirs: string[] = [];
afterAll(() => { for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true }); });

/** Runs a script with a fake `az` that records every call; returns each call's argv. */
function runWithFakeAz(text: string): { calls: string[][]; status: number | null; stderr: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-azure-cli-'));
  tmpDirs.push(dir);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'az.log');
  fs.writeFileSync(path.join(bin, 'az'), [
    '#!/usr/bin/env bash',
    'printf \'%s\\0\' "$@" >> "$AZ_LOG"',
    'printf \'\\1\' >> "$AZ_LOG"',
    `if [ "$1 $2" = "account show" ]; then echo ${CURRENT_SUBSCRIPTION}; fi`,
  ].join('\n'), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'script.sh'), text);
  const result = spawnSync('bash', ['script.sh'], { cwd: dir, encoding: 'utf-8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, AZ_LOG: log } });
  const recorded = fs.existsSync(log) ? fs.readFileSync(log, 'utf-8') : '';
  const calls = recorded.split('\u0001').filter(c => c !== '').map(c => c.split('\0').slice(0, -1));
  return { calls, status: result.status, stderr: result.stderr, dir };
}

function bashSyntax(text: string) {
  return spawnSync('bash', ['-n'], { input: text, encoding: 'utf-8' });
}

describe('the library-shaped fixture', () => {
  const { code, stdout, stderr } = runInProcess(['azure-cli', FIXTURES]);

  test('prints a bash script and exits 0', () => {
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n').slice(0, 4)).toEqual([
      '#!/usr/bin/env bash',
      expect.stringMatching(/^# /),
      expect.stringMatching(/^# /),
      'set -euo pipefail',
    ]);
    expect(bashSyntax(stdout).status).toBe(0);
    expect(stdout).toMatchSnapshot();
  });

  test('running it calls az with exactly the values of the ASO objects', () => {
    const run = runWithFakeAz(stdout);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      ['role', 'assignment', 'create', '--assignee-object-id', '33333333-3333-3333-3333-333333333333', '--assignee-principal-type', 'ServicePrincipal',
        '--role', '21090545-7ca7-4776-b22c-e363652d74d2', '--scope', KVNAME, '--name', '7e8f9a0b-1c2d-4e3f-9a5b-6c7d8e9f0a1b'],
      ['role', 'assignment', 'create', '--assignee-object-id', '33333333-3333-3333-3333-333333333333', '--assignee-principal-type', 'ServicePrincipal',
        '--role', '4633458b-17de-408a-b874-0445c86b69e6', '--scope', KVNAME, '--name', '9d1c4a6e-5b2f-4c3d-8e7f-0a1b2c3d4e5f'],
      ['keyvault', 'set-policy', '--subscription', SUB, '--resource-group', 'rg-vaults', '--name', 'kv-legacy',
        '--object-id', '55555555-5555-5555-5555-555555555555', '--secret-permissions', 'get', 'list'],
      ['aks', 'identity-binding', 'create', '--subscription', SUB, '--resource-group', 'rg-aks', '--cluster-name', 'aks-eastus',
        '--name', 'appidentityakseastus', '--managed-identity-resource-id', APP_IDENTITY],
      ['identity', 'federated-credential', 'create', '--subscription', SUB, '--resource-group', 'rg-identities', '--identity-name', 'report-identity',
        '--name', 'report-identity-batch-report', '--issuer', ISSUER, '--subject', 'system:serviceaccount:batch:report', '--audiences', 'api://AzureADTokenExchange'],
    ]);
  });

  test('the same objects in another order, or twice, give the same script', () => {
    const docs = AZURE.split(/^---$/m);
    expect(script([...docs].reverse().join('\n---\n')).stdout).toBe(stdout);
    // Two apps writing the same grant: one command, both objects named.
    const twice = script(`${AZURE}\n---\n${docs[1].replace('name: kvname-reader-3c9f2a1b', 'name: other-app-reader')}`).stdout;
    expect(twice).toBe(stdout.replace('# RoleAssignment azure-access/kvname-reader-3c9f2a1b', '# RoleAssignment azure-access/kvname-reader-3c9f2a1b, RoleAssignment azure-access/other-app-reader'));
  });
});

test('the access-policy records of one identity on one vault are one az keyvault set-policy', () => {
  const record = AZURE.split(/^---$/m).find(d => d.includes('kind: ConfigMap'))!;
  const keys = record.replace('name: kv-legacy-access-policy-report-identity', 'name: kv-legacy-keys-report-identity').replace('secretPermissions: get list', 'keyPermissions: get list');
  const { code, stdout } = script(`${AZURE}\n---\n${keys}`);
  expect(code).toBe(0);
  expect(stdout).toContain('# ConfigMap azure-access/kv-legacy-access-policy-report-identity, ConfigMap azure-access/kv-legacy-keys-report-identity\n');
  expect(runWithFakeAz(stdout).calls.filter(c => c[0] === 'keyvault')).toEqual([
    ['keyvault', 'set-policy', '--subscription', SUB, '--resource-group', 'rg-vaults', '--name', 'kv-legacy', '--object-id', '55555555-5555-5555-5555-555555555555',
      '--secret-permissions', 'get', 'list', '--key-permissions', 'get', 'list'],
  ]);
});

describe('hostile values', () => {
  // Values the rules accept (the names of clusters, identities and scopes of other types are ARM's to judge,
  // an issuer's path, extra audiences, a role name, a Kubernetes name) and that would run code if unquoted.
  // (`$(` and `${` in IDs and the issuer are placeholders to the rules: validate stops them first.)
  const hostile = 'x \'q\' "d" `touch pwned` ; touch pwned\nnext line \\ $HOME';
  const substitution = `$(touch pwned) ${hostile}`;
  const yaml = `
apiVersion: containerservice.azure.com/v20251002preview
kind: IdentityBinding
metadata: { name: appidentity, namespace: azure-access }
spec:
  owner:
    armId: ${JSON.stringify(`${RG}/rg-aks/providers/Microsoft.ContainerService/managedClusters/${hostile}`)}
  properties:
    managedIdentity:
      resourceReference:
        armId: ${JSON.stringify(`${RG}/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${hostile}`)}
---
apiVersion: managedidentity.azure.com/v1api20230131
kind: FederatedIdentityCredential
metadata: { name: report, namespace: azure-access }
spec:
  owner:
    armId: ${JSON.stringify(`${RG}/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${hostile}`)}
  issuer: ${JSON.stringify('https://issuer.example.com/\'"`{touch,pwned}`;{touch,pwned}/')}
  subject: system:serviceaccount:batch:report
  audiences: [api://AzureADTokenExchange, ${JSON.stringify(substitution)}]
---
apiVersion: authorization.azure.com/v1api20220401
kind: RoleAssignment
metadata:
  name: ${JSON.stringify('ra\ntouch pwned\n')}
  namespace: azure-access
spec:
  owner:
    armId: ${JSON.stringify(`${RG}/rg/providers/Microsoft.Storage/storageAccounts/${hostile}`)}
  principalId: 33333333-3333-3333-3333-333333333333
  principalType: ServicePrincipal
  roleDefinitionReference:
    wellKnownName: ${JSON.stringify('Storage Blob Data Reader\'; $(touch pwned); \'')}
`;

  test('reach az as written, and run nothing', () => {
    const { code, stdout, stderr } = script(yaml);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(bashSyntax(stdout).status).toBe(0);
    // The Kubernetes name with line breaks stays in its comment.
    expect(stdout).toContain('# RoleAssignment azure-access/ra?touch pwned?\n');
    const run = runWithFakeAz(stdout);
    expect(run.status).toBe(0);
    expect(fs.existsSync(path.join(run.dir, 'pwned'))).toBe(false);
    expect(run.calls).toEqual([
      ['role', 'assignment', 'create', '--assignee-object-id', '33333333-3333-3333-3333-333333333333', '--assignee-principal-type', 'ServicePrincipal',
        '--role', 'Storage Blob Data Reader\'; $(touch pwned); \'', '--scope', `${RG}/rg/providers/Microsoft.Storage/storageAccounts/${hostile}`],
      ['aks', 'identity-binding', 'create', '--subscription', SUB, '--resource-group', 'rg-aks', '--cluster-name', hostile, '--name', 'appidentity',
        '--managed-identity-resource-id', `${RG}/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${hostile}`],
      ['identity', 'federated-credential', 'create', '--subscription', SUB, '--resource-group', 'rg-identities', '--identity-name', hostile, '--name', 'report',
        '--issuer', 'https://issuer.example.com/\'"`{touch,pwned}`;{touch,pwned}/', '--subject', 'system:serviceaccount:batch:report', '--audiences', 'api://AzureADTokenExchange', substitution],
    ]);
  });

  test('a NUL byte cannot be an argument: exit 1, no script', () => {
    const { code, stdout, stderr } = script(AZURE.replace('    - api://AzureADTokenExchange', '    - api://AzureADTokenExchange\n    - "a\\0b"'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/\[FederatedIdentityCredential azure-access\/report-identity-batch-report\] .*contains a NUL character, which no command-line argument can carry/);
  });
});

describe('quoting', () => {
  test.each(['', 'plain', 'a b', 'it\'s', '\'', '\'\'', '$(x)', '`x`', '"$HOME"', 'a\nb', '\\', '!x', '*', '~', '-n'])('%j round-trips through bash', value => {
    const result = spawnSync('bash', ['-c', `printf '%s' ${quote(value)}`], { encoding: 'utf-8' });
    expect(result.stdout).toBe(value);
  });

  test('NUL is refused', () => {
    expect(() => quote('a\0b')).toThrow(ShellValueError);
  });

  test('words with variables, comments, commands', () => {
    expect(word(['/subscriptions/', { variable: 'subscription' }, '/resourceGroups/it\'s'])).toBe('\'/subscriptions/\'"${subscription}"\'/resourceGroups/it\'\\\'\'s\'');
    expect(comment('a\nb\r\u2028c')).toBe('# a?b??c');
    expect(command(['az', 'x'], [['--a', 'v w'], ['--b', 'p', 'q']])).toBe('az x \\\n  --a \'v w\' \\\n  --b \'p\' \'q\'');
    expect(() => command(['az; rm'], [])).toThrow(/not a fixed word/);
  });
});

describe('references', () => {
  const byName = (extra: string) => script(`${AZURE.replace(/owner:\n {4}armId: \/subscriptions\/[^\n]*userAssignedIdentities\/report-identity/, 'owner:\n    name: report-identity')}\n---\n${extra}`);
  const identity = `
apiVersion: managedidentity.azure.com/v1api20230131
kind: UserAssignedIdentity
metadata: { name: report-identity, namespace: azure-access }
spec: { owner: { name: identities }, location: eastus }`;
  const group = `
apiVersion: resources.azure.com/v1api20200601
kind: ResourceGroup
metadata: { name: identities, namespace: azure-access }
spec: { azureName: rg-identities, location: eastus }`;

  test('an owner by name resolves through the ASO objects of the input, in the current subscription', () => {
    const { code, stdout } = byName(`${identity}\n---\n${group}`);
    expect(code).toBe(0);
    expect(stdout).toContain('subscription="$(az account show --query id --output tsv)"');
    const run = runWithFakeAz(stdout);
    expect(run.calls[0]).toEqual(['account', 'show', '--query', 'id', '--output', 'tsv']);
    expect(run.calls.find(c => c[0] === 'identity')!.slice(0, 11)).toEqual([
      'identity', 'federated-credential', 'create', '--subscription', CURRENT_SUBSCRIPTION, '--resource-group', 'rg-identities', '--identity-name', 'report-identity', '--name', 'report-identity-batch-report',
    ]);
  });

  test('a full ID resolved by name is built on the current subscription', () => {
    const withVault = AZURE.replace(/owner:\n {4}armId: \/subscriptions\/[^\n]*vaults\/kvname\n/g, 'owner:\n    name: kvname\n    group: keyvault.azure.com\n    kind: Vault\n');
    const vault = 'apiVersion: keyvault.azure.com/v1api20230701\nkind: Vault\nmetadata: { name: kvname, namespace: azure-access }\nspec: { owner: { name: vaults } }\n';
    const vaultGroup = group.replace('name: identities', 'name: vaults').replace('azureName: rg-identities', 'azureName: rg-vaults');
    const { code, stdout } = script(`${withVault}\n---\n${vault}---\n${vaultGroup}`);
    expect(code).toBe(0);
    expect(stdout).toContain('--scope \'/subscriptions/\'"${subscription}"\'/resourceGroups/rg-vaults/providers/Microsoft.KeyVault/vaults/kvname\'');
    const scopes = runWithFakeAz(stdout).calls.filter(c => c[0] === 'role').map(c => c[c.indexOf('--scope') + 1]);
    expect(scopes).toEqual([1, 2].map(() => `/subscriptions/${CURRENT_SUBSCRIPTION}/resourceGroups/rg-vaults/providers/Microsoft.KeyVault/vaults/kvname`));
  });

  test('a reference the input cannot resolve: exit 1, naming it', () => {
    for (const extra of ['', identity]) {
      const { code, stdout, stderr } = byName(extra);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(extra
        ? /spec\.owner .*the owner of UserAssignedIdentity "report-identity" \(managedidentity\.azure\.com\) in namespace "azure-access": ResourceGroup "identities" \(resources\.azure\.com\) in namespace "azure-access" is not in the input, so no az command can name it/
        : /spec\.owner .*UserAssignedIdentity "report-identity" \(managedidentity\.azure\.com\) in namespace "azure-access" is not in the input, so no az command can name it/);
    }
  });

  test('principalIdFromConfig reads the ConfigMap of the input', () => {
    const fromConfig = AZURE.replace(/principalId: 33333333-3333-3333-3333-333333333333/g, 'principalIdFromConfig: { name: identity-settings, key: principalId }');
    const missing = script(fromConfig);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ConfigMap "identity-settings" with key "principalId" in namespace "azure-access" is not in the input/);
    const found = script(`${fromConfig}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: identity-settings, namespace: azure-access }\ndata: { principalId: 66666666-6666-6666-6666-666666666666 }\n`);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('--assignee-object-id \'66666666-6666-6666-6666-666666666666\'');
  });

  test('a custom role by RoleDefinition object cannot be named', () => {
    const { code, stderr } = script(AZURE.replace('armId: /providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6', 'name: custom-reader'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/spec\.roleDefinitionReference\.name "custom-reader" is invalid: the role is the RoleDefinition object "custom-reader", whose GUID the manifests do not say/);
  });
});

describe('exit codes and output', () => {
  test('an error in the ASO objects: exit 1, the findings on stderr, no script', () => {
    const { code, stdout, stderr } = script(AZURE.replace('name: appidentityakseastus', 'name: app-identity'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^stdin:\d+:\d+: error: \[IdentityBinding azure-access\/app-identity\] metadata\.name "app-identity" is invalid: .*\(aso-name\)\n1 error, 0 warnings, 0 notes in 5 documents\n$/);
  });

  test('warnings: the script, and the warnings on stderr', () => {
    const { code, stdout, stderr } = script(AZURE.replace('4633458b-17de-408a-b874-0445c86b69e6', '00482a5a-887f-4fb3-b363-3b7fe8e74483'));
    expect(code).toBe(0);
    expect(stdout).toContain('--role \'00482a5a-887f-4fb3-b363-3b7fe8e74483\'');
    expect(stderr).toMatch(/warning: .*Key Vault Administrator .*\(aso-role\)\n0 errors, 1 warning, 0 notes in 5 documents\n$/);
  });

  test('no ASO object: an empty script, and a note on stderr', () => {
    const { code, stdout, stderr } = script('apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: a }\n');
    expect(code).toBe(0);
    expect(stderr).toBe('no Azure Service Operator objects in the input\n');
    expect(stdout).toMatch(/set -euo pipefail\n\n# No Azure Service Operator objects in the input\.\n$/);
    expect(runWithFakeAz(stdout).calls).toEqual([]);
  });

  test.each([
    [['azure-cli'], /no input/],
    [['azure-cli', '--format', 'json', 'x.yaml'], /unknown option "--format"/],
    [['azure-cli', 'does-not-exist.yaml'], /does-not-exist\.yaml: error: cannot be read: no such file/],
  ])('%j exits 2', (args, message) => {
    const { code, stderr, stdout } = runInProcess(args);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  test('a YAML syntax error exits 2', () => {
    expect(script('kind: [\n')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^stdin:2:1: error: YAML syntax error/) });
  });

  test('--help', () => {
    expect(runInProcess(['azure-cli', '--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: cdk8s-azure-keyvault-csi azure-cli PATH\.\.\. \| -\n/) });
    expect(runInProcess(['--help']).stdout).toMatch(/^ {7}cdk8s-azure-keyvault-csi azure-cli PATH\.\.\. \| -$/m);
  });

  test('planAzure and renderScript, without the CLI', () => {
    const plan = planAzure(parseYaml(AZURE, 'azure.yaml').documents);
    expect(plan.findings).toEqual([]);
    expect(plan.steps).toHaveLength(5);
    let out = '';
    expect(azureCli(['-'], { stdout: t => { out += t; }, stderr: () => undefined, stdin: () => AZURE })).toBe(0);
    expect(renderScript(plan)).toBe(out);
  });
});

describe('as a process', () => {
  jest.setTimeout(60_000);
  test('reads stdin, prints the script, exits 0', () => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/check/cli.ts'), 'azure-cli', '-'], {
      cwd: ROOT, input: AZURE, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(script(AZURE).stdout);
  });
  test('exits 1 on an error', () => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/check/cli.ts'), 'azure-cli', '-'], {
      cwd: ROOT, input: AZURE.replace('api://AzureADTokenExchange', 'api://other'), encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/AADSTS700212/);
  });
});
