import { error, Finding } from './model';

/**
 * Runtime type rules for props: TypeScript checks them at compile time, but JavaScript callers,
 * `as any` and the jsii languages (Python, Java, C#, Go) reach the constructs with whatever they
 * pass. Each rule returns the usual finding instead of letting a TypeError or a wrong value through.
 */

/** What a value is, for messages: "a number", "undefined", "an object". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'object': return 'an object';
    default: return `a ${typeof value}`;
  }
}

/** A required prop of any type; `example` shows a value. */
export function required(value: unknown, field: string, example: string): Finding | undefined {
  if (value !== undefined && value !== null) return undefined;
  return error(field, value, 'is required', `pass ${example}`);
}

/** A required struct (a jsii data type: a plain object in every language); `example` shows its fields. */
export function requiredStruct(value: unknown, field: string, example: string): Finding | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return undefined;
  return error(field, value, value === undefined || value === null ? 'is required' : `must be an object, not ${kindOf(value)}`, `pass ${example}`);
}

/** A required string prop. */
export function requiredString(value: unknown, field: string, example: string): Finding | undefined {
  if (typeof value === 'string') return undefined;
  return error(field, value, value === undefined ? 'is required' : `must be a string, not ${kindOf(value)}`, `pass a string, e.g. ${JSON.stringify(example)}`);
}

/** An optional string prop. */
export function optionalString(value: unknown, field: string, example: string): Finding | undefined {
  return value === undefined ? undefined : requiredString(value, field, example);
}

/** An optional boolean prop. */
export function optionalBoolean(value: unknown, field: string): Finding | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  return error(field, value, `must be true or false, not ${kindOf(value)}`, 'pass true or false');
}

/** An optional number prop (range and integer rules come from the prop's own rule). */
export function optionalNumber(value: unknown, field: string, example: number): Finding | undefined {
  if (value === undefined || typeof value === 'number') return undefined;
  return error(field, value, `must be a number, not ${kindOf(value)}`, `pass a number, e.g. ${example}`);
}

/** An optional list of strings. */
export function optionalStringList(value: unknown, field: string, example: string): Finding | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return error(field, value, `must be a list of strings, not ${kindOf(value)}`, `pass e.g. [${JSON.stringify(example)}]`);
  const index = value.findIndex(v => typeof v !== 'string');
  return index < 0 ? undefined : requiredString(value[index], `${field}[${index}]`, example);
}

/** An optional map of strings (labels, annotations, node selectors). */
export function optionalStringMap(value: unknown, field: string, example: string): Finding | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return error(field, value, `must be a map of strings, not ${kindOf(value)}`, `pass e.g. { ${example} }`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') return error(`${field}[${JSON.stringify(key)}]`, v, `must be a string, not ${kindOf(v)}`, 'quote the value, e.g. "true"');
  }
  return undefined;
}

/** An optional list. */
export function optionalList(value: unknown, field: string, what: string): Finding | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  return error(field, value, `must be a list of ${what}, not ${kindOf(value)}`, `pass a list, e.g. [${what}]`);
}

/** An optional enum member (a jsii enum arrives as its string value in every language); `example` names a member. */
export function optionalEnum(value: unknown, field: string, members: readonly string[], example: string): Finding | undefined {
  if (value === undefined || (typeof value === 'string' && members.includes(value))) return undefined;
  return error(field, value, `must be one of ${members.map(m => JSON.stringify(m)).join(', ')}`, `pass an enum member, e.g. ${example}`);
}

/** An instance of a class the library defines (static factories make them; a plain object or string is not one). */
export function instanceOf(
  value: unknown, field: string, type: { readonly name: string; readonly prototype: object }, how: string, mandatory = true,
): Finding | undefined {
  if ((value === undefined && !mandatory) || (typeof value === 'object' && value !== null && type.prototype.isPrototypeOf(value))) return undefined;
  return error(field, value, value === undefined ? 'is required' : `must be ${/^[AEIOU]/.test(type.name) ? 'an' : 'a'} ${type.name}, not ${kindOf(value)}`, `use ${how}`);
}

/**
 * A runtime type rule of one prop: the finding for a value of the wrong type, or `undefined`.
 * The rules below compose into declarative per-props tables (`objectOf({ name: rule… })`), each
 * prop optional unless wrapped in `requiredOf`.
 */
export type TypeRule = (value: unknown, field: string) => Finding | undefined;

/** An optional string. */
export const stringRule = (example: string): TypeRule => (v, f) => optionalString(v, f, example);

/** An optional number. */
export const numberRule = (example: number): TypeRule => (v, f) => optionalNumber(v, f, example);

/** An optional boolean. */
export const booleanRule: TypeRule = (v, f) => optionalBoolean(v, f);

/** An optional list of strings. */
export const stringListRule = (example: string): TypeRule => (v, f) => optionalStringList(v, f, example);

/** An optional map of strings; `example` is one entry, e.g. `team: "platform"`. */
export const stringMapRule = (example: string): TypeRule => (v, f) => optionalStringMap(v, f, example);

/** An optional instance of a class (`how` says how to make one). */
export const instanceRule = (type: { readonly name: string; readonly prototype: object }, how: string): TypeRule =>
  (v, f) => instanceOf(v, f, type, how, false);

/** The rule, and the value must be there; `example` shows one. */
export const requiredOf = (rule: TypeRule, example: string): TypeRule => (v, f) => required(v, f, example) ?? rule(v, f);

/** An optional object whose properties follow `fields` (properties not in `fields` are not checked); field '' is the props themselves. */
export function objectOf(fields: { readonly [name: string]: TypeRule }, example: string): TypeRule {
  return (value, field) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return error(field || 'props', value, `must be an object, not ${kindOf(value)}`, `pass e.g. ${example}`);
    }
    for (const [name, rule] of Object.entries(fields)) {
      const finding = rule((value as Record<string, unknown>)[name], field ? `${field}.${name}` : name);
      if (finding) return finding;
    }
    return undefined;
  };
}

/** An optional list whose items follow `item`; `what` names an item for the fix ("a toleration"). */
export function listOf(item: TypeRule, what: string): TypeRule {
  return (value, field) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return error(field, value, `must be a list, not ${kindOf(value)}`, `pass a list of ${what}`);
    for (const [i, v] of value.entries()) {
      const finding = requiredOf(item, what)(v, `${field}[${i}]`);
      if (finding) return finding;
    }
    return undefined;
  };
}

/** An optional map whose values follow `entry`; `example` is one entry. */
export function mapOf(entry: TypeRule, example: string): TypeRule {
  return (value, field) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return error(field, value, `must be a map, not ${kindOf(value)}`, `pass e.g. { ${example} }`);
    }
    for (const [key, v] of Object.entries(value)) {
      const finding = requiredOf(entry, example)(v, `${field}[${JSON.stringify(key)}]`);
      if (finding) return finding;
    }
    return undefined;
  };
}

/** The rule, over the value as `normalize` makes it (e.g. a library object rendered to the shape it stands for). */
export const normalizedBy = (normalize: (value: unknown) => unknown, rule: TypeRule): TypeRule => (v, f) => rule(normalize(v), f);
