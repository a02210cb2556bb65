import { federatedCredentialBudget } from '../rules/identity';
import { ClassContext, Finding, ObjectEntry, SecretObjectEntry } from '../rules/model';
import { checkObject, checkObjectFiles } from '../rules/objects';
import { checkSecretObjects } from '../rules/sync';
import { placeholder, Violation } from '../validation';

/**
 * The class-content rules of src/rules (objects, files, synced secrets, credential budget) and the
 * placeholder rule of src/validation.ts, as the checker calls them: the constructs call the same.
 */
export { ClassContext };

/** Every object, file and sync rule on one class; fields relative to the class (`objects[1].objectAlias`). */
export function checkClassContents(objects: ObjectEntry[], secretObjects: SecretObjectEntry[], context: ClassContext): Finding[] {
  return [
    ...objects.flatMap((entry, i) => checkObject(entry, `objects[${i}]`)),
    ...checkObjectFiles(objects, context),
    ...checkSecretObjects(secretObjects, objects, context),
  ];
}

/** A placeholder left in a value (`<client id>`, `${TENANT_ID}`, `$KEYVAULT_NAME`, `tid`). */
export function placeholderIn(value: string): Violation | undefined {
  return placeholder(value);
}

/** Entra ID's federated credential limit for one workload identity client ID. */
export function credentialBudget(clientId: string, subjects: number, identityBindingOnSameIdentity: boolean): Finding | undefined {
  return federatedCredentialBudget(clientId, subjects, identityBindingOnSameIdentity);
}
