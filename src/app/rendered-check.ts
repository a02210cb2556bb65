import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { renderedManifest, serveNextToJson } from './served-manifests';
import { checkManifests } from '../check/checker';
import { CheckFinding, Manifest, ManifestSource, messageOf } from '../check/finding';
import { Finding } from '../rules/model';

/**
 * Constructs check what they render: at synth, the manifests of the library's constructs (after
 * JSON patches and escape-hatch edits) go through the checker that `validate` runs, one cluster
 * at a time, and each finding becomes a synth error of the construct that rendered the object —
 * in the words `validate` would print. Eager prop checks catch mistakes earlier and more
 * precisely; this catches what changes the manifest afterwards.
 */

/** A construct whose rendered objects are checked, and the cluster they deploy to. */
export interface RenderedOwner {
  readonly scope: IConstruct;
  readonly cluster: string;
  /** The objects the construct renders (read at synth). */
  readonly objects: () => readonly ApiObject[];
}

/** A finding of the rendered check, as a construct reports it. */
export interface RenderedFinding extends Finding {
  readonly ruleId: string;
  /** `[Kind namespace/name] field "value" is invalid: rule. Fix: fix.` */
  readonly message: string;
}

/**
 * Rules the rendered check leaves out: whose verdict depends on what else is in the input (a cdk8s
 * app is one input among several applied to a cluster), and the credential budget, which the
 * constructs count across the whole app with the same rule function.
 */
const LEFT_TO_OTHERS = new Set(['workload-service-account', 'federated-credential-budget']);

/** A rendered object as a checker document: no file positions; `file` names the owner. */
class RenderedDocument implements ManifestSource {
  constructor(public readonly file: string, public readonly index: number, public readonly value: unknown) {}
  public region(): undefined {
    return undefined;
  }
  public regionInBlock(): undefined {
    return undefined;
  }
}

/**
 * Renders each owner's objects, checks them per cluster, and returns the findings per owner.
 * @param changed called when a checked object gets a JSON patch later, so the check runs again
 */
export function checkRendered(owners: readonly RenderedOwner[], changed: () => void): Map<IConstruct, RenderedFinding[]> {
  const byCluster = new Map<string, Manifest[]>();
  const ownerOf = new Map<string, IConstruct>();
  for (const owner of owners) {
    const manifests = byCluster.get(owner.cluster) ?? [];
    byCluster.set(owner.cluster, manifests);
    const path = owner.scope.node.path;
    ownerOf.set(path, owner.scope);
    const objects = owner.objects();
    for (let index = 0; index < objects.length; index++) {
      const apiObject = objects[index];
      watchPatches(apiObject, changed);
      const manifest = renderedManifest(apiObject);
      serveNextToJson(apiObject, manifest); // cdk8s writes it right after validating: rendered once
      manifests.push(new Manifest(new RenderedDocument(path, index, manifest)));
    }
  }
  const result = new Map<IConstruct, RenderedFinding[]>();
  for (const manifests of byCluster.values()) {
    for (const f of checkManifests(manifests)) {
      if (f.severity === 'note' || LEFT_TO_OTHERS.has(f.ruleId) || f.file === undefined) continue;
      const owner = ownerOf.get(f.file)!;
      result.set(owner, [...result.get(owner) ?? [], asFinding(f)]);
    }
  }
  return result;
}

/** The objects the check watches for JSON patches: their own `addJsonPatch`, and whom to tell. */
const WATCHED = new WeakMap<ApiObject, { readonly addJsonPatch: ApiObject['addJsonPatch']; readonly changed: () => void }>();

/** Calls `changed` when the object gets a JSON patch (e.g. between two synths of a test). */
function watchPatches(apiObject: ApiObject, changed: () => void): void {
  if (WATCHED.has(apiObject)) return;
  WATCHED.set(apiObject, { addJsonPatch: apiObject.addJsonPatch, changed });
  apiObject.addJsonPatch = watchedAddJsonPatch;
}

/** One function for every watched object (not a closure each). */
function watchedAddJsonPatch(this: ApiObject, ...ops: JsonPatch[]): void {
  const watched = WATCHED.get(this)!;
  watched.changed();
  watched.addJsonPatch.apply(this, ops);
}

function asFinding(f: CheckFinding): RenderedFinding {
  return {
    ruleId: f.ruleId,
    field: f.field,
    value: f.value,
    rule: f.rule,
    fix: f.fix,
    severity: f.severity === 'warning' ? 'warning' : 'error',
    message: `[${f.kind} ${f.object}] ${messageOf(f)}`,
  };
}
