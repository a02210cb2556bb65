import { CheckResult } from './checker';
import { escapeText, lineStartFile, sarifUri } from './escape';
import { CheckFinding, messageOf, shownValue } from './finding';
import { isInputError } from './source';

/**
 * The three output formats of `validate`: text for people, a versioned JSON shape for scripts,
 * and SARIF 2.1.0 for code-scanning UIs.
 */

export type Format = 'text' | 'json' | 'sarif';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];

const TOOL = 'cdk8s-azure-keyvault-csi';
const INFORMATION_URI = 'https://www.npmjs.com/package/cdk8s-azure-keyvault-csi';

export interface Summary {
  readonly errors: number;
  readonly warnings: number;
  readonly notes: number;
  readonly documents: number;
}

export function summarize(result: CheckResult): Summary {
  let [errors, warnings, notes] = [0, 0, 0];
  for (const f of result.findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else notes++;
  }
  return { errors, warnings, notes, documents: result.documents };
}

/** Exit codes of `validate` (the README's table). */
export const ExitCode = {
  /** No error (warnings and notes allowed). */
  OK: 0,
  /** At least one error in the manifests. */
  ERRORS: 1,
  /** Bad arguments, or some input could not be read or parsed, or there was nothing to check. */
  INPUT: 2,
  /** A bug in validate: the report says so, and nothing it says is complete. */
  INTERNAL: 3,
} as const;

/** How the run went, beyond the findings: shown in every format. */
export interface RunStatus {
  readonly exitCode: number;
  /** Why the run is not complete (internal error, input that could not be read); empty when it is. */
  readonly problems: readonly string[];
}

/** The exit code of a result: 2 when some input could not be read, else 1 with an error, else 0. */
export function exitCodeOf(result: CheckResult): number {
  if (result.findings.some(isInputError)) return ExitCode.INPUT;
  return result.findings.some(f => f.severity === 'error') ? ExitCode.ERRORS : ExitCode.OK;
}

/** The status of a completed run. */
export function statusOf(result: CheckResult): RunStatus {
  const exitCode = exitCodeOf(result);
  const problems = result.findings.filter(isInputError).map(f => `${f.file ? `${f.file}: ` : ''}${messageOf(f)}`);
  return { exitCode, problems };
}

export function render(result: CheckResult, format: Format, version: string, status: RunStatus = statusOf(result)): string {
  switch (format) {
    case 'json': return JSON.stringify(toJson(result, version, status), null, 2) + '\n';
    case 'sarif': return JSON.stringify(toSarif(result, version, status), null, 2) + '\n';
    default: return toText(result, status);
  }
}

function where(f: CheckFinding): string {
  if (f.file === undefined) return '';
  const at = f.region ? `:${f.region.startLine}:${f.region.startColumn}` : '';
  return `${lineStartFile(f.file)}${at}: `;
}

/** A finding's message with its object, as one line of any format (escaped: the input cannot end or restyle the line). */
function fullMessage(f: CheckFinding): string {
  return escapeText(`${f.kind ? `[${f.kind} ${f.object}] ` : ''}${messageOf(f)}`);
}

function toText(result: CheckResult, status: RunStatus): string {
  const lines = result.findings.map(f => `${where(f)}${f.severity}: ${fullMessage(f)} (${f.ruleId})`);
  const s = summarize(result);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const incomplete = status.exitCode === ExitCode.INPUT ? '; some input could not be read, so the check is incomplete (exit 2)'
    : status.exitCode === ExitCode.INTERNAL ? '; validate failed with an internal error, so the check is incomplete (exit 3)' : '';
  lines.push(`${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notes, 'note')} in ${plural(s.documents, 'document')}${incomplete}`);
  return lines.join('\n') + '\n';
}

/** The `--format json` shape (version 1): stable, documented in the README. */
export function toJson(result: CheckResult, version: string, status: RunStatus = statusOf(result)) {
  return {
    version: 1,
    tool: { name: TOOL, version },
    execution: { successful: status.exitCode <= ExitCode.ERRORS, exitCode: status.exitCode, problems: status.problems.map(escapeText) },
    summary: summarize(result),
    findings: result.findings.map(f => ({
      severity: f.severity,
      ruleId: f.ruleId,
      file: f.file ?? null,
      document: f.document ?? null,
      line: f.region?.startLine ?? null,
      column: f.region?.startColumn ?? null,
      endLine: f.region?.endLine ?? null,
      endColumn: f.region?.endColumn ?? null,
      apiVersion: f.apiVersion ?? null,
      kind: f.kind ?? null,
      object: f.object ?? null,
      field: f.field,
      value: f.value === undefined ? null : shownValue(f.value),
      rule: f.rule,
      fix: f.fix,
      message: escapeText(messageOf(f)),
    })),
  };
}

