import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, ObjectEncoding, ObjectFormat, ObjectType,
} from '../../src';
import { parseObjects as readObjects } from '../../src/check/objects';
import { renderObjects } from '../../src/consume/object';
import { errorOf, expectProblem, only, parseObjects, synth } from '../util';

// Field names, values and the `objects` shape: https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/types/types.go,
// https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/validate.go and https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/provider.go.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** A class (path "test/spc") writing `objects`, in a chart of its own. */
function classWith(...objects: KeyVaultObject[]) {
  const chart = Testing.chart();
  const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'objects' },
    keyVaultName: 'kv-demo',
    tenantId: TENANT_ID,
    identity: KeyVaultIdentity.vmManagedIdentity(),
    objects,
  });
  return { chart, spc };
}

/** The synthesized manifests and the `objects` entries read back with a YAML parser. */
function rendered(...objects: KeyVaultObject[]) {
  const manifests = synth(classWith(...objects).chart);
  return { manifests, entries: parseObjects(only(manifests, 'SecretProviderClass')), raw: only(manifests, 'SecretProviderClass').spec.parameters.objects as string };
}

/** Asserts the object fails in a class at "test/spc" with a message naming the field, value, rule and fix. */
function expectInvalid(object: KeyVaultObject, field: string, value: unknown, rule: RegExp, fix: RegExp) {
  expectProblem(errorOf(() => classWith(object)), { path: 'test/spc', field: `objects[0].${field}`, value, rule, fix });
}

describe('KeyVaultObject.secret', () => {
  test('writes objectName and objectType "secret", and nothing else', () => {
    const { manifests, entries } = rendered(KeyVaultObject.secret('secret1'));
    expect(entries).toEqual([{ objectName: 'secret1', objectType: 'secret' }]);
    expect(manifests).toMatchSnapshot();
  });

  test('exposes its name, type and file name', () => {
    const secret = KeyVaultObject.secret('secret1');
    expect(secret.objectName).toBe('secret1');
    expect(secret.objectType).toBe(ObjectType.SECRET);
    expect(secret.fileName).toBe('secret1');
    expect(secret.files).toEqual(['secret1']);
  });
});

describe('KeyVaultObject.key', () => {
  test('writes objectType "key"', () => {
    const { manifests, entries } = rendered(KeyVaultObject.key('key1'));
    expect(entries).toEqual([{ objectName: 'key1', objectType: 'key' }]);
    expect(manifests).toMatchSnapshot();
  });
});

describe('KeyVaultObject.certificate', () => {
  test('writes objectType "cert" (the provider\'s exact spelling)', () => {
    const { manifests, entries } = rendered(KeyVaultObject.certificate('cert1'));
    expect(entries).toEqual([{ objectName: 'cert1', objectType: 'cert' }]);
    expect(manifests).toMatchSnapshot();
  });
});

