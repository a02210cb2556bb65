
import { MAX_SHOWN_VALUE_CHARS } from './limits';
import type { NodePath, Region } from './location';
import { describeViolation, fieldOf, ManifestFinding, Violation } from '../rules/model';

/**
 * What the checker reports: one broken rule at one field of one manifest, in the words of
 * `describeViolation` (the same as the constructs' errors), plus where it is.
 */

/** error: the mount or sync fails (exit 1); warning: works by accident or is deprecated; note: could not check. */
export type Severity = 'error' | 'warning' | 'note';

export interface CheckFinding {
  readonly severity: Severity;
  /** Stable identifier of the rule family (SARIF `ruleId`), e.g. `spc-objects`. */
  readonly ruleId: string;
  /** The file (`stdin` for "-"); absent for notes about the input as a whole. */
  readonly file?: string;
  /** 0-based document index in the file. */
  readonly document?: number;
  readonly apiVersion?: string;
  readonly kind?: string;
  /** `namespace/name`, or `name` without a namespace. */
  readonly object?: string;
  /** `metadata.name` (the cdk8s plugin maps it to the construct path). */
  readonly name?: string;
  /** Path from the document root, e.g. `spec.parameters.objects[1].objectAlias`. */
  readonly field: string;
  readonly value: unknown;
  readonly rule: string;
  readonly fix: string;
  readonly region?: Region;
}

/**
 * The finding's message without location: `field "value" is invalid: rule. Fix: fix.`; notes and
 * findings about the input as a whole (no field) are `rule. Fix: fix.` The value is shown at most
 * `MAX_SHOWN_VALUE_CHARS` long, so a message stays short whatever the input holds.
 */
export function messageOf(finding: CheckFinding): string {
  if (finding.severity === 'note' || finding.field === '') return `${finding.rule}. Fix: ${finding.fix}.`;
  return describeViolation(finding.field, shownValue(finding.value), finding);
}

/**
 * A value as reports show it: itself when its JSON is short, else its JSON cut to
 * `MAX_SHOWN_VALUE_CHARS` characters (a string), computed without serializing all of it.
 */
export function shownValue(value: unknown, max = MAX_SHOWN_VALUE_CHARS): unknown {
  const json = boundedJson(value, max);
  return json.length <= max ? value : `${json.slice(0, max)}… (${json.length >= max * 2 ? 'more than ' : ''}${json.length} characters of JSON; cut)`;
}

/**
 * A value from the input as text where a string is expected: itself, a number or boolean as
 * written, "" for null, and a collection as its (bounded) JSON. Never throws: `String()` throws on
 * a mapping without a prototype.
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return boundedJson(value, MAX_SHOWN_VALUE_CHARS).slice(0, MAX_SHOWN_VALUE_CHARS);
  return String(value);
}

/** JSON of a value, stopping soon after `max` characters: iterative, and lazy over long lists and mappings. */
function boundedJson(value: unknown, max: number): string {
  let out = '';
  type Frame = { readonly close: string; readonly next: () => [string, unknown] | undefined };
  const frames: Frame[] = [];
  let pending: { value: unknown } | undefined = { value };
  while (out.length <= max * 2) {
    if (pending) {
      const item = pending.value;
      pending = undefined;
      if (Array.isArray(item)) {
        let i = 0;
        out += '[';
        frames.push({ close: ']', next: () => i < item.length ? [i++ ? ',' : '', item[i - 1]] : undefined });
      } else if (typeof item === 'object' && item !== null) {
        const keys = Object.keys(item);
        let i = 0;
        out += '{';
        frames.push({ close: '}', next: () => i < keys.length ? [`${i++ ? ',' : ''}${JSON.stringify(keys[i - 1])}:`, (item as Record<string, unknown>)[keys[i - 1]]] : undefined });
      } else {
        const cut = typeof item === 'string' && item.length > max * 2 ? item.slice(0, max * 2) : item;
        out += cut === undefined ? 'null' : JSON.stringify(cut) ?? 'null';
      }
      continue;
    }
    const frame = frames[frames.length - 1];
    if (!frame) break;
    const next = frame.next();
    if (next) {
      out += next[0];
      pending = { value: next[1] };
    } else {
      out += frame.close;
      frames.pop();
    }
  }
  return out;
}

/**
 * Where a manifest comes from: a YAML document of an input file (`SourceDocument`), or an object
 * a construct rendered at synth (no file; `file` names the construct).
 */
export interface ManifestSource {
  /** The file, or the path of the construct that rendered the object. */
  readonly file: string;
  /** 0-based index of the document in the file. */
  readonly index: number;
  /** The document as plain JavaScript values. */
  readonly value: unknown;
  /** Where a path is in the file, if the source has positions. */
  region(nodePath: NodePath): Region | undefined;
  /** Where a line of a literal block string is (see `SourceDocument.regionInBlock`). */
  regionInBlock(nodePath: NodePath, line: number, column: number, length: number): Region | undefined;
}

/** A Kubernetes object read from one document. */
export class Manifest {
  public readonly apiVersion: string;
  public readonly kind: string;
  public readonly name: string;
  /** Absent: the namespace `kubectl apply` targets. */
  public readonly namespace?: string;
  public readonly body: any;

  /**
   * @param base where the object is in its document: [] for a document of its own, ["items", i]
   *   for an item of a `List` (`kubectl get -o yaml`)
   */
  constructor(public readonly source: ManifestSource, private readonly base: NodePath = [], body: any = source.value) {
    this.body = body;
    this.apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
    this.kind = typeof body.kind === 'string' ? body.kind : '';
    this.name = typeof body.metadata?.name === 'string' ? body.metadata.name : '';
    this.namespace = typeof body.metadata?.namespace === 'string' && body.metadata.namespace !== '' ? body.metadata.namespace : undefined;
  }

  /** Where a path of this object is in its file. */
  public region(nodePath: NodePath): Region | undefined {
    return this.source.region([...this.base, ...nodePath]);
  }

  /** Where a line of a literal block string at `nodePath` is (see `SourceDocument.regionInBlock`). */
  public regionInBlock(nodePath: NodePath, line: number, column: number, length: number): Region | undefined {
    return this.source.regionInBlock([...this.base, ...nodePath], line, column, length);
  }

  /** `namespace/name`, or `name`. */
  public get id(): string {
    return this.namespace ? `${this.namespace}/${this.name}` : this.name;
  }

  /** A manifest rule's finding, located in this manifest (`region` overrides the path's). */
  public findingOf(finding: ManifestFinding, region?: Region): CheckFinding {
    return this.finding(finding.severity, finding.ruleId, finding.path, finding.value, finding, region);
  }

  /** A finding at `nodePath` of this manifest. */
  public finding(severity: Severity, ruleId: string, nodePath: NodePath, value: unknown, violation: Violation, region?: Region): CheckFinding {
    return {
      severity,
      ruleId,
      file: this.source.file,
      document: this.source.index,
      apiVersion: this.apiVersion,
      kind: this.kind,
      object: this.id,
      name: this.name,
      field: fieldOf(nodePath),
      value,
      rule: violation.rule,
      fix: violation.fix,
      region: region ?? this.region(nodePath),
    };
  }
}

/** A note about the input as a whole (what could not be checked, and why). */
export function note(ruleId: string, rule: string, fix: string): CheckFinding {
  return { severity: 'note', ruleId, field: '', value: undefined, rule, fix };
}
