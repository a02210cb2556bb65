/**
 * Property-based tests of the validation rules (src/rules/values.ts) and the `objects` renderer.
 *
 * Arbitraries are built from the documented rules (https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/types/types.go and validate.go, the
 * Kubernetes name rules), never by filtering with the validator under test:
 * - valid values never throw when used in constructs;
 * - invalid values always throw "[<construct path>] <field> <value as JSON> is invalid: <rule>. Fix: <fix>.";
 * - any valid object list renders an `objects` string that parses back (YAML 1.2 and 1.1) to exactly the same fields.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import {
  AksIdentityBinding, AzureCloud, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass,
  ObjectEncoding, ObjectFormat, SyncedSecretType,
} from '../src';
import { errorOf, expectProblem, only, parseObjects, synth } from './util';
import { describeViolation, Finding } from '../src/rules/model';
import * as rules from '../src/rules/values';

fc.configureGlobal({ seed: 42, numRuns: 200 });

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '00000000-0000-0000-0000-000000000001';
const INT32_MAX = 2147483647;

// ---------------------------------------------------------------------------------------------
// Character pools and small combinators
// ---------------------------------------------------------------------------------------------

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const LETTERS = LOWER + UPPER;
const ALNUM = LETTERS + DIGITS;
const HEX = '0123456789abcdefABCDEF';

const charOf = (pool: string) => fc.constantFrom(...Array.from(pool));
const stringOf = (pool: string, minLength: number, maxLength: number) =>
  fc.array(charOf(pool), { minLength, maxLength }).map(a => a.join(''));
/** Strings of a length drawn uniformly from [min, max] (fast-check otherwise favours short ones). */
const sizedStringOf = (pool: string, min: number, max: number) =>
  fc.integer({ min, max }).chain(n => stringOf(pool, n, n));
const insert = (value: string, at: number, text: string) => value.slice(0, at) + text + value.slice(at);
/** `text` inserted strictly inside `value` (not first, not last). */
const insertInside = (value: fc.Arbitrary<string>, text: fc.Arbitrary<string>) =>
  fc.tuple(value.filter(v => v.length >= 2), text, fc.nat()).map(([v, t, i]) => insert(v, 1 + (i % (v.length - 1)), t));

/** `first` + middle + `last` with a total length in [min, max]. */
const framed = (first: string, middle: string, last: string, min: number, max: number) =>
  fc.integer({ min, max }).chain(n => n === 1
    ? charOf(first.split('').filter(c => last.includes(c)).join(''))
    : fc.tuple(charOf(first), stringOf(middle, n - 2, n - 2), charOf(last)).map(([a, b, c]) => a + b + c));

// ---------------------------------------------------------------------------------------------
// Arbitraries from the documented rules
// ---------------------------------------------------------------------------------------------

/** Key Vault name: 3-24 letters, digits and hyphens; starts with a letter, ends with a letter or digit; no "--". */
const kvUnit = fc.oneof(charOf(ALNUM), charOf(ALNUM).map(c => `-${c}`));
const validVaultName = fc.oneof(
  fc.tuple(charOf(LETTERS), fc.array(kvUnit, { minLength: 1, maxLength: 23 }))
    .map(([first, units]) => first + units.join(''))
    .filter(name => name.length >= 3 && name.length <= 24),
  fc.constantFrom('kv1', 'a-b', 'A'.repeat(24), 'contoso-kv-01', 'true', 'null', 'e10'),
);
const invalidVaultName = fc.oneof(
  stringOf(ALNUM + '-', 0, 2), // too short
  fc.tuple(validVaultName, sizedStringOf(ALNUM, 0, 20)).map(([v, more]) => v + 'x'.repeat(25 - v.length) + more), // too long
  fc.tuple(charOf(DIGITS + '-'), validVaultName).map(([c, v]) => c + v.slice(1)), // does not start with a letter
  validVaultName.map(v => v.slice(0, -1) + '-'), // ends with a hyphen
  insertInside(validVaultName, fc.constant('--')), // consecutive hyphens
  fc.tuple(validVaultName, charOf('_. @:/é#'), fc.nat()).map(([v, c, i]) => insert(v, i % (v.length + 1), c)), // other characters
);

/** GUID: 8-4-4-4-12 hex digits, either case. */
const validGuid = fc.tuple(...[8, 4, 4, 4, 12].map(n => stringOf(HEX, n, n))).map(groups => groups.join('-'));
const invalidGuid = fc.oneof(
  fc.tuple(validGuid, fc.nat(), charOf('gzG_ .')).map(([g, i, c]) => { const at = i % g.length; return g.slice(0, at) + c + g.slice(at + 1); }),
  fc.tuple(validGuid, fc.nat()).map(([g, i]) => { const at = i % g.length; return g.slice(0, at) + g.slice(at + 1); }), // one character short
  fc.tuple(validGuid, charOf(HEX)).map(([g, c]) => g + c), // one too many
  validGuid.map(g => g.replace(/-/g, '')),
  validGuid.map(g => `{${g}}`),
  validGuid.map(g => ` ${g}`),
  fc.constantFrom('', 'adfs', 'not-a-guid'),
);

