import { readCommandArgs } from './args';
import { checkAzureObjects, pathOf, ResolvedObject } from './azure';
import { AzureInput } from './azure-objects';
import { CheckFinding, textOf } from './finding';
import type { CliIo } from './io';
import { manifestsOf } from './manifests';
import { ExitCode, render } from './report';
import { command, comment, ShellValueError, ShellWord } from './shell';
import { isInputError, readInputs, SourceDocument } from './source';
import { AccessPolicyRecord, ASO_IDENTITY_BINDING_MIN_VERSION } from '../facts/azure';
import { ACCESS_POLICY_LISTS, AccessPolicyList } from '../facts/key-vault-roles';
import { ArmId, armIdKey, formatArmId, nameOf, parseArmId } from '../rules/arm-id';
import { accessPolicyPermissions, azureNameOf, roleReferenceOf } from '../rules/aso';
import { Violation } from '../rules/model';

/**
 * `cdk8s-azure-keyvault-csi azure-cli PATH… | -`: the Azure side as a bash script of `az`
 * commands, equivalent to the Azure Service Operator objects in the manifests (and the
 * access-policy records), for teams that do not run ASO. The script is printed only when the
 * objects have no error and every reference resolves; the findings go to stderr.
 */

export const AZURE_CLI_USAGE = `Usage: cdk8s-azure-keyvault-csi azure-cli PATH... | -

Prints a bash script with the az commands equivalent to the Azure Service Operator objects in the
manifests (RoleAssignment, IdentityBinding, FederatedIdentityCredential) and the access-policy
records of AzureAccess, for clusters without ASO. Reads YAML files, directories (recursively
*.yaml, *.yml) or stdin ("-"), like validate.

Exit codes: 0 script printed (warnings on stderr), 1 an error in the ASO objects or a reference the
input cannot resolve (findings on stderr, no script), 2 could not run.
`;

/** One command of the script. */
interface Step {
  /** Section order, then a key that sorts the same objects the same way whatever the input order. */
  readonly order: number;
  readonly key: string;
  readonly source: string;
  readonly text: string;
}

const SECTIONS = [
  'Role assignments: least-privilege Key Vault roles on the vaults (or objects) the classes read',
  'Access policies: vaults with the access-policy permission model (ASO writes access policies only on vaults it owns)',
  `Identity bindings (AKS preview; ASO ${ASO_IDENTITY_BINDING_MIN_VERSION}+ for the IdentityBinding objects): a recent Azure CLI or the aks-preview extension`,
  'Federated identity credentials: one per workload identity ServiceAccount',
];

const SUBSCRIPTION_VARIABLE = 'subscription';

export interface AzurePlan {
  readonly findings: CheckFinding[];
  readonly steps: readonly Step[];
  /** Some ID was resolved by name and has no subscription: the script reads the current one. */
  readonly needsSubscription: boolean;
  readonly objects: number;
}

/** The commands equivalent to the Azure objects of the documents, or the findings that stop them. */
export function planAzure(docs: readonly SourceDocument[]): AzurePlan {
  const input = new AzureInput(manifestsOf(docs).manifests);
  const result = checkAzureObjects(input);
  const findings = [...result.findings];
  for (const u of result.unresolved) {
    findings.push(u.object.manifest.finding('error', 'aso-reference', u.path, undefined, {
      rule: `${u.reason}, so no az command can name it`,
      fix: 'give the referenced ASO object (and its resource group) in the input too, or reference the resource by armId',
    }));
  }
  const failed = new Set(findings.filter(f => f.severity === 'error').map(f => `${f.file}/${f.document}/${f.object}/${f.kind}`));
  const steps: Step[] = [];
  let needsSubscription = false;
  // One `az keyvault set-policy` per identity and vault, whatever the number of records (AzureAccess writes one per permission list).
  const policies = new Map<string, { vault: ArmId; objectId: string; lists: Map<AccessPolicyList, string[]>; sources: string[] }>();
  for (const item of result.resolved) {
    const m = item.object.manifest;
    if (failed.has(`${m.source.file}/${m.source.index}/${m.id}/${m.kind}`)) continue;
    if (item.object.kind === 'AccessPolicy') {
      const vault = parseArmId(m.body.data[AccessPolicyRecord.VAULT_RESOURCE_ID])!;
      const objectId = textOf(m.body.data[AccessPolicyRecord.OBJECT_ID]);
      const key = `${armIdKey(vault)}/${objectId.toLowerCase()}`;
      const policy = policies.get(key) ?? { vault, objectId, lists: new Map<AccessPolicyList, string[]>(), sources: [] as string[] };
      for (const list of ACCESS_POLICY_LISTS) {
        const union = [...new Set([...policy.lists.get(list) ?? [], ...accessPolicyPermissions(m.body, list)])];
        if (union.length) policy.lists.set(list, union);
      }
      policy.sources.push(`${m.kind} ${m.id}`);
      policies.set(key, policy);
      continue;
    }
    const planned = stepOf(item, input);
    if ('error' in planned) {
      findings.push(m.finding('error', 'aso-reference', pathOf(planned.field), planned.value, planned.error));
      continue;
    }
    needsSubscription ||= planned.needsSubscription;
    steps.push({ ...planned.step, source: `${m.kind} ${m.id}` });
  }
  for (const { vault, objectId, lists, sources } of policies.values()) {
    const options: [string, ...ShellWord[]][] = [
      ['--subscription', vault.subscription!],
      ['--resource-group', vault.resourceGroup!],
      ['--name', nameOf(vault)!],
      ['--object-id', objectId],
      ...ACCESS_POLICY_LISTS.filter(l => lists.has(l)).map(l => [`--${l}-permissions`, ...lists.get(l)!] as [string, ...ShellWord[]]),
    ];
    steps.push({ order: 1, key: `${armIdKey(vault)}/${objectId.toLowerCase()}`, text: command(['az', 'keyvault', 'set-policy'], options), source: sources.join(', ') });
  }
  return { findings, steps, needsSubscription, objects: input.objects.length };
}

