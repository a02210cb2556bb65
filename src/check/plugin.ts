import { check } from './checker';
import { escapeText } from './escape';
import { messageOf } from './finding';
import { readInputs } from './source';

/**
 * The manifest checker as a `cdk8s synth` validation plugin (cdk8s.yaml `validations:`). cdk8s-cli
 * constructs the class with the entry's `properties` and calls `validate(context)`; the context's
 * shape is declared here (cdk8s-cli is not a runtime dependency), as in cdk8s-cli's
 * `lib/plugins/validation.d.ts`.
 */

/** Properties of the validation plugin (the `properties` of the cdk8s.yaml entry). */
export interface KeyVaultCsiValidationProps {
  /**
   * Whether warnings fail `cdk8s synth` too.
   *
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/** A resource that breaks a rule (cdk8s-cli's `ValidationViolatingResource`). */
export interface ValidationViolatingResource {
  /** `metadata.name`: cdk8s-cli maps it to the construct path. */
  readonly resourceName: string;
  /** Fields that break the rule. */
  readonly locations: string[];
  /** The manifest file. */
  readonly manifestPath: string;
}

/** A broken rule (cdk8s-cli's `ValidationViolation`). */
export interface ValidationViolation {
  /** Name of the rule. */
  readonly ruleName: string;
  /** What is wrong. */
  readonly recommendation: string;
  /** How to fix it. */
  readonly fix: string;
  /** The resources that break it. */
  readonly violatingResources: ValidationViolatingResource[];
}

/** The report a plugin fills (cdk8s-cli's `ValidationReport`). */
export interface IValidationReport {
  /** Adds a violation. */
  addViolation(violation: ValidationViolation): void;
  /** Ends the report: "success" or "failure". */
  submit(status: string, metadata?: { [key: string]: string }): void;
}

/** cdk8s-cli's `ValidationLogger`. */
export interface IValidationLogger {
  /** Logs a message. */
  log(message: string): void;
}

/** What cdk8s-cli passes to `validate` (its `ValidationContext`). */
export interface IValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: string[];
  /** The report to fill. */
  readonly report: IValidationReport;
  /**
   * Logger for messages that are not violations.
   *
   * @default - console
   */
  readonly logger?: IValidationLogger;
}

/**
 * Validation plugin for `cdk8s synth`: runs the manifest checker (the rules of the constructs,
 * plus the rules between objects) on everything the app synthesizes, including objects the
 * library did not write. Errors fail the synth; warnings are reported.
 *
 * cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-azure-keyvault-csi
 *     version: 0.0.0
 *     class: KeyVaultCsiValidation
 * ```
 */
export class KeyVaultCsiValidation {
  private readonly failOnWarnings: boolean;

  constructor(props: KeyVaultCsiValidationProps = {}) {
    this.failOnWarnings = props.failOnWarnings ?? false;
  }

  /** Checks `context.manifests` and submits the report. */
  public async validate(context: IValidationContext): Promise<void> {
    const log = (message: string) => context.logger ? context.logger.log(message) : console.log(message);
    // Input problems (a manifest that cannot be read) are error findings without an object.
    const findings = check(readInputs(context.manifests)).findings;
    let failed = false;
    for (const f of findings) {
      if (f.severity === 'note') {
        log(`cdk8s-azure-keyvault-csi: note: ${escapeText(messageOf(f))}`);
        continue;
      }
      failed = failed || f.severity === 'error' || this.failOnWarnings;
      context.report.addViolation({
        ruleName: `${f.ruleId} (${f.severity})`,
        // The fix has its own column in cdk8s's report.
        recommendation: escapeText(`${f.kind ? `[${f.kind} ${f.object}] ` : ''}${messageOf(f).slice(0, -(` Fix: ${f.fix}.`.length))}`),
        fix: f.fix,
        violatingResources: [{
          resourceName: f.name ?? '',
          locations: [f.region ? `${f.field} (line ${f.region.startLine})` : f.field],
          manifestPath: f.file ?? '',
        }],
      });
    }
    const count = (s: string) => String(findings.filter(f => f.severity === s).length);
    context.report.submit(failed ? 'failure' : 'success', { errors: count('error'), warnings: count('warning'), notes: count('note') });
  }
}
