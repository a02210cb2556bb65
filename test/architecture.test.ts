import * as fs from 'fs';
import * as path from 'path';

// The layout names the architecture (DESIGN.md): facts ← rules ← check (the validate command loads
// neither cdk8s nor constructs), and app ← consume, install, azure (the constructs). These tests read
// every import of src/ and fail on a cycle or on an import against that direction.

const SRC = path.join(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Module → the modules and packages it imports (type-only imports too: a cycle of types is still a cycle to read). */
function imports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = fs.readFileSync(file, 'utf-8');
    const specs = [...text.matchAll(/^import[^;]*?from '([^']+)';/gms)].map(m => m[1]);
    graph.set(file, specs.map(spec => {
      if (!spec.startsWith('.')) return spec;
      const target = path.resolve(path.dirname(file), spec);
      return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
    }));
  }
  return graph;
}

const folder = (file: string) => path.relative(SRC, file).split(path.sep)[0];

test('no import cycle in src/', () => {
  const graph = imports();
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].map(f => path.relative(SRC, f)).join(' → '));
      return;
    }
    state.set(file, 'visiting');
    for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});

test.each([
  ['facts', ['rules', 'check', 'app', 'consume', 'install', 'azure']],
  ['rules', ['check', 'app', 'consume', 'install', 'azure']],
  ['check', ['app', 'consume', 'install', 'azure']],
  ['app', ['consume', 'install', 'azure']],
])('src/%s imports none of %j', (from, forbidden) => {
  const wrong = [...imports()].filter(([file]) => folder(file) === from)
    .flatMap(([file, deps]) => deps.filter(d => d.startsWith(SRC) && forbidden.includes(folder(d))).map(d => `${path.relative(SRC, file)} → ${path.relative(SRC, d)}`));
  expect(wrong).toEqual([]);
});

test.each(['facts', 'rules', 'check'])('src/%s loads neither cdk8s, cdk8s-plus nor constructs (the validate command runs without them)', from => {
  const wrong = [...imports()].filter(([file]) => folder(file) === from)
    .flatMap(([file, deps]) => deps.filter(d => /^(cdk8s|cdk8s-plus-\d+|constructs)$/.test(d)).map(d => `${path.relative(SRC, file)} → ${d}`));
  expect(wrong).toEqual([]);
});
