import { Manifest } from './finding';
import { SourceDocument } from './source';

/** The Kubernetes objects of the documents: each document, or the items of a `List` (`kubectl get -o yaml`). */
export function manifestsOf(docs: readonly SourceDocument[]): Manifest[] {
  const manifests: Manifest[] = [];
  const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);
  for (const doc of docs) {
    const value = doc.value;
    if (!isObject(value)) continue;
    // `kubectl get -o yaml` wraps objects in a List (kind List, or <Kind>List).
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, i: number) => {
        if (isObject(item)) manifests.push(new Manifest(doc, ['items', i], item));
      });
    } else {
      manifests.push(new Manifest(doc));
    }
  }
  return manifests;
}