type Planned = { step: Omit<Step, 'source'>; needsSubscription: boolean } | { error: Violation; field: string; value: unknown };

/** The command of one object (its own rules passed). */
function stepOf({ object, refs }: ResolvedObject, input: AzureInput): Planned {
  const body = object.manifest.body;
  const spec = body.spec ?? {};
  let needsSubscription = false;
  const id = (index: number): ArmId => (refs[index] as { id: ArmId }).id;
  /** A full ID as a word: the current subscription when ASO would take its credential's. */
  const armWord = (arm: ArmId): ShellWord => {
    if (arm.subscription !== undefined) return formatArmId(arm);
    needsSubscription = true;
    return ['/subscriptions/', { variable: SUBSCRIPTION_VARIABLE }, formatArmId(arm)];
  };
  const subscriptionWord = (arm: ArmId): ShellWord => {
    if (arm.subscription !== undefined) return arm.subscription;
    needsSubscription = true;
    return [{ variable: SUBSCRIPTION_VARIABLE }];
  };
  /** `--subscription`, `--resource-group` and the name of the resource a command works in. */
  const located = (arm: ArmId, nameOption: string): [string, ...ShellWord[]][] => [
    ['--subscription', subscriptionWord(arm)],
    ['--resource-group', arm.resourceGroup!],
    [nameOption, nameOf(arm)!],
  ];
  type Configured = { value: string } | { error: Violation; field: string; value: unknown };
  const configured = (value: unknown, fromConfig: unknown, field: string): Configured => {
    if (fromConfig === undefined) return { value: textOf(value) };
    const found = input.fromConfig(fromConfig, object.manifest.namespace);
    return 'value' in found ? found : { error: { rule: `${found.unresolved}, so no az command can carry the value`, fix: `give the ConfigMap in the input too, or set ${field.replace(/FromConfig$/, '')} directly` }, field, value: fromConfig };
  };
  const name = textOf(azureNameOf(body).value);
  const done = (order: number, key: string, text: string): Planned => ({ step: { order, key: key.toLowerCase(), text }, needsSubscription });

  try {
    switch (object.kind) {
      case 'RoleAssignment': {
        const principal = configured(spec.principalId, spec.principalIdFromConfig, 'spec.principalIdFromConfig');
        if ('error' in principal) return principal;
        const role = roleReferenceOf(body)!;
        if (role.kind === 'object') {
          return { error: { rule: `the role is the RoleDefinition object "${role.name}", whose GUID the manifests do not say`, fix: 'reference the role definition by armId (/providers/Microsoft.Authorization/roleDefinitions/<GUID>)' }, field: 'spec.roleDefinitionReference.name', value: role.name };
        }
        const scope = armWord(id(0));
        const options: [string, ...ShellWord[]][] = [
          ['--assignee-object-id', principal.value],
          ...spec.principalType !== undefined ? [['--assignee-principal-type', textOf(spec.principalType)] as [string, ShellWord]] : [],
          ['--role', role.kind === 'id' ? role.id : role.name],
          ['--scope', scope],
          ...typeof spec.azureName === 'string' && spec.azureName !== '' ? [['--name', spec.azureName] as [string, ShellWord]] : [],
        ];
        return done(0, `${formatArmId(id(0))}/${principal.value}/${role.kind === 'id' ? role.id : role.name}`, command(['az', 'role', 'assignment', 'create'], options));
      }
      case 'IdentityBinding': {
        const cluster = id(0);
        const options: [string, ...ShellWord[]][] = [
          ...located(cluster, '--cluster-name'),
          ['--name', name],
          ['--managed-identity-resource-id', armWord(id(1))],
        ];
        return done(2, `${formatArmId(cluster)}/${name}`, command(['az', 'aks', 'identity-binding', 'create'], options));
      }
      case 'FederatedIdentityCredential': {
        const issuer = configured(spec.issuer, spec.issuerFromConfig, 'spec.issuerFromConfig');
        if ('error' in issuer) return issuer;
        const subject = configured(spec.subject, spec.subjectFromConfig, 'spec.subjectFromConfig');
        if ('error' in subject) return subject;
        const identity = id(0);
        const options: [string, ...ShellWord[]][] = [
          ...located(identity, '--identity-name'),
          ['--name', name],
          ['--issuer', issuer.value],
          ['--subject', subject.value],
          ['--audiences', ...(spec.audiences as unknown[]).map(String)],
        ];
        return done(3, `${formatArmId(identity)}/${name}`, command(['az', 'identity', 'federated-credential', 'create'], options));
      }
    }
  } catch (e) {
    if (e instanceof ShellValueError) return { error: { rule: e.message, fix: 'remove the NUL character' }, field: 'spec', value: undefined };
    throw e;
  }
  throw new Error(`no command for ${object.kind}`);
}