/** Key Vault object name: 1-127 letters, digits and hyphens (YAML-special spellings included). */
const YAML_SPECIAL_NAMES = ['true', 'false', 'True', 'NULL', 'null', 'yes', 'no', 'on', 'off', 'y', 'N', '1e3', '0x1F', '0o17', '0755', '123', '-1', '-', '--', '-a', '1-2', 'Infinity', 'NaN', 'nan', 'inf', '0'];
const validObjectName = fc.oneof(
  { weight: 3, arbitrary: sizedStringOf(ALNUM + '-', 1, 127) },
  { weight: 1, arbitrary: fc.constantFrom(...YAML_SPECIAL_NAMES) },
);
const invalidObjectName = fc.oneof(
  fc.constant(''),
  sizedStringOf(ALNUM + '-', 128, 200),
  fc.tuple(validObjectName, charOf('_. /:#@!é"\'\t'), fc.nat()).map(([v, c, i]) => insert(v, i % (v.length + 1), c)),
);

/**
 * A file path under the mount (alias): relative, "/"-separated, no empty, "." or ".." segments
 * and no ".." anywhere (the provider rejects it), no "\", no control characters or YAML line
 * breaks, no leading or trailing whitespace (the provider trims it), segments ≤ 255, total ≤ 4096.
 * Not absolute on Windows either ("C:/x"); "a: b" is fine.
 */
const SEGMENT_CHARS = ALNUM + ' -_.#:!&*|>\'"%@`{}[],?=+~^$()<;' + 'éü日本✓\u00a0\u3000';
const validSegment = fc.oneof(
  { weight: 4, arbitrary: stringOf(SEGMENT_CHARS, 1, 16).filter(s => s !== '.' && !s.includes('..')) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'null', '~', '0x1F', '1e3', '0755', '- a', 'a: b', 'a:b', '#x', 'x #y', '[a]', '{a: b}', '&a', '*a', '!a', '|', '>', '"q"', "'s'", '%x', '@x', '`x', '? a', '---', '<<', '.5', '.inf', '.a', 'a.', '😀') },
);
const validAlias = fc.array(validSegment, { minLength: 1, maxLength: 4 })
  .map(segments => segments.join('/'))
  .map(path => /^[A-Za-z]:\//.test(path) ? `_${path}` : path) // "C:/x" is absolute on Windows nodes
  .map(path => path.trim() === path ? path : `x${path}x`);
/** Invalid aliases, each breaking exactly one rule, with a word the message must contain. */
const invalidAliases: [string, fc.Arbitrary<string>, RegExp][] = [
  ['empty', fc.constant(''), /empty/],
  ['absolute', fc.tuple(fc.constantFrom('/', 'C:/', 'z:/'), validAlias).map(([p, a]) => p + a), /relative/],
  ['backslash', insertInside(validAlias, fc.constant('\\')), /separator/],
  ['control character or YAML line break', insertInside(validAlias, charOf('\u0000\u0001\t\n\r\u001b\u001f\u007f\u0085\u2028\u2029')), /control/],
  ['leading or trailing whitespace', fc.tuple(validAlias, fc.constantFrom(' ', '\u00a0', '\u3000'), fc.boolean()).map(([a, w, lead]) => lead ? w + a : a + w), /whitespace/],
  ['empty, "." or ".." segment', fc.tuple(validAlias, fc.constantFrom('', '.', '..'), fc.nat()).map(([a, bad, i]) => {
    const segments = a.split('/');
    segments.splice(1 + (i % segments.length), 0, bad); // never first: "" first would be absolute, "." first fine too but keep one rule
    return segments.join('/');
  }), /segment|\.\./],
  ['segment longer than 255 bytes', fc.tuple(validAlias, fc.oneof(sizedStringOf(ALNUM, 256, 300), sizedStringOf('日é', 130, 140)))
    .map(([a, long]) => `${a}/${long}`), /255/],
  ['longer than 4096', fc.array(stringOf(ALNUM, 200, 200), { minLength: 21, maxLength: 25 }).map(s => s.join('/')), /4096/],
];

/** Object version: a Key Vault version ID (32 lowercase hex digits), "latest", or "" for the latest (provider.go#L373 at v1.8.2). */
const validVersion = fc.oneof(stringOf('0123456789abcdef', 32, 32), fc.constant('latest'), fc.constant(''));
const invalidVersion = fc.oneof(
  sizedStringOf(HEX, 128, 140),
  fc.tuple(validVersion.filter(v => v !== ''), charOf(' /._:#"'), fc.nat()).map(([v, c, i]) => insert(v, i % (v.length + 1), c)),
);

/**
 * Version history: an int32 (the provider's type); at least 1 to mean anything, since up to 1 is one
 * version (parameters.go#L104-L108 at v1.8.2: a warning, `versionHistoryEffect`).
 */
const validVersionHistory = fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: INT32_MAX }));
const oneVersionHistory = fc.integer({ min: -INT32_MAX - 1, max: 0 });
const invalidVersionHistory = fc.oneof(
  fc.integer({ min: INT32_MAX + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -INT32_MAX - 2 }),
  fc.double({ min: 0, max: 100, noNaN: true }).filter(d => !Number.isInteger(d)),
  fc.constantFrom(NaN, Infinity, -Infinity),
);

