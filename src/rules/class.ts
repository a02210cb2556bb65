import { ClassContext, Finding, ObjectEntry, SecretObjectEntry } from './model';
import { checkObject, checkObjectFiles } from './objects';
import { checkSecretObjects } from './sync';

/**
 * Every object, file and sync rule on one class; fields relative to the class (`objects[1].objectAlias`).
 * An undefined object is one that could not be read (the reader reports it): it keeps its index.
 */
export function checkClassContents(
  objects: readonly (ObjectEntry | undefined)[], secretObjects: SecretObjectEntry[], context: ClassContext,
): Finding[] {
  const read = objects.filter((entry): entry is ObjectEntry => entry !== undefined);
  return [
    ...objects.flatMap((entry, i) => entry ? checkObject(entry, `objects[${i}]`) : []),
    ...checkObjectFiles(objects, context),
    ...checkSecretObjects(secretObjects, read, context),
  ];
}