/** The script: sections in a fixed order, commands sorted within, identical commands once. */
export function renderScript(plan: AzurePlan): string {
  const lines = [
    '#!/usr/bin/env bash',
    '# The Azure side of Key Vault access as az commands: the equivalent of the Azure Service Operator',
    '# objects in the manifests, for clusters without ASO. Written by `cdk8s-azure-keyvault-csi azure-cli`.',
    'set -euo pipefail',
  ];
  if (plan.needsSubscription) {
    lines.push('', comment('Objects referenced by name live in the subscription of ASO\'s credential; here, the Azure CLI\'s current one.'),
      `${SUBSCRIPTION_VARIABLE}="$(az account show --query id --output tsv)"`);
  }
  if (!plan.steps.length) lines.push('', comment('No Azure Service Operator objects in the input.'));
  const byKey = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;
  const sorted = [...plan.steps].map((s, i) => ({ s, i })).sort((a, b) => a.s.order - b.s.order || byKey(a.s.key, b.s.key) || a.i - b.i);
  const byText = new Map<string, { order: number; sources: string[] }>();
  for (const { s } of sorted) {
    const seen = byText.get(s.text);
    if (seen) seen.sources.push(s.source);
    else byText.set(s.text, { order: s.order, sources: [s.source] });
  }
  let section = -1;
  for (const [text, { order, sources }] of byText) {
    if (order !== section) {
      section = order;
      lines.push('', comment(`${SECTIONS[order]}.`));
    }
    lines.push(comment(sources.join(', ')), text);
  }
  return lines.join('\n') + '\n';
}

/** Runs `azure-cli`; returns the exit code. */
export function azureCli(args: readonly string[], io: CliIo): number {
  const parsed = readCommandArgs(args, io, { usage: AZURE_CLI_USAGE });
  if (typeof parsed === 'number') return parsed;
  const read = readInputs(parsed.inputs, { stdin: io.stdin });
  const docs = read.documents;
  const unreadable = read.findings.filter(isInputError);
  if (unreadable.length) {
    // A partial plan would be worse than none: the script is for `| bash`.
    io.stderr(render({ findings: unreadable, documents: docs.length }, 'text', ''));
    return ExitCode.INPUT;
  }
  const plan = planAzure(docs);
  const errors = plan.findings.some(f => f.severity === 'error');
  if (plan.findings.length) io.stderr(render({ findings: plan.findings, documents: docs.length }, 'text', ''));
  if (errors) return ExitCode.ERRORS;
  if (!plan.objects) io.stderr('no Azure Service Operator objects in the input\n');
  io.stdout(renderScript(plan));
  return ExitCode.OK;
}
