import { Door } from './cluster';
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

/** A class writes at least one object: with none the mount succeeds and is empty. */
export function classWritesObjects(count: number, door: Door, field: string): Finding | undefined {
  if (count > 0) return undefined;
  return {
    ruleId: 'spc-objects',
    field,
    value: door === 'construct' ? [] : 'array:\n',
    severity: 'error',
    rule: 'a class must write at least one object (with none the mount succeeds but is empty)',
    fix: door === 'construct' ? 'pass `objects` or call addObject(KeyVaultObject.secret("name"))' : 'add a `- |` block with objectName and objectType',
  };
}
