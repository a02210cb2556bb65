import { CheckFinding, Manifest, ManifestSource, note } from './finding';
import { SourceDocument } from './source';
import { describeUsers } from '../rules/cluster';

/**
 * Documents into Kubernetes objects, for `validate` and `azure-cli` alike: each document or the
 * items of a `List` (`kubectl get -o yaml`), with a note for what is skipped and why.
 */

/** A note about one document (its first occurrence when it stands for several). */
export function locatedNote(ruleId: string, doc: ManifestSource, nodePath: (string | number)[], rule: string, fix: string): CheckFinding {
  return { ...note(ruleId, rule, fix), file: doc.file, document: doc.index, region: doc.region(nodePath) };
}

/**
 * `group/version` or `version`, as the API server accepts it: a version is a DNS-1035 label
 * (`v1`, `v1beta1`, and CRD versions such as ASO's `v1api20220401`).
 */
const API_VERSION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The Kubernetes objects of the documents (the items of a `List` too), and a note for each kind of
 * document that is skipped: not an object, no kind or apiVersion, an apiVersion that is a
 * template (`$API_VERSION`, as the driver's own test files write it).
 */
export function manifestsOf(docs: readonly SourceDocument[]): { manifests: Manifest[]; notes: CheckFinding[]; templatedClasses: Manifest[] } {
  const manifests: Manifest[] = [];
  const templatedClasses: Manifest[] = [];
  const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const skipped = new Map<string, { docs: SourceDocument[]; what: string[]; path: (string | number)[] }>();
  const skip = (reason: string, doc: SourceDocument, what: string, path: (string | number)[] = []) => {
    const entry = skipped.get(reason) ?? { docs: [], what: [], path };
    entry.docs.push(doc);
    entry.what.push(what);
    skipped.set(reason, entry);
  };
  const add = (doc: SourceDocument, base: (string | number)[], body: Record<string, any>) => {
    const m = new Manifest(doc, base, body);
    const where = `${doc.file} (document ${doc.index}${base.length ? `, ${base.join('[')}]` : ''})`;
    if (m.kind === '' || m.apiVersion === '') {skip('no-kind', doc, where);} else if (!API_VERSION.test(m.apiVersion)) {
      skip('template', doc, `${m.kind} ${m.id || '(no name)'} with apiVersion "${m.apiVersion}" in ${where}`, [...base, 'apiVersion']);
      if (m.kind === 'SecretProviderClass' && m.name) templatedClasses.push(m);
    } else {manifests.push(m);}
  };
  for (const doc of docs) {
    const value = doc.value;
    if (value === null) continue; // `--- ~` or `---` followed by a comment: an empty document
    if (!isObject(value)) {
      skip('not-object', doc, `${doc.file} (document ${doc.index}: ${Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'a string' : value === null ? 'null' : `a ${typeof value}`})`);
      continue;
    }
    // `kubectl get -o yaml` wraps objects in a List (kind List, or <Kind>List).
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, i: number) => {
        if (isObject(item)) add(doc, ['items', i], item);
        else skip('not-object', doc, `${doc.file} (document ${doc.index}, items[${i}])`);
      });
    } else {
      add(doc, [], value);
    }
  }
  const reasons: Record<string, [string, string]> = {
    'not-object': ['that are not Kubernetes objects (a list, a string or a number at the top)', 'remove them, or render the templates that should make objects of them'],
    'no-kind': ['without kind or apiVersion', 'set kind and apiVersion (kubectl refuses an object without them)'],
    'template': ['whose apiVersion is not a group/version, e.g. an unrendered template ($API_VERSION, {{ … }})', 'render the templates (envsubst, helm template) before validating'],
  };
  const notes: CheckFinding[] = [];
  for (const [reason, { docs: where, what, path }] of skipped) {
    const [why, fix] = reasons[reason];
    notes.push(locatedNote('input-skipped', where[0], path, `${what.length === 1 ? 'a document' : `${what.length} documents`} ${why} ${what.length === 1 ? 'was' : 'were'} not checked: ${describeUsers(what)}`, fix));
  }
  return { manifests, notes, templatedClasses };
}

