import { CheckResult } from './checker';
import { CheckFinding, messageOf } from './finding';

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
  const count = (s: string) => result.findings.filter(f => f.severity === s).length;
  return { errors: count('error'), warnings: count('warning'), notes: count('note'), documents: result.documents };
}

export function render(result: CheckResult, format: Format, version: string): string {
  switch (format) {
    case 'json': return JSON.stringify(toJson(result, version), null, 2) + '\n';
    case 'sarif': return JSON.stringify(toSarif(result, version), null, 2) + '\n';
    default: return toText(result);
  }
}

function where(f: CheckFinding): string {
  if (f.file === undefined) return '';
  const at = f.region ? `:${f.region.startLine}:${f.region.startColumn}` : '';
  return `${f.file}${at}: `;
}

function toText(result: CheckResult): string {
  const lines = result.findings.map(f => {
    const object = f.kind ? `[${f.kind} ${f.object}] ` : '';
    return `${where(f)}${f.severity}: ${object}${messageOf(f)} (${f.ruleId})`;
  });
  const s = summarize(result);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notes, 'note')} in ${plural(s.documents, 'document')}`);
  return lines.join('\n') + '\n';
}

/** The `--format json` shape (version 1): stable, documented in the README. */
export function toJson(result: CheckResult, version: string) {
  return {
    version: 1,
    tool: { name: TOOL, version },
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
      value: f.value === undefined ? null : f.value,
      rule: f.rule,
      fix: f.fix,
      message: messageOf(f),
    })),
  };
}

/** SARIF 2.1.0: one result per finding, located on the offending node. */
export function toSarif(result: CheckResult, version: string) {
  const ruleIds = [...new Set(result.findings.map(f => f.ruleId))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL,
          version,
          informationUri: INFORMATION_URI,
          rules: ruleIds.map(id => ({ id, shortDescription: { text: RULE_DESCRIPTIONS[id] ?? id } })),
        },
      },
      results: result.findings.map(f => ({
        ruleId: f.ruleId,
        ruleIndex: ruleIds.indexOf(f.ruleId),
        level: f.severity,
        message: { text: `${f.kind ? `[${f.kind} ${f.object}] ` : ''}${messageOf(f)}` },
        ...(f.file === undefined ? {} : {
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: f.file.split('\\').join('/').replace(/^\.\//, '') },
              ...(f.region ? { region: { ...f.region } } : {}),
            },
          }],
        }),
      })),
    }],
  };
}

/** What each rule family checks (SARIF rule descriptions). */
const RULE_DESCRIPTIONS: Record<string, string> = {
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
};
