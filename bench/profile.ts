/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) into what the benchmark report needs: the functions
 * with the most self time, and self and inclusive time per package (library source, cdk8s,
 * cdk8s-plus-27, yaml, node internals, GC).
 */
import * as path from 'path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

/** The parts of a V8 CPU profile read here. */
export interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly topFunctions: { name: string; where: string; selfMs: number; percent: number }[];
  readonly packages: { name: string; selfMs: number; inclusiveMs: number }[];
  /** Library functions by inclusive time (everything they call counted). */
  readonly libraryInclusive: { name: string; where: string; inclusiveMs: number }[];
  /**
   * cdk8s's synth steps (functions of cdk8s/lib/app.js and the chart's `toJson`) by inclusive
   * time, and how much of each has library code on the stack: `validate` runs once per synth and
   * once more per chart, and the library's share of it is what its validations cost.
   */
  readonly cdk8sSteps: { name: string; inclusiveMs: number; libraryMs: number }[];
}

/** The cdk8s functions reported as steps: file (under cdk8s/lib/) and function name. */
const CDK8S_STEPS = [
  ['app.js', 'synth'], ['app.js', '_synthChart'], ['app.js', 'validate'], ['app.js', 'resolveDependencies'],
  ['app.js', 'chartToKube'], ['chart.js', 'toJson'], ['api-object.js', 'toJson'], ['yaml.js', 'save'],
] as const;

const TOP = 20;

export function summarizeProfile(profile: CpuProfile, buildDir: string): ProfileSummary {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Sample i lasts until sample i+1 (the last one gets no time).
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length - 1; i++) {
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i + 1]);
  }

  const where = (frame: CallFrame) => {
    if (!frame.url) return '';
    const file = frame.url.replace(/^file:\/\//, '');
    const relative = file.startsWith(buildDir) ? path.relative(buildDir, file) : file.replace(/^.*node_modules\//, '');
    return `${relative}:${frame.lineNumber + 1}`;
  };
  const packageOf = (frame: CallFrame) => {
    const url = frame.url.replace(/^file:\/\//, '');
    if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
    if (url.startsWith('node:')) return 'node internals';
    if (url.startsWith(buildDir)) return path.relative(buildDir, url).split(path.sep)[0] === 'src' ? 'library (src/)' : path.relative(buildDir, url).split(path.sep)[0];
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    return match ? match[1] : url;
  };

  // The library's wrapper around cdk8s's synth calls (src/app/served-manifests.ts) only counts how
  // deep they nest: it is on every synth stack, and counting it would put all of synth under the library.
  const isPassThrough = (frame: CallFrame) => frame.functionName === 'wrapped' && where(frame).startsWith(path.join('src', 'app', 'served-manifests'));

  const functions = new Map<string, { name: string; where: string; selfUs: number }>();
  const packages = new Map<string, { selfUs: number; inclusiveUs: number }>();
  const libraryInclusive = new Map<string, { name: string; where: string; inclusiveUs: number }>();
  const steps = new Map<string, { inclusiveUs: number; libraryUs: number }>();
  const stepOf = (frame: CallFrame) => {
    const url = frame.url.replace(/^file:\/\//, '');
    const match = /node_modules\/cdk8s\/lib\/([^/]+)$/.exec(url);
    const step = match && CDK8S_STEPS.find(([file, name]) => file === match[1] && name === frame.functionName);
    return step ? `${step[1]} (${step[0]})` : undefined;
  };
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName}@${where(frame)}`;
    const f = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where: where(frame), selfUs: 0 };
    f.selfUs += us;
    functions.set(key, f);

    const pkg = packageOf(frame);
    const p = packages.get(pkg) ?? { selfUs: 0, inclusiveUs: 0 };
    p.selfUs += us;
    packages.set(pkg, p);

    // Inclusive: every package and library function on the stack, counted once per sample.
    const seenPackages = new Set<string>();
    const seenFunctions = new Set<string>();
    const seenSteps = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f2 = byId.get(n)!.callFrame;
      if (isPassThrough(f2)) continue;
      const pkg2 = packageOf(f2);
      const step = stepOf(f2);
      if (step) seenSteps.add(step);
      if (!seenPackages.has(pkg2)) {
        seenPackages.add(pkg2);
        const entry = packages.get(pkg2) ?? { selfUs: 0, inclusiveUs: 0 };
        entry.inclusiveUs += us;
        packages.set(pkg2, entry);
      }
      if (pkg2 === 'library (src/)') {
        const k = `${f2.functionName}@${where(f2)}`;
        if (!seenFunctions.has(k)) {
          seenFunctions.add(k);
          const entry = libraryInclusive.get(k) ?? { name: f2.functionName || '(anonymous)', where: where(f2), inclusiveUs: 0 };
          entry.inclusiveUs += us;
          libraryInclusive.set(k, entry);
        }
      }
    }
    for (const step of seenSteps) {
      const entry = steps.get(step) ?? { inclusiveUs: 0, libraryUs: 0 };
      entry.inclusiveUs += us;
      if (seenPackages.has('library (src/)')) entry.libraryUs += us;
      steps.set(step, entry);
    }
  }

  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    totalMs: ms(totalUs),
    topFunctions: [...functions.values()].sort((a, b) => b.selfUs - a.selfUs).slice(0, TOP)
      .map(f => ({ name: f.name, where: f.where, selfMs: ms(f.selfUs), percent: Math.round(f.selfUs / totalUs * 1000) / 10 })),
    packages: [...packages.entries()].sort((a, b) => b[1].inclusiveUs - a[1].inclusiveUs)
      .map(([name, p]) => ({ name, selfMs: ms(p.selfUs), inclusiveMs: ms(p.inclusiveUs) })),
    libraryInclusive: [...libraryInclusive.values()].sort((a, b) => b.inclusiveUs - a.inclusiveUs).slice(0, TOP)
      .map(f => ({ name: f.name, where: f.where, inclusiveMs: ms(f.inclusiveUs) })),
    cdk8sSteps: [...steps.entries()].sort((a, b) => b[1].inclusiveUs - a[1].inclusiveUs)
      .map(([name, step]) => ({ name, inclusiveMs: ms(step.inclusiveUs), libraryMs: ms(step.libraryUs) })),
  };
}