/** File permission: a file mode, 3 or 4 octal digits (what the constructs write). */
const validFilePermission = sizedStringOf('01234567', 3, 4);
/** What the provider parses (strconv.ParseInt(s, 8, 32), parameters.go#L139 at v1.8.2): any octal digits, a sign, within int32. */
const parsedFilePermission = fc.oneof(
  validFilePermission,
  sizedStringOf('01234567', 1, 11).filter(p => parseInt(p, 8) <= INT32_MAX),
  fc.tuple(fc.constantFrom('+', '-'), sizedStringOf('01234567', 1, 10)).map(([sign, p]) => `${sign}${p}`),
);
const invalidFilePermission = fc.oneof(
  fc.constant(''),
  insertInside(validFilePermission, charOf('89ax _')),
  validFilePermission.map(p => `0o${p}`),
  sizedStringOf('1234567', 1, 1).chain(first => sizedStringOf('01234567', 11, 14).map(rest => `${first}${rest}`)),
);
/** Parsed, but not a mode: a sign, or bits above 07777 (a warning, `filePermissionBits`). */
const notAModeFilePermission = fc.oneof(
  fc.tuple(fc.constantFrom('+', '-'), validFilePermission).map(([sign, p]) => `${sign}${p}`),
  sizedStringOf('1234567', 1, 1).chain(first => sizedStringOf('01234567', 4, 9).map(rest => `${first}${rest}`)),
);

/** DNS-1123 label: ≤ 63 lowercase letters, digits and "-", starting and ending with a letter or digit. */
const LOWER_ALNUM = LOWER + DIGITS;
const validDnsLabel = framed(LOWER_ALNUM, LOWER_ALNUM + '-', LOWER_ALNUM, 1, 63);
/** DNS-1123 subdomain: labels joined by ".", ≤ 253 characters. */
const validDnsSubdomain = fc.array(framed(LOWER_ALNUM, LOWER_ALNUM + '-', LOWER_ALNUM, 1, 40), { minLength: 1, maxLength: 8 })
  .map(labels => labels.join('.'))
  .filter(name => name.length <= 253);
const invalidDnsSubdomain = fc.oneof(
  fc.constant(''),
  fc.tuple(validDnsSubdomain, charOf('-.')).map(([n, c]) => c + n),
  fc.tuple(validDnsSubdomain, charOf('-.')).map(([n, c]) => n + c),
  insertInside(validDnsSubdomain, charOf(UPPER + '_ /:@é')),
  insertInside(validDnsSubdomain, fc.constant('..')),
  fc.array(stringOf(LOWER_ALNUM, 50, 50), { minLength: 6, maxLength: 7 }).map(l => l.join('.')), // 305+ characters
);
const invalidDnsLabel = fc.oneof(
  fc.constant(''),
  fc.tuple(validDnsLabel, charOf('-')).map(([n, c]) => c + n),
  fc.tuple(validDnsLabel, charOf('-')).map(([n, c]) => n + c),
  insertInside(validDnsLabel, charOf(UPPER + '._ /')),
  sizedStringOf(LOWER_ALNUM, 64, 80),
);

/** Label value (aad-pod-identity selector): ≤ 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit. */
const validLabelValue = framed(ALNUM, ALNUM + '-_.', ALNUM, 1, 63);
const invalidLabelValue = fc.oneof(
  fc.constant(''),
  fc.tuple(validLabelValue, charOf('-_.')).map(([v, c]) => c + v),
  fc.tuple(validLabelValue, charOf('-_.')).map(([v, c]) => v + c),
  insertInside(validLabelValue, charOf(' /:@é')),
  sizedStringOf(ALNUM, 64, 80),
);

/** Go duration (time.ParseDuration, unsigned): "0", or one or more <number><unit> ("2m", "1.5h", ".5s", "1.s", "1h30m"). */
const durationNumber = fc.oneof(
  sizedStringOf(DIGITS, 1, 4),
  fc.tuple(sizedStringOf(DIGITS, 1, 4), sizedStringOf(DIGITS, 0, 3)).map(([int, frac]) => `${int}.${frac}`),
  sizedStringOf(DIGITS, 1, 3).map(frac => `.${frac}`),
);
const durationPart = fc.tuple(durationNumber, fc.constantFrom('ns', 'us', '\u00b5s', '\u03bcs', 'ms', 's', 'm', 'h')).map(([n, unit]) => n + unit);
const validDuration = fc.oneof(fc.array(durationPart, { minLength: 1, maxLength: 3 }).map(parts => parts.join('')), fc.constant('0'));
const invalidDuration = fc.oneof(
  fc.constantFrom('', 's', 'm5', '1', '15', '1d', '2w', '1 s', 'abc', '1:30', '.s', '00', '-1s'),
  validDuration.map(d => ` ${d}`),
  validDuration.map(d => `${d}x`),
);

/** Container mount path: absolute, Linux ("/…") or Windows ("C:\…", "C:/…"). */
const pathSegment = stringOf(ALNUM + '-_.', 1, 12);
const validMountPath = fc.tuple(fc.constantFrom('/', 'C:\\', 'c:/'), fc.array(pathSegment, { minLength: 0, maxLength: 4 }))
  .map(([root, segments]) => root + segments.join(root === '/' ? '/' : root.slice(-1)));
const invalidMountPath = fc.oneof(
  fc.constant(''),
  fc.array(pathSegment, { minLength: 1, maxLength: 4 }).map(s => s.join('/')).filter(p => !/^[A-Za-z]:/.test(p)),
  fc.array(pathSegment, { minLength: 1, maxLength: 3 }).map(s => `./${s.join('/')}`),
  fc.tuple(charOf(LETTERS), pathSegment).map(([d, s]) => `${d}:${s}`), // drive-relative
);