describe('KeyVaultObject options', () => {
  // GIVEN one option at a time; THEN the entry has exactly objectName, objectType and that option's field
  test.each([
    ['alias', KeyVaultObject.secret('db-password', { alias: 'db/password' }), { objectAlias: 'db/password' }],
    ['version', KeyVaultObject.secret('db-password', { version: '0123456789abcdef0123456789abcdef' }), { objectVersion: '0123456789abcdef0123456789abcdef' }],
    ['versionHistory', KeyVaultObject.secret('db-password', { versionHistory: 5 }), { objectVersionHistory: 5 }],
    ['filePermission', KeyVaultObject.secret('db-password', { filePermission: '0440' }), { filePermission: '0440' }],
    ['format PEM', KeyVaultObject.secret('db-password', { format: ObjectFormat.PEM }), { objectFormat: 'pem' }],
    ['format PFX', KeyVaultObject.secret('db-password', { format: ObjectFormat.PFX }), { objectFormat: 'pfx' }],
    ['encoding UTF-8', KeyVaultObject.secret('db-password', { encoding: ObjectEncoding.UTF8 }), { objectEncoding: 'utf-8' }],
    ['encoding hex', KeyVaultObject.secret('db-password', { encoding: ObjectEncoding.HEX }), { objectEncoding: 'hex' }],
    ['encoding base64', KeyVaultObject.secret('db-password', { encoding: ObjectEncoding.BASE64 }), { objectEncoding: 'base64' }],
  ])('%s', (_option, object, fields) => {
    const { manifests, entries } = rendered(object);
    expect(entries).toEqual([{ objectName: 'db-password', objectType: 'secret', ...fields }]);
    expect(manifests).toMatchSnapshot();
  });

  test.each([
    ['key', KeyVaultObject.key('signing', { alias: 'keys/signing.pem', version: 'latest', versionHistory: 2, filePermission: '0400' }), 'key'],
    ['certificate', KeyVaultObject.certificate('tls', { alias: 'tls.crt', version: 'latest', versionHistory: 2, filePermission: '644' }), 'cert'],
  ])('a %s takes alias, version, versionHistory and filePermission', (_kind, object, objectType) => {
    const { manifests, entries } = rendered(object);
    expect(entries).toEqual([{
      objectName: object.objectName,
      objectAlias: object.alias,
      objectType,
      objectVersion: 'latest',
      objectVersionHistory: 2,
      filePermission: object.filePermission,
    }]);
    expect(manifests).toMatchSnapshot();
  });

  test('a PFX certificate as a binary file: objectFormat pfx with objectEncoding base64 (provider issue #138)', () => {
    const { manifests, entries } = rendered(KeyVaultObject.secret('kestrel', { alias: 'kestrel.pfx', format: ObjectFormat.PFX, encoding: ObjectEncoding.BASE64 }));
    expect(entries).toEqual([{ objectName: 'kestrel', objectAlias: 'kestrel.pfx', objectType: 'secret', objectFormat: 'pfx', objectEncoding: 'base64' }]);
    expect(manifests).toMatchSnapshot();
  });

  test('objectVersionHistory is an unquoted integer (the provider reads an int32; "5" fails)', () => {
    const { raw, entries } = rendered(KeyVaultObject.secret('db-password', { versionHistory: 5 }));
    expect(raw).toMatch(/^ {4}objectVersionHistory: 5$/m);
    expect(typeof entries[0].objectVersionHistory).toBe('number');
  });

  test.each(['0440', '0755', '644', '0000'])('filePermission %s reads back as the same string, leading zero kept', (permission) => {
    const { entries } = rendered(KeyVaultObject.secret('db-password', { filePermission: permission }));
    expect(entries[0].filePermission).toBe(permission);
  });

  test('versionHistory 1 writes a single file, more write <file>/0 (newest) to <file>/N-1', () => {
    expect(KeyVaultObject.secret('a', { versionHistory: 1 }).files).toEqual(['a']);
    expect(KeyVaultObject.secret('a', { versionHistory: 3 }).files).toEqual(['a/0', 'a/1', 'a/2']);
    expect(KeyVaultObject.secret('a', { alias: 'db/a', versionHistory: 2 }).files).toEqual(['db/a/0', 'db/a/1']);
  });

  test('writes() names exactly the files the provider writes', () => {
    const single = KeyVaultObject.secret('a', { alias: 'db/a' });
    expect(single.writes('db/a')).toBe(true);
    expect(single.writes('a')).toBe(false);
    const history = KeyVaultObject.secret('a', { versionHistory: 3 });
    expect(['a/0', 'a/1', 'a/2'].map(f => history.writes(f))).toEqual([true, true, true]);
    expect(['a', 'a/3', 'a/01', 'a/-1', 'a/1/x', 'b/0'].map(f => history.writes(f))).toEqual([false, false, false, false, false, false]);
  });

  test('the alias is the file name', () => {
    expect(KeyVaultObject.key('k', { alias: 'keys/k.pem' }).fileName).toBe('keys/k.pem');
  });
});