/**
 * SARIF 2.1.0: one result per finding, located on the offending node; the invocation says whether
 * the run completed (`executionSuccessful: false` with the reasons when input could not be read or
 * validate failed), so a CI upload always has a valid file that tells what happened.
 */
export function toSarif(result: CheckResult, version: string, status: RunStatus = statusOf(result), cwd: string = process.cwd()) {
  const ruleIds = [...new Set(result.findings.map(f => f.ruleId))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL,
          version,
          informationUri: INFORMATION_URI,
          rules: ruleIds.map(id => ({ id, shortDescription: { text: RULE_DESCRIPTIONS.get(id) ?? id } })),
        },
      },
      invocations: [{
        executionSuccessful: status.exitCode <= ExitCode.ERRORS,
        exitCode: status.exitCode,
        toolExecutionNotifications: status.problems.map(problem => ({ level: 'error', message: { text: escapeText(problem) } })),
      }],
      columnKind: 'utf16CodeUnits',
      results: result.findings.map(f => ({
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: f.severity,
        message: { text: fullMessage(f) },
        ...(f.file === undefined ? {} : {
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: sarifUri(f.file, cwd) },
              ...(f.region ? { region: { ...f.region } } : {}),
            },
          }],
        }),
      })),
    }],
  };
}

/** What each rule family checks (SARIF rule descriptions). */
const RULE_DESCRIPTIONS = new Map<string, string>(Object.entries({
  'spc-api-version': 'SecretProviderClass API version',
  'spc-parameters': 'SecretProviderClass parameters as the Azure provider reads them',
  'spc-objects': 'The objects parameter: each object and the files they write',
  'spc-secret-objects': 'secretObjects: synced Kubernetes Secrets',
  'placeholder': 'Placeholders left in values',
  'workload-volume': 'Secrets Store CSI volumes of pods and their classes',
  'workload-service-account': 'ServiceAccounts of pods that sign in with their token',
  'identity-binding-rbac': 'AKS identity binding RBAC for the pods\' ServiceAccounts',
  'federated-credential-budget': 'Federated identity credentials per workload identity',
  'csidriver-audience': 'Token audiences the CSIDriver requests',
  'provider-version': 'Azure provider version',
  'provider-dns-policy': 'Azure provider dnsPolicy for identity binding',
  'provider-host-network': 'Azure provider host network for pod identity',
  'providers-dir': 'Providers directory shared by the driver and the provider',
  'driver-sync-rbac': 'The driver\'s RBAC for syncing Kubernetes Secrets',
  'cloud-environment-file': 'Azure Stack cloud environment file mounted into the provider',
  'input-classes': 'Classes not in the input',
  'input-rbac': 'Identity binding RBAC not in the input',
  'input-csidriver': 'CSIDriver not in the input',
  'input-provider': 'Provider DaemonSet not in the input',
  'input-provider-version': 'Provider version not known',
  'aso-name': 'Azure names of ASO objects: IdentityBinding, FederatedIdentityCredential, RoleAssignment',
  'aso-reference': 'Owners, scopes and references of ASO objects: ARM IDs and resource types',
  'aso-client-id': 'The client ID annotation of the Azure side: one client ID, one identity',
  'aso-federated-credential': 'Federated identity credentials: audience, issuer, ServiceAccount subject',
  'aso-role-assignment': 'Role assignments: principal ID and type',
  'aso-role': 'Key Vault roles: known, least-privilege, on the vault',
  'aso-access-policy': 'Access-policy grants of vaults without RBAC',
  'azure-federated-credential': 'A federated identity credential for each workload identity ServiceAccount',
  'azure-identity-binding': 'An IdentityBinding for each identity-binding class',
  'azure-role-coverage': 'Grants on the vault cover the objects each class reads (no 403)',
  'input-aso': 'Azure side not matched to the classes, or referencing objects not in the input',
  'input-service-accounts': 'ServiceAccounts not in the input',
  'input-skipped': 'Documents and files not checked',
  'input-unchecked': 'Kinds validate has no rules for',
  'input-yaml': 'YAML that could not be read',
  'input-file': 'Files that could not be read',
  'input-encoding': 'Files that are not valid UTF-8, UTF-16 or UTF-32',
  'input-limit': 'Input over a documented limit',
  'input-empty': 'No documents in the input',
  'internal-error': 'validate failed',
  'spc-provider': 'SecretProviderClass provider name',
  'csidriver-pod-info': 'CSIDriver podInfoOnMount for the Azure provider',
  'csidriver-republish': 'CSIDriver requiresRepublish for secret rotation',
}));
