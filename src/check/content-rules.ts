import { ClassContext, Finding, ObjectEntry, SecretObjectEntry } from '../rules/model';
import { Violation } from '../validation';

/**
 * The class-content rules of src/rules (objects, files, synced secrets) and the placeholder rule
 * of src/validation.ts, as the checker calls them.
 */
export { ClassContext };

/** Every object, file and sync rule on one class. */
export function checkClassContents(_objects: ObjectEntry[], _secretObjects: SecretObjectEntry[], _context: ClassContext): Finding[] {
  return []; // TODO(checker): wire src/rules once merged
}

/** A placeholder left in a value (`<client id>`, `${TENANT_ID}`, `$KEYVAULT_NAME`). */
export function placeholderIn(_value: string): Violation | undefined {
  return undefined; // TODO(checker): src/validation.ts placeholder() once merged
}

/** Entra ID's federated credential limit for one workload identity client ID. */
export function credentialBudget(_clientId: string, _subjects: number, _identityBindingOnSameIdentity: boolean): Finding | undefined {
  return undefined; // TODO(checker): src/rules/identity.ts federatedCredentialBudget once merged
}
