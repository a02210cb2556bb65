import { ClassContext, Finding, ObjectEntry, SecretObjectEntry } from '../rules/model';
import { checkObject, checkObjectFiles } from '../rules/objects';
import { checkSecretObjects } from '../rules/sync';

// The class-content rules of src/rules (objects, files, synced secrets), which the constructs call too.

export { ClassContext };

/** Every object, file and sync rule on one class; fields relative to the class (`objects[1].objectAlias`). */
export function checkClassContents(objects: ObjectEntry[], secretObjects: SecretObjectEntry[], context: ClassContext): Finding[] {
  return [
    ...objects.flatMap((entry, i) => checkObject(entry, `objects[${i}]`)),
    ...checkObjectFiles(objects, context),
    ...checkSecretObjects(secretObjects, objects, context),
  ];
}
