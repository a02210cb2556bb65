import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * The SARIF 2.1.0 JSON schema (Microsoft's sarif-2.1.0-rtm.5.json, the schema of the OASIS
 * standard, shipped by the pinned devDependency @microsoft/jest-sarif), compiled with its formats
 * (`uri`, `uri-reference`, `date-time`): the validator every SARIF test uses.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// unicodeRegExp: false: the schema's `language` pattern has a stray "]" that only non-Unicode regular expressions accept.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const compiled = ajv.compile(schema);

/** The schema errors of a SARIF log, or [] when it is valid. */
export function sarifErrors(log: unknown): string[] {
  return compiled(log) ? [] : (compiled.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
}

/** Whether a string is an RFC 3986 URI reference, as the schema's `uri-reference` format checks it. */
export function isUriReference(value: string): boolean {
  return sarifErrors({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 't' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: value } } }] }] }],
  }).length === 0;
}
