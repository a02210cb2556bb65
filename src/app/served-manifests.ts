import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Manifests the library rendered at synth, handed to the object's next `toJson()` so that cdk8s
 * does not resolve the object a second time to write it: mounts resolve each mounted workload
 * once (to apply the mounts to its final containers), and the rendered check renders every
 * library object once (bench/ measures what a second resolve costs).
 *
 * A manifest is served only within the cdk8s call that is synthesizing the app — `App.synth()`,
 * `App.synthYaml()` or `Chart.toJson()` (`Testing.synth`) — and dropped when that call returns:
 * inside it no user code runs between the validation that rendered an object and the chart
 * serialization that writes it, but after it anything may change the object (a test that
 * synthesizes one chart, edits an object of another chart, then synthesizes that one).
 */

interface Served {
  /** The object's own `toJson()`, before the library wrapped it. */
  readonly render: () => any;
  next: any;
}

const SERVED = new WeakMap<ApiObject, Served>();

/** The synth calls under way for one app, and what they serve. */
class SynthCalls {
  /** How deep in App.synth() / App.synthYaml() / Chart.toJson() calls the app is (they nest). */
  public depth = 0;
  public readonly served: ApiObject[] = [];

  /** Ends the outermost call: what was not written is dropped. */
  public drop(): void {
    for (const apiObject of this.served.splice(0)) SERVED.get(apiObject)!.next = undefined;
  }
}

const CALLS = new WeakMap<IConstruct, SynthCalls>();
const WATCHED = new WeakSet<object>();

function callsOf(scope: IConstruct): SynthCalls {
  const root = scope.node.root;
  let calls = CALLS.get(root);
  if (!calls) {
    calls = new SynthCalls();
    CALLS.set(root, calls);
  }
  return calls;
}

/**
 * Notes when cdk8s synthesizes the app of `scope`: its root's `synth()` and `synthYaml()`, and
 * `toJson()` of the chart that holds `scope` (call it for every construct whose objects may be served).
 */
export function watchSynthCalls(scope: IConstruct): void {
  const calls = callsOf(scope);
  const root = scope.node.root as unknown as Record<string, unknown>;
  wrap(root, 'synth', calls);
  wrap(root, 'synthYaml', calls);
  let chart: Chart | undefined;
  try {
    chart = Chart.of(scope);
  } catch {
    chart = undefined; // not in a chart: nothing of it is written
  }
  if (chart) wrap(chart as unknown as Record<string, unknown>, 'toJson', calls);
}

function wrap(owner: Record<string, unknown>, method: string, calls: SynthCalls): void {
  const original = owner[method];
  if (typeof original !== 'function' || WATCHED.has(original)) return;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (calls.depth === 0) calls.drop();
    calls.depth++;
    try {
      return original.apply(this, args);
    } finally {
      calls.depth--;
      if (calls.depth === 0) calls.drop();
    }
  };
  WATCHED.add(wrapped);
  owner[method] = wrapped;
}

/**
 * Makes the object's next `toJson()` return `manifest`, if cdk8s is synthesizing the app (see the
 * file comment); only the next call: any later one renders afresh.
 */
export function serveNextToJson(apiObject: ApiObject, manifest: any): void {
  const calls = callsOf(apiObject);
  if (calls.depth === 0) return;
  let served = SERVED.get(apiObject);
  if (!served) {
    served = { render: apiObject.toJson, next: undefined };
    SERVED.set(apiObject, served);
    apiObject.toJson = servedToJson;
  }
  if (served.next === undefined) calls.served.push(apiObject);
  served.next = manifest;
}

/** One function for every served object (not a closure each: fleet apps serve tens of thousands). */
function servedToJson(this: ApiObject): any {
  const served = SERVED.get(this)!;
  if (served.next === undefined) return served.render.call(this);
  const next = served.next;
  served.next = undefined;
  return next;
}

/** The manifest the object's next `toJson()` returns: the served one, without consuming it, else a fresh render. */
export function renderedManifest(apiObject: ApiObject): any {
  return SERVED.get(apiObject)?.next ?? apiObject.toJson();
}

/** The object's own `toJson()`, not the library's wrapper (a typed object's schema-ordered one, for instance). */
export function ownToJson(apiObject: ApiObject): () => any {
  return SERVED.get(apiObject)?.render ?? apiObject.toJson;
}