describe('objects parameter', () => {
  test('is the canonical provider format: "array:" and a list of literal-block YAML strings', () => {
    // THEN: exactly the canonical form the provider's docs show (parsed by types.go's `array` of strings)
    const { raw } = rendered(KeyVaultObject.secret('secret1'), KeyVaultObject.key('key1'));
    expect(raw).toBe([
      'array:',
      '  - |',
      '    objectName: secret1',
      '    objectType: secret',
      '  - |',
      '    objectName: key1',
      '    objectType: key',
      '',
    ].join('\n'));
  });

  test('keeps the order the objects were given in', () => {
    const { entries } = rendered(KeyVaultObject.certificate('c'), KeyVaultObject.secret('a'), KeyVaultObject.key('b'));
    expect(entries.map(e => e.objectName)).toEqual(['c', 'a', 'b']);
  });

  test.each([
    ['a plain secret', KeyVaultObject.secret('s')],
    ['every option', KeyVaultObject.secret('s', { alias: 'db/s', version: 'abc', versionHistory: 3, filePermission: '0440', format: ObjectFormat.PFX, encoding: ObjectEncoding.BASE64 })],
    ['a certificate at a version', KeyVaultObject.certificate('c', { version: '0123456789abcdef0123456789abcdef' })],
  ])('%s reads back as the very entry the construct checked, every field present in one order', (_, object) => {
    // The rules see one entry shape from constructs and from the checker (DESIGN.md, "Per-workload code").
    const { entries, problems } = readObjects(renderObjects([object]));
    expect(problems).toEqual([]);
    expect(entries[0]).toStrictEqual(object._entry());
    expect(Object.keys(entries[0]!)).toEqual(Object.keys(object._entry()));
  });

  const LOOKALIKE_ALIASES = [
    'true', 'False', 'yes', 'NO', 'on', 'off', 'y', 'n', '~', 'null', 'Null', '0123', '123', '-1', '+1', '1e3', '0x1F', '0o17',
    '.5', '.inf', '.NaN', '1_000', '1:20', '2024-01-01', 'a: b', 'x#y', '#x', 'x #y', '- x', '[a]', '{a: 1}', '*ref', '&anchor',
    '!tag', '%dir', '@at', '`tick', '\'single\'', '"double"', '|', '>', '? q', 'a,b', 'ünïcödé', '<<', '=',
  ];

  test.each(LOOKALIKE_ALIASES)('alias %j reads back as the same string (YAML 1.2 and 1.1)', (alias) => {
    const { raw } = rendered(KeyVaultObject.secret('s', { alias }));
    const [entry] = parseObjects({ spec: { parameters: { objects: raw } } });
    expect(entry.objectAlias).toBe(alias);
    // yaml.v3 (the provider) also resolves some YAML 1.1 forms; the value must be a string there too
    const entry11 = YAML.parse(YAML.parse(raw).array[0], { version: '1.1' });
    expect(entry11.objectAlias).toBe(alias);
  });

  test.each(['true', 'null', 'yes', 'off', '0123', '1e3', '0x1F', '123', 'Infinity', 'NaN'])('object name and version %j read back as the same strings', (name) => {
    const { raw } = rendered(KeyVaultObject.key(name, { version: name }));
    for (const version of ['1.2', '1.1'] as const) {
      const entry = YAML.parse(YAML.parse(raw).array[0], { version });
      expect(entry).toEqual({ objectName: name, objectType: 'key', objectVersion: name });
    }
  });
});

