import { IConstruct } from 'constructs';
import { describeViolation, Finding, Violation } from '../rules/model';

/**
 * How constructs report a broken rule: the rule's message prefixed with the construct path, in
 * the `[path] message` shape cdk8s uses for validation errors.
 */

/** The message for a violation with the construct path. */
export function problem(scope: IConstruct, field: string, value: unknown, violation: Violation): string {
  return `[${scope.node.path}] ${describeViolation(field, value, violation)}`;
}

/** Throws when `violation` is set: eager validation of a single value. */
export function check(scope: IConstruct, field: string, value: unknown, violation: Violation | undefined): void {
  if (violation) {
    throw new Error(problem(scope, field, value, violation));
  }
}

/** The first finding as an eager error; `rename` maps the model's field names to the construct's props. */
export function checkFindings(scope: IConstruct, findings: readonly Finding[], rename: (field: string) => string = f => f): void {
  const first = findings[0];
  if (first) throw new Error(problem(scope, rename(first.field), first.value, first));
}

/** Findings as `addValidation` messages; `rename` maps field names to the construct's props. */
export function describeFindings(findings: readonly Finding[], rename: (field: string) => string = f => f): string[] {
  return findings.map(f => describeViolation(rename(f.field), f.value, f));
}
