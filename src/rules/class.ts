import { ClassContext, Finding, ObjectEntry, SecretObjectEntry } from './model';
import { checkObject, checkObjectFiles } from './objects';
import { checkSecretObjects } from './sync';

/** Every object, file and sync rule on one class; fields relative to the class (`objects[1].objectAlias`). */
export function checkClassContents(objects: ObjectEntry[], secretObjects: SecretObjectEntry[], context: ClassContext): Finding[] {
  return [
    ...objects.flatMap((entry, i) => checkObject(entry, `objects[${i}]`)),
    ...checkObjectFiles(objects, context),
    ...checkSecretObjects(secretObjects, objects, context),
  ];
}
