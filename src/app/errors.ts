import { IConstruct } from 'constructs';
import { AppRegistry } from './registry';
import { describeFinding, Finding } from '../rules/model';

/**
 * How constructs report a broken rule: the rule's message prefixed with the construct path, in
 * the `[path] message` shape cdk8s uses for validation errors.
 */

/** The message of a finding with the construct path. */
export function problem(scope: IConstruct, finding: Finding): string {
  return `[${scope.node.path}] ${describeFinding(finding)}`;
}

/** Throws the first finding, if any: eager validation. */
export function check(scope: IConstruct, findings: Finding | readonly (Finding | undefined)[] | undefined): void {
  const first = isFindingList(findings) ? findings.find(f => f !== undefined) : findings;
  if (first) throw new Error(problem(scope, first));
}

function isFindingList(findings: Finding | readonly (Finding | undefined)[] | undefined): findings is readonly (Finding | undefined)[] {
  return Array.isArray(findings);
}

/** The first finding as an eager error; `rename` maps the model's field names to the construct's props. */
export function checkFindings(scope: IConstruct, findings: readonly Finding[], rename: (field: string) => string = f => f): void {
  const first = findings[0];
  if (first) throw new Error(problem(scope, { ...first, field: rename(first.field) }));
}

/** Findings as `addValidation` messages (cdk8s adds the path); `rename` maps field names to the construct's props. */
export function describeFindings(findings: readonly Finding[], rename: (field: string) => string = f => f): string[] {
  return findings.map(f => describeFinding({ ...f, field: rename(f.field) }));
}

/**
 * @internal
 * A construct's synth errors: its own cross-checks (fixes naming its props), then what the
 * rendered check found in its objects for rules the cross-checks did not already report.
 */
export function withRenderedFindings(scope: IConstruct, own: readonly Finding[]): string[] {
  const messages: string[] = [];
  const reported = new Set<string | undefined>();
  for (const finding of own) {
    messages.push(describeFinding(finding));
    reported.add(finding.ruleId);
  }
  for (const finding of AppRegistry.of(scope).findingsOf(scope)) {
    if (!reported.has(finding.ruleId)) messages.push(finding.message);
  }
  return messages;
}