/** Kubernetes Secret data key: ≤ 253 of [-._a-zA-Z0-9], not "." or "..", not starting with "..". */
const validSecretKey = sizedStringOf(ALNUM + '-._', 1, 60).filter(k => k !== '.' && !k.startsWith('..'));

// ---------------------------------------------------------------------------------------------
// Construct helpers (every class is "test/spc", every chart a fresh app)
// ---------------------------------------------------------------------------------------------

interface ClassOptions {
  readonly keyVaultName?: string;
  readonly tenantId?: string;
  readonly identity?: KeyVaultIdentity;
  readonly cloud?: AzureCloud;
  readonly name?: string;
  readonly objects?: KeyVaultObject[];
}

function newClass(options: ClassOptions = {}, chart: Chart = Testing.chart()): KeyVaultSecretProviderClass {
  return new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: options.name ?? 'props' },
    keyVaultName: options.keyVaultName ?? 'kv-props',
    tenantId: options.tenantId ?? TENANT_ID,
    identity: options.identity ?? KeyVaultIdentity.vmManagedIdentity(),
    cloud: options.cloud,
    objects: options.objects ?? [KeyVaultObject.secret('s')],
  });
}

/** `fn` throws a message naming the construct path, the field, the value, the rule and a fix. */
function expectThrows(fn: () => unknown, path: string, field: string, value: unknown, rule: RegExp, fix: RegExp = /./): void {
  expectProblem(errorOf(fn), { path, field, value, rule, fix });
}

/** A spec of one Key Vault object, as a user would write it. */
interface ObjectSpec {
  readonly type: 'secret' | 'key' | 'cert';
  readonly name: string;
  readonly alias?: string;
  readonly version?: string;
  readonly versionHistory?: number;
  readonly filePermission?: string;
  readonly format?: ObjectFormat;
  readonly encoding?: ObjectEncoding;
}

const objectSpec: fc.Arbitrary<ObjectSpec> = fc.oneof(fc.constant('secret' as const), fc.constant('key' as const), fc.constant('cert' as const)).chain(type =>
  fc.record({
    type: fc.constant(type),
    name: validObjectName,
    alias: fc.option(validAlias, { nil: undefined }),
    version: fc.option(validVersion, { nil: undefined }),
    versionHistory: fc.option(validVersionHistory, { nil: undefined }),
    filePermission: fc.option(validFilePermission, { nil: undefined }),
    format: type === 'secret' ? fc.option(fc.constantFrom(ObjectFormat.PEM, ObjectFormat.PFX), { nil: undefined }) : fc.constant(undefined),
    encoding: type === 'secret' ? fc.option(fc.constantFrom(ObjectEncoding.UTF8, ObjectEncoding.HEX, ObjectEncoding.BASE64), { nil: undefined }) : fc.constant(undefined),
  }, { requiredKeys: ['type', 'name'] }))
  // A drive-like alias ("a:") with a version directory writes "a:/0", absolute on Windows nodes.
  .filter(spec => !(spec.alias !== undefined && /^[A-Za-z]:$/.test(spec.alias.split('/')[0]) && (spec.versionHistory ?? 0) > 1))
  // "latest" is a version only with a version history; on a single version Key Vault would 404.
  .filter(spec => spec.version !== 'latest' || (spec.versionHistory ?? 0) > 1);

function toObject(spec: ObjectSpec): KeyVaultObject {
  const options = { alias: spec.alias, version: spec.version, versionHistory: spec.versionHistory, filePermission: spec.filePermission };
  switch (spec.type) {
    case 'secret': return KeyVaultObject.secret(spec.name, { ...options, format: spec.format, encoding: spec.encoding });
    case 'key': return KeyVaultObject.key(spec.name, options);
    case 'cert': return KeyVaultObject.certificate(spec.name, options);
  }
}

/** The entry the provider must read back for `spec`: exactly the fields set. */
function expectedEntry(spec: ObjectSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = { objectName: spec.name, objectType: spec.type };
  if (spec.alias !== undefined) entry.objectAlias = spec.alias;
  if (spec.version !== undefined) entry.objectVersion = spec.version;
  if (spec.versionHistory !== undefined) entry.objectVersionHistory = spec.versionHistory;
  if (spec.format !== undefined) entry.objectFormat = spec.format;
  if (spec.encoding !== undefined) entry.objectEncoding = spec.encoding;
  if (spec.filePermission !== undefined) entry.filePermission = spec.filePermission;
  return entry;
}

/** Two objects clash when they write the same path, or one writes below the other (a file or a version directory). */
const clashes = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
const fileOf = (spec: ObjectSpec) => spec.alias ?? spec.name;
/** The specs whose files clash with no earlier one (the provider would keep only one of two). */
const withoutClashes = (specs: ObjectSpec[]) =>
  specs.reduce<ObjectSpec[]>((kept, s) => kept.some(k => clashes(fileOf(k), fileOf(s))) ? kept : [...kept, s], []);

// ---------------------------------------------------------------------------------------------
// The rules themselves
// ---------------------------------------------------------------------------------------------