describe('KeyVaultObject validation', () => {
  const NAME_RULE = /1-127 characters: letters, digits and hyphens/;
  const NAME_FIX = /name as shown in the vault/;

  test('fails with an empty object name', () => {
    expectInvalid(KeyVaultObject.secret(''), 'objectName', '', NAME_RULE, NAME_FIX);
  });

  test('fails with a 128-character object name (127 is the limit)', () => {
    expect(() => classWith(KeyVaultObject.secret('a'.repeat(127)))).not.toThrow();
    expectInvalid(KeyVaultObject.secret('a'.repeat(128)), 'objectName', 'a'.repeat(128), NAME_RULE, NAME_FIX);
  });

  test('fails with an underscore in the object name', () => {
    expectInvalid(KeyVaultObject.key('db_password'), 'objectName', 'db_password', NAME_RULE, NAME_FIX);
  });

  const FILE_FIX = /`alias` to a relative path/;

  test('fails with an empty alias: the provider ignores it and names the file after the object', () => {
    expectInvalid(KeyVaultObject.secret('s', { alias: '' }), 'alias', '', /file name must not be empty; the provider ignores an empty objectAlias/, /remove the alias/);
  });

  test.each(['/etc/secret', '/', 'C:/secrets/s', 'c:\\s', '\\\\server\\share'])('fails with the absolute alias %j', (alias) => {
    expectInvalid(KeyVaultObject.secret('s', { alias }), 'alias', alias, /file name must be relative/, FILE_FIX);
  });

  test.each(['.', '..', './s', 'a/../s', '../s', 's/..', 'a//s', 'a/', 'a/./s'])('fails with the alias %j (".", ".." or empty segment)', (alias) => {
    expectInvalid(KeyVaultObject.secret('s', { alias }), 'alias', alias, /must not contain empty, "\." or "\.\." segments/, FILE_FIX);
  });

  test('fails with a backslash in the alias', () => {
    expectInvalid(KeyVaultObject.secret('s', { alias: 'db\\password' }), 'alias', 'db\\password', /must use "\/" as the separator/, FILE_FIX);
  });

  test.each([' s', 's ', '\u3000s', '\u00a0s'])('fails with the alias %j: the provider trims spaces, so the file would not be the alias', (alias) => {
    expectInvalid(KeyVaultObject.secret('s', { alias }), 'alias', alias, /whitespace/, FILE_FIX);
  });

  test.each(['a\nb', 'a\u0000b', 'a\u0085b', 'a\u2028b', 'a\u2029b'])('fails with the alias %j: a control character or a YAML line break', (alias) => {
    expectInvalid(KeyVaultObject.secret('s', { alias }), 'alias', alias, /control characters or line breaks/, FILE_FIX);
  });

  test.each(['a..b', '...', 'a/b..'])('fails with the alias %j: the provider rejects ".." anywhere', (alias) => {
    expectInvalid(KeyVaultObject.secret('s', { alias }), 'alias', alias, /must not contain "\.\." \(the provider rejects it anywhere\)/, FILE_FIX);
  });

  test('fails with a drive-like alias and a version directory: "C:/0" is absolute on Windows nodes', () => {
    expect(() => classWith(KeyVaultObject.secret('s', { alias: 'C:' }))).not.toThrow();
    expectInvalid(KeyVaultObject.secret('s', { alias: 'C:', versionHistory: 2 }), 'alias', 'C:', /file name must be relative/, FILE_FIX);
  });

  test('accepts spaces inside an alias', () => {
    expect(() => classWith(KeyVaultObject.secret('s', { alias: 'my secrets/db password' }))).not.toThrow();
  });

  test('accepts aliases with sub-directories and dots in names', () => {
    expect(() => classWith(KeyVaultObject.secret('s', { alias: 'db/.hidden/s.txt' }))).not.toThrow();
  });

  test.each([1.5, Number.NaN, 2147483648])('fails with versionHistory %p (not an int32)', (versionHistory) => {
    expectInvalid(KeyVaultObject.secret('s', { versionHistory }), 'versionHistory', versionHistory,
      /must be an integer of at most 2147483647/, /number of versions/);
  });

  // The provider writes one version for any history up to 1 (`ObjectVersionHistory <= 1`):
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/types/parameters.go#L104-L108.
  // The checker warns; a construct refuses a value that works only by accident.
  test.each([0, -1])('fails with versionHistory %p: it means a single version', (versionHistory) => {
    expectInvalid(KeyVaultObject.secret('s', { versionHistory }), 'versionHistory', versionHistory,
      /single version .* up to 1/, /set 2 or more/);
  });

  // strconv.ParseInt(s, 8, 32), its error ignored (mode 0):
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/types/parameters.go#L139
  test.each(['0789', 'rwx', '0o644', ''])('fails with filePermission %j: the provider cannot parse it and writes mode 0', (filePermission) => {
    expectInvalid(KeyVaultObject.secret('s', { filePermission }), 'filePermission', filePermission,
      /must be an octal number .*writes the file with mode 0/, /"0644"/);
  });

  test.each(['+644', '17777'])('fails with filePermission %j: it parses, but is not a file mode', (filePermission) => {
    expectInvalid(KeyVaultObject.secret('s', { filePermission }), 'filePermission', filePermission, /not a file mode/, /"0644"/);
  });

  test.each(['00644', '0', '12', '07777'])('accepts filePermission %j, as the provider parses it', (filePermission) => {
    expect(rendered(KeyVaultObject.secret('s', { filePermission })).entries[0].filePermission).toBe(filePermission);
  });

  test.each(['version 1', 'a/b'])('fails with objectVersion %j', (version) => {
    expectInvalid(KeyVaultObject.secret('s', { version }), 'version', version, /Key Vault version ID/, /az keyvault secret list-versions/);
  });

  test('accepts objectVersion "": the latest, as upstream examples write it (provider.go#L373 at v1.8.2)', () => {
    expect(rendered(KeyVaultObject.secret('s', { version: '' })).entries[0].objectVersion).toBe('');
  });

  test('fails with format PFX on a key (reachable from JavaScript): the provider refuses pfx on a non-secret', () => {
    expectInvalid(KeyVaultObject.key('k', { format: ObjectFormat.PFX } as any), 'format', 'pfx',
      /objectFormat pfx applies only to secrets, and this is a key: Key Vault returns keys and certificates only as PEM/, /KeyVaultObject\.secret\("k", \{ format \}\)/);
  });

  test('fails with format PFX on a certificate', () => {
    expectInvalid(KeyVaultObject.certificate('c', { format: ObjectFormat.PFX } as any), 'format', 'pfx',
      /objectFormat pfx applies only to secrets, and this is a cert/, /read the certificate's secret for its PFX/);
  });

  test.each([
    ['key', () => KeyVaultObject.key('k', { format: ObjectFormat.PEM } as any)],
    ['certificate', () => KeyVaultObject.certificate('c', { format: ObjectFormat.PEM } as any)],
  ])('accepts format PEM on a %s, as the provider does (it is PEM anyway)', (_kind, object) => {
    const { entries } = rendered(object());
    expect(entries[0].objectFormat).toBe('pem');
  });

  test('fails with encoding on a certificate', () => {
    expectInvalid(KeyVaultObject.certificate('c', { encoding: ObjectEncoding.BASE64 } as any), 'encoding', 'base64',
      /objectEncoding applies only to secrets, and this is a cert/, /KeyVaultObject\.secret\("c", \{ encoding \}\)/);
  });

  test('fails with encoding on a key', () => {
    expectInvalid(KeyVaultObject.key('k', { encoding: ObjectEncoding.HEX } as any), 'encoding', 'hex',
      /objectEncoding applies only to secrets, and this is a key/, /drop encoding/);
  });

  test('fails with encoding UTF-8 on a key: the provider rejects any encoding on a non-secret', () => {
    expectInvalid(KeyVaultObject.key('k', { encoding: ObjectEncoding.UTF8 } as any), 'encoding', 'utf-8',
      /objectEncoding applies only to secrets, and this is a key \(the provider rejects the object at mount, even for "utf-8"\)/, /drop encoding/);
  });

  test('fails with version "latest" on a single version: Key Vault would get "latest" as a version ID', () => {
    expectInvalid(KeyVaultObject.secret('s', { version: 'latest' }), 'version', 'latest',
      /resolves "latest" only with objectVersionHistory above 1/, /^omit the version for the latest\.$/);
    expectInvalid(KeyVaultObject.secret('s', { version: 'latest', versionHistory: 1 }), 'version', 'latest', /404 at mount/, /omit the version/);
  });

  test('accepts version "latest" with versionHistory above 1', () => {
    expect(rendered(KeyVaultObject.secret('s', { version: 'latest', versionHistory: 2 })).entries[0].objectVersion).toBe('latest');
  });

  test('fails with a format the provider does not know', () => {
    expectInvalid(KeyVaultObject.secret('s', { format: 'der' as ObjectFormat }), 'format', 'der', /must be one of "pem", "pfx"/, /ObjectFormat/);
  });

  test('fails with an encoding the provider does not know', () => {
    expectInvalid(KeyVaultObject.secret('s', { encoding: 'utf8' as ObjectEncoding }), 'encoding', 'utf8', /must be one of "utf-8", "hex", "base64"/, /ObjectEncoding/);
  });

  test('fails with the index of an object added later with addObject', () => {
    const { spc } = classWith(KeyVaultObject.secret('a'));
    expectProblem(errorOf(() => spc.addObject(KeyVaultObject.secret('b'), KeyVaultObject.secret('c', { versionHistory: 0 }))), {
      path: 'test/spc', field: 'objects[2].versionHistory', value: 0, rule: /single version/, fix: /set 2 or more/,
    });
  });
});