describe('validation rules accept exactly the documented values', () => {
  const cases: [string, (v: any, field: string) => Finding | undefined, fc.Arbitrary<unknown>, fc.Arbitrary<unknown>][] = [
    ['keyVaultName', rules.keyVaultName, validVaultName, invalidVaultName],
    ['guid', rules.guid, validGuid, invalidGuid],
    ['tenantId (public clouds)', (v, f) => rules.tenantId(v, false, f), validGuid, fc.oneof(invalidGuid, fc.constant('adfs'))],
    ['tenantId (Azure Stack)', (v, f) => rules.tenantId(v, true, f), fc.oneof(validGuid, fc.constant('adfs')), invalidGuid.filter(g => g !== 'adfs')],
    ['objectName', rules.objectName, validObjectName, invalidObjectName],
    ['filePath', rules.filePath, fc.oneof(validAlias, validObjectName), fc.oneof(...invalidAliases.map(([, a]) => a))],
    ['objectVersion', rules.objectVersion, validVersion, invalidVersion],
    ['versionHistory', rules.versionHistory, fc.oneof(validVersionHistory, oneVersionHistory), invalidVersionHistory],
    ['versionHistoryEffect', rules.versionHistoryEffect, validVersionHistory, oneVersionHistory],
    ['filePermission', rules.filePermission, parsedFilePermission, invalidFilePermission],
    ['filePermissionBits', rules.filePermissionBits, fc.oneof(validFilePermission, validFilePermission.map(p => `00${p}`)), notAModeFilePermission],
    ['dns1123Subdomain', rules.dns1123Subdomain, validDnsSubdomain, invalidDnsSubdomain],
    ['dns1123Label', rules.dns1123Label, validDnsLabel, invalidDnsLabel],
    ['labelValue', rules.labelValue, fc.oneof(validLabelValue, fc.constant('')), invalidLabelValue.filter(v => v !== '')],
    ['podIdentitySelector', rules.podIdentitySelector, validLabelValue, invalidLabelValue],
    ['goDuration', rules.goDuration, validDuration, invalidDuration],
    ['mountPath', rules.mountPath, validMountPath, invalidMountPath],
  ];

  test.each(cases)('%s: valid values pass, invalid ones name a rule and a fix', (_name, rule, valid, invalid) => {
    fc.assert(fc.property(valid, v => {
      expect(rule(v, 'field')).toBeUndefined();
    }));
    fc.assert(fc.property(invalid, v => {
      const violation = rule(v, 'field');
      expect(violation).toBeDefined();
      expect(violation!.field).toBe('field');
      expect(violation!.value).toBe(v);
      expect(violation!.rule.length).toBeGreaterThan(10);
      expect(violation!.fix.length).toBeGreaterThan(5);
      expect(describeViolation('field', v, violation!)).toBe(`field ${JSON.stringify(v)} is invalid: ${violation!.rule}. Fix: ${violation!.fix}.`);
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// KeyVaultSecretProviderClass props
// ---------------------------------------------------------------------------------------------

describe('KeyVaultSecretProviderClass', () => {
  test('any valid vault name, tenant, client ID and class name is accepted and written as is', () => {
    fc.assert(fc.property(validVaultName, validGuid, validGuid, validDnsSubdomain, (keyVaultName, tenantId, clientId, name) => {
      const spc = newClass({ keyVaultName, tenantId, name, identity: KeyVaultIdentity.workloadIdentity({ clientId }) });
      const parameters = Testing.synth(Chart.of(spc))[0].spec.parameters;
      expect(parameters).toMatchObject({ keyvaultName: keyVaultName, tenantID: tenantId, clientID: clientId });
      expect(spc.name).toBe(name);
    }), { numRuns: 100 });
  });

  test('an invalid vault name throws naming keyVaultName', () => {
    fc.assert(fc.property(invalidVaultName, keyVaultName => {
      expectThrows(() => newClass({ keyVaultName }), 'test/spc', 'keyVaultName', keyVaultName, /3-24 characters/, /vault/);
    }));
  });

  test('an invalid tenant ID throws naming tenantId; "adfs" only with Azure Stack', () => {
    fc.assert(fc.property(invalidGuid, tenantId => {
      expectThrows(() => newClass({ tenantId }), 'test/spc', 'tenantId', tenantId, /GUID/, /tenant/);
    }));
    const stack = AzureCloud.stack({ environmentFile: '/etc/kubernetes/custom_environment.json' });
    expect(() => newClass({ tenantId: 'adfs', cloud: stack })).not.toThrow();
    expectThrows(() => newClass({ tenantId: 'adfs' }), 'test/spc', 'tenantId', 'adfs', /only valid with AzureCloud\.stack/);
  });

  test('an invalid client ID throws naming the option (identity.clientId, identity.userAssignedClientId), for every identity that has one', () => {
    fc.assert(fc.property(invalidGuid, fc.constantFrom('binding', 'workload', 'vm'), (clientId, mode) => {
      const identity = mode === 'binding' ? KeyVaultIdentity.identityBinding({ clientId, externallyManagedRbac: true })
        : mode === 'workload' ? KeyVaultIdentity.workloadIdentity({ clientId })
          : KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: clientId });
      expectThrows(() => newClass({ identity }), 'test/spc', mode === 'vm' ? 'identity.userAssignedClientId' : 'identity.clientId', clientId, /GUID/);
    }));
  });

  test('an invalid class name throws naming metadata.name', () => {
    fc.assert(fc.property(invalidDnsSubdomain, name => {
      expectThrows(() => newClass({ name }), 'test/spc', 'metadata.name', name, /DNS-1123 subdomain/);
    }));
  });

  test('service principal secret names and pod identity selectors follow the Kubernetes rules', () => {
    fc.assert(fc.property(validDnsSubdomain, validLabelValue, (secretName, selector) => {
      expect(() => newClass({ identity: KeyVaultIdentity.servicePrincipal({ secretName }) })).not.toThrow();
      expect(() => newClass({ identity: KeyVaultIdentity.podIdentity({ selector }) })).not.toThrow();
    }));
    fc.assert(fc.property(invalidDnsSubdomain, secretName => {
      expectThrows(() => newClass({ identity: KeyVaultIdentity.servicePrincipal({ secretName }) }), 'test/spc', 'identity.secretName', secretName, /DNS-1123/);
    }));
    fc.assert(fc.property(invalidLabelValue, selector => {
      expectThrows(() => newClass({ identity: KeyVaultIdentity.podIdentity({ selector }) }), 'test/spc', 'identity.selector', selector, /label value/);
    }));
  });

  test('Azure Stack environment files must be absolute container paths', () => {
    fc.assert(fc.property(validMountPath, environmentFile => {
      expect(() => newClass({ cloud: AzureCloud.stack({ environmentFile }) })).not.toThrow();
    }));
    fc.assert(fc.property(invalidMountPath, environmentFile => {
      expectThrows(() => newClass({ cloud: AzureCloud.stack({ environmentFile }) }), 'test/spc', 'cloud.environmentFile', environmentFile, /absolute/);
    }));
  });
});

describe('AksIdentityBinding', () => {
  test('any GUID client ID and DNS-1123 name is accepted; invalid ones throw naming the field', () => {
    fc.assert(fc.property(validGuid, fc.option(validDnsSubdomain, { nil: undefined }), (clientId, name) => {
      fc.pre(name === undefined || name.length <= 189); // room for "-<namespace>"
      const chart = new Chart(Testing.app(), 'test', { namespace: 'ns' });
      const binding = new AksIdentityBinding(chart, 'mi', { clientId, name });
      binding.addServiceAccount(chart, 'sa');
      expect(binding.clusterRoles.map(r => r.name)).toEqual([`${name ?? `use-mi-${clientId.toLowerCase()}`}-ns`]);
    }));
    fc.assert(fc.property(invalidGuid, clientId => {
      expectThrows(() => new AksIdentityBinding(Testing.chart(), 'mi', { clientId }), 'test/mi', 'clientId', clientId, /GUID/);
    }));
    fc.assert(fc.property(invalidDnsSubdomain, name => {
      expectThrows(() => new AksIdentityBinding(Testing.chart(), 'mi', { clientId: CLIENT_ID, name }), 'test/mi', 'name', name, /DNS-1123/);
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// Objects: addObject
// ---------------------------------------------------------------------------------------------

describe('KeyVaultObject via addObject', () => {
  /** A class already holding `before` objects (so the field index is checked too), and the field prefix of the next one. */
  function classWithPrefix(before: number) {
    const spc = newClass({ objects: Array.from({ length: before }, (_, i) => KeyVaultObject.secret(`before-${i}`)) });
    return { spc, field: `objects[${before}]` };
  }

  test('any valid object is accepted', () => {
    fc.assert(fc.property(objectSpec, fc.nat(3), (spec, before) => {
      const { spc } = classWithPrefix(before);
      const object = toObject(spec);
      if (Array.from({ length: before }).some((_, i) => clashes(fileOf(spec), `before-${i}`))) return; // clashes: tested below
      spc.addObject(object);
      expect(spc.objects).toHaveLength(before + 1);
      expect(object.fileName).toBe(fileOf(spec));
    }));
  });

  test('an invalid object name throws naming objects[i].objectName', () => {
    fc.assert(fc.property(invalidObjectName, fc.nat(3), (name, before) => {
      const { spc, field } = classWithPrefix(before);
      expectThrows(() => spc.addObject(KeyVaultObject.secret(name)), 'test/spc', `${field}.objectName`, name, /1-127 characters/, /alias/);
    }));
  });

  test.each(invalidAliases)('an alias that is %s throws naming objects[i].alias', (_what, alias, rule) => {
    fc.assert(fc.property(alias, fc.nat(3), (value, before) => {
      const { spc, field } = classWithPrefix(before);
      expectThrows(() => spc.addObject(KeyVaultObject.key('k', { alias: value })), 'test/spc', `${field}.alias`, value, rule, /alias/);
    }), { numRuns: 100 });
  });

  test('an invalid version, versionHistory or filePermission throws naming the field', () => {
    fc.assert(fc.property(invalidVersion, fc.nat(2), (version, before) => {
      const { spc, field } = classWithPrefix(before);
      expectThrows(() => spc.addObject(KeyVaultObject.secret('s1', { version })), 'test/spc', `${field}.version`, version, /version/);
    }));
    fc.assert(fc.property(invalidVersionHistory, fc.nat(2), (versionHistory, before) => {
      const { spc, field } = classWithPrefix(before);
      expectThrows(() => spc.addObject(KeyVaultObject.certificate('c1', { versionHistory })), 'test/spc', `${field}.versionHistory`, versionHistory, /integer of at most 2147483647/);
    }));
    // Up to 1 is one version: the checker warns, a construct refuses what only works by accident.
    fc.assert(fc.property(oneVersionHistory, fc.nat(2), (versionHistory, before) => {
      const { spc, field } = classWithPrefix(before);
      expectThrows(() => spc.addObject(KeyVaultObject.certificate('c1', { versionHistory })), 'test/spc', `${field}.versionHistory`, versionHistory, /single version/);
    }));
    fc.assert(fc.property(invalidFilePermission, fc.nat(2), (filePermission, before) => {
      const { spc, field } = classWithPrefix(before);
      expectThrows(() => spc.addObject(KeyVaultObject.key('k1', { filePermission })), 'test/spc', `${field}.filePermission`, filePermission, /octal/);
    }));
  });

  test('format and encoding outside their enums, or on keys and certificates (from JavaScript), throw', () => {
    fc.assert(fc.property(fc.constantFrom('format', 'encoding'), fc.string({ minLength: 1, maxLength: 8 }), (option, value) => {
      // The provider compares case-insensitively ("PEM" works).
      const known: string[] = [...Object.values(ObjectFormat), ...Object.values(ObjectEncoding)];
      fc.pre(!known.includes(value.toLowerCase()));
      expectThrows(() => newClass().addObject(KeyVaultObject.secret('s1', { [option]: value } as any)), 'test/spc', `objects[1].${option}`, value, /must be one of/);
    }));
    fc.assert(fc.property(fc.constantFrom('key', 'certificate') as fc.Arbitrary<'key' | 'certificate'>, fc.constantFrom<[string, string]>(
      ['format', ObjectFormat.PFX], ['encoding', ObjectEncoding.BASE64], ['encoding', ObjectEncoding.HEX], ['encoding', ObjectEncoding.UTF8],
    ), (factory, [option, value]) => {
      expectThrows(() => newClass().addObject(KeyVaultObject[factory]('x1', { [option]: value } as any)), 'test/spc', `objects[1].${option}`, value, /applies only to secrets/);
    }));
    // The provider accepts "pem" on keys and certificates (they are PEM anyway); only "pfx" is refused.
    for (const factory of ['key', 'certificate'] as const) {
      expect(() => newClass().addObject(KeyVaultObject[factory]('x1', { format: ObjectFormat.PEM } as any))).not.toThrow();
    }
  });

  test('two objects writing the same file, or one below the other, throw naming the second', () => {
    const nested = fc.tuple(validAlias, validAlias, fc.constantFrom('same', 'below', 'above')).map(([a, b, how]) =>
      how === 'same' ? [a, a] : how === 'below' ? [a, `${a}/${b}`] : [`${a}/${b}`, a]);
    fc.assert(fc.property(nested, fc.boolean(), ([first, second], history) => {
      const spc = newClass({ objects: [] });
      spc.addObject(KeyVaultObject.secret('one', { alias: first, versionHistory: history ? 3 : undefined }));
      expectThrows(() => spc.addObject(KeyVaultObject.secret('two', { alias: second })), 'test/spc', 'objects[1].alias', second, /clashes with/, /alias/);
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// syncSecret and mount
// ---------------------------------------------------------------------------------------------

describe('syncSecret', () => {
  test('any valid Secret name, key and written file is accepted and synthesizes', () => {
    fc.assert(fc.property(validDnsSubdomain, validSecretKey, objectSpec, (secretName, key, spec) => {
      const spc = newClass({ objects: [toObject(spec)] });
      const objectName = spec.versionHistory !== undefined && spec.versionHistory > 1 ? `${fileOf(spec)}/0` : fileOf(spec);
      spc.syncSecret({ secretName, type: SyncedSecretType.OPAQUE, data: [{ key, objectName }] });
      const manifest = only(Testing.synth(Chart.of(spc)), 'SecretProviderClass');
      expect(manifest.spec.secretObjects).toEqual([{ secretName, type: 'Opaque', data: [{ key, objectName }] }]);
    }), { numRuns: 100 });
  });

  test('an invalid Secret name or file path throws naming the field', () => {
    fc.assert(fc.property(invalidDnsSubdomain, secretName => {
      expectThrows(() => newClass().syncSecret({ secretName, type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 's' }] }),
        'test/spc', 'secretObjects[0].secretName', secretName, /DNS-1123/);
    }));
    fc.assert(fc.property(fc.oneof(...invalidAliases.map(([, a]) => a)), objectName => {
      expectThrows(() => newClass().syncSecret({ secretName: 'synced', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName }] }),
        'test/spc', 'secretObjects[0].data[0].objectName', objectName, /file name/);
    }));
  });
});

describe('mount', () => {
  function podAndClass(className = 'props') {
    const spc = newClass({ name: className });
    const chart = Chart.of(spc);
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ name: 'main', image: 'busybox' }] });
    const raw = new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    return { spc, pod, raw };
  }

  test('any DNS-1123 volume name and absolute path mounts, into cdk8s-plus and ApiObject workloads', () => {
    fc.assert(fc.property(validDnsLabel, validMountPath, (volumeName, path) => {
      const { spc, pod, raw } = podAndClass();
      spc.mount(pod, { volumeName, path });
      spc.mount(raw, { volumeName, path });
      const manifests = Testing.synth(Chart.of(spc));
      for (const p of manifests.filter(m => m.kind === 'Pod')) {
        expect(p.spec.volumes).toEqual([{ name: volumeName, csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'props' } } }]);
        expect(p.spec.containers[0].volumeMounts).toEqual([{ name: volumeName, mountPath: path, readOnly: true }]);
      }
    }), { numRuns: 100 });
  });

  test('an invalid volume name or path throws naming the workload and field', () => {
    fc.assert(fc.property(invalidDnsLabel, fc.boolean(), (volumeName, plus) => {
      const { spc, pod, raw } = podAndClass();
      expectThrows(() => spc.mount(plus ? pod : raw, { volumeName }),
        plus ? 'test/pod' : 'test/raw', 'volumeName', volumeName, /DNS-1123 label/);
    }));
    fc.assert(fc.property(invalidMountPath, fc.boolean(), (path, plus) => {
      const { spc, pod, raw } = podAndClass();
      expectThrows(() => spc.mount(plus ? pod : raw, { path }), plus ? 'test/pod' : 'test/raw', 'path', path, /absolute/);
    }));
  });

  test('a class name that is a subdomain but not a label needs an explicit volume name', () => {
    const dotted = fc.tuple(validDnsLabel, validDnsLabel).map(([a, b]) => `${a}.${b}`);
    fc.assert(fc.property(dotted, className => {
      const { spc, pod } = podAndClass(className);
      expectThrows(() => spc.mount(pod), 'test/pod', 'volumeName', className, /DNS-1123 label/);
    }), { numRuns: 50 });
  });
});

// ---------------------------------------------------------------------------------------------
// The `objects` renderer
// ---------------------------------------------------------------------------------------------

describe('objects renderer', () => {
  const objectLists = fc.array(objectSpec, { minLength: 1, maxLength: 8 }).map(withoutClashes);

  test('any valid object list parses back (YAML 1.2 and 1.1) to exactly the same fields', () => {
    fc.assert(fc.property(objectLists, fc.nat(), (specs, split) => {
      // Some objects through props, the rest through addObject().
      const at = split % (specs.length + 1);
      const spc = newClass({ objects: specs.slice(0, at).map(toObject) });
      spc.addObject(...specs.slice(at).map(toObject));
      const manifest = only(synth(Chart.of(spc)), 'SecretProviderClass');

      const expected = specs.map(expectedEntry);
      expect(parseObjects(manifest)).toEqual(expected);
      // A YAML 1.1 reader (yes/no/on/off booleans, sexagesimal and octal numbers) reads the same.
      const outer = YAML.parse(manifest.spec.parameters.objects, { version: '1.1' });
      expect(outer.array.map((entry: string) => YAML.parse(entry, { version: '1.1' }))).toEqual(expected);
      // And the manifest itself survives a YAML round trip (what kubectl reads).
      expect(YAML.parse(YAML.stringify(manifest)).spec.parameters.objects).toBe(manifest.spec.parameters.objects);
    }));
  });

  test('the objects string has the canonical shape: "array:" and one literal block per object', () => {
    fc.assert(fc.property(objectLists, specs => {
      const objects: string = Testing.synth(Chart.of(newClass({ objects: specs.map(toObject) })))[0].spec.parameters.objects;
      const lines = objects.split('\n');
      expect(lines[0]).toBe('array:');
      expect(lines.filter(l => l === '  - |')).toHaveLength(specs.length);
      expect(lines.slice(1).every(l => l === '' || l === '  - |' || l.startsWith('    '))).toBe(true);
      expect(objects.endsWith('\n')).toBe(true);
    }), { numRuns: 100 });
  });
});

// ---------------------------------------------------------------------------------------------
// Values the provider or the API server rejects that the first validators let through (found by
// these properties, now rejected at synth).
// ---------------------------------------------------------------------------------------------

describe('values the provider or API server would reject', () => {
  // provider pkg/provider/validate.go validateFileName: strings.Contains(fileName, "..") →
  // "file name must not contain '..'": any `..` path element or substring.
  test('an alias containing ".." anywhere (e.g. "a..b", "...") throws', () => {
    const dots = fc.tuple(validAlias, validAlias, fc.constantFrom('..', '...')).map(([a, b, d]) => `${a}${d}${b}`);
    fc.assert(fc.property(dots, alias => {
      expectThrows(() => newClass().addObject(KeyVaultObject.secret('s1', { alias })), 'test/spc', 'objects[1].alias', alias, /\.\./);
    }), { numRuns: 50 });
  });

  // yaml.v3 (the provider's parser) refuses C1 controls other than NEL and U+FFFE/U+FFFF
  // ("control characters are not allowed"): the whole `objects` string fails to parse.
  test('an alias with a character YAML cannot carry (C1 controls, U+FFFE, U+FFFF) throws', () => {
    const bad = insertInside(validAlias, charOf('\u0080\u0084\u0086\u009f\ufffe\uffff'));
    fc.assert(fc.property(bad, alias => {
      expectThrows(() => newClass().addObject(KeyVaultObject.secret('s1', { alias })), 'test/spc', 'objects[1].alias', alias, /control/);
    }), { numRuns: 50 });
  });

  // Kubernetes IsConfigMapKey (Secret data keys): must not be "." or "..", must not start with "..".
  test('a synced Secret key ".", ".." or starting with ".." throws', () => {
    const bad = fc.oneof(fc.constantFrom('.', '..'), validSecretKey.map(k => `..${k}`));
    fc.assert(fc.property(bad, key => {
      expectThrows(() => newClass().syncSecret({ secretName: 'synced', type: SyncedSecretType.OPAQUE, data: [{ key, objectName: 's' }] }),
        'test/spc', 'secretObjects[0].data[0].key', key, /./);
    }), { numRuns: 20 });
  });
});
