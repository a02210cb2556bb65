import { Finding, ObjectEntry } from '../../src/rules/model';
import { checkObject, checkObjectFiles, filesWritten, partWritten } from '../../src/rules/objects';

// Provider facts: https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/validate.go
// and https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/provider.go.

const secret = (objectName: string, more: Partial<ObjectEntry> = {}): ObjectEntry => ({ objectName, objectType: 'secret', ...more });

/** The single finding at `field`, failing when there is none or several. */
function findingAt(findings: Finding[], field: string): Finding {
  const at = findings.filter(f => f.field === field);
  expect(at).toHaveLength(1);
  return at[0];
}

describe('checkObject', () => {
  test('a plain secret has no findings', () => {
    expect(checkObject(secret('db-password'), 'objects[0]')).toEqual([]);
  });

  test('names fields with the provider keys, relative to the given field', () => {
    const f = findingAt(checkObject(secret('s', { objectAlias: '../x' }), 'objects[3]'), 'objects[3].objectAlias');
    expect(f).toMatchObject({ value: '../x', severity: 'error' });
    expect(f.rule).toMatch(/must not contain empty, "\." or "\.\." segments/);
  });

  test('an unknown objectType is an error (the provider fails with "Invalid vaultObjectTypes")', () => {
    const f = findingAt(checkObject({ objectName: 's', objectType: 'certificate' }, 'objects[0]'), 'objects[0].objectType');
    expect(f.rule).toMatch(/must be one of "secret", "key", "cert"/);
    expect(f.fix).toMatch(/"cert" for a public certificate/);
  });

  test('objectVersion "latest" needs objectVersionHistory above 1', () => {
    for (const history of [undefined, 0, 1]) {
      const f = findingAt(checkObject(secret('s', { objectVersion: 'latest', objectVersionHistory: history }), 'objects[0]'), 'objects[0].objectVersion');
      expect(f.rule).toMatch(/Key Vault has no version named "latest"/);
      expect(f.fix).toBe('omit the version for the latest');
    }
    expect(checkObject(secret('s', { objectVersion: 'latest', objectVersionHistory: 2 }), 'objects[0]')).toEqual([]);
  });

  test('an empty objectVersion is the latest version, as every upstream example writes it; an empty objectAlias is a warning', () => {
    // provider.go#L373 at v1.8.2: `kvObject.ObjectVersion == "" || kvObject.ObjectVersion == "latest"`
    // (https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L373)
    const findings = checkObject(secret('s', { objectVersion: '', objectAlias: '' }), 'objects[0]');
    expect(findings.filter(f => f.field === 'objects[0].objectVersion')).toEqual([]);
    const alias = findingAt(findings, 'objects[0].objectAlias');
    expect(alias.severity).toBe('warning');
    expect(alias.rule).toMatch(/names the file after objectName/);
  });

  test('format pem is accepted on keys and certificates, pfx is not (validate.go)', () => {
    expect(checkObject({ objectName: 'k', objectType: 'key', objectFormat: 'pem' }, 'o')).toEqual([]);
    expect(checkObject({ objectName: 'c', objectType: 'cert', objectFormat: 'PEM' }, 'o')).toEqual([]);
    const f = findingAt(checkObject({ objectName: 'c', objectType: 'cert', objectFormat: 'pfx' }, 'o'), 'o.objectFormat');
    expect(f.rule).toMatch(/objectFormat pfx applies only to secrets, and this is a cert/);
    expect(f.severity).toBe('error');
  });

  test('"PFX" on a key or certificate passes the provider\'s case-sensitive check and is written as PEM: a warning', () => {
    // `if objectFormat == types.ObjectFormatPFX && objectType != types.VaultObjectTypeSecret`:
    // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/validate.go#L33
    for (const objectFormat of ['PFX', 'Pfx']) {
      const f = findingAt(checkObject({ objectName: 'c', objectType: 'cert', objectFormat }, 'o'), 'o.objectFormat');
      expect(f.severity).toBe('warning');
      expect(f.rule).toMatch(/case-sensitive.*written as PEM/);
    }
    expect(checkObject({ objectName: 's', objectType: 'secret', objectFormat: 'PFX' }, 'o')).toEqual([]);
  });

  test('objectVersionHistory up to 1 is one version: a warning, not an error; a file mode like "00644" is fine', () => {
    const f = findingAt(checkObject(secret('s', { objectVersionHistory: 0 }), 'o'), 'o.objectVersionHistory');
    expect(f.severity).toBe('warning');
    expect(checkObject(secret('s', { filePermission: '00644' }), 'o')).toEqual([]);
    expect(checkObject(secret('s', { filePermission: '0' }), 'o')).toEqual([]);
    expect(findingAt(checkObject(secret('s', { filePermission: '0999' }), 'o'), 'o.filePermission').severity).toBe('error');
  });

  test('any encoding on a key or certificate is refused, even utf-8; on a secret any case of a known value is fine', () => {
    for (const objectEncoding of ['utf-8', 'base64', 'hex']) {
      expect(findingAt(checkObject({ objectName: 'k', objectType: 'key', objectEncoding }, 'o'), 'o.objectEncoding').rule).toMatch(/objectEncoding applies only to secrets/);
    }
    expect(checkObject(secret('s', { objectEncoding: 'Base64', objectFormat: 'PFX' }), 'o')).toEqual([]);
    expect(findingAt(checkObject(secret('s', { objectEncoding: 'utf8' }), 'o'), 'o.objectEncoding').rule).toMatch(/must be one of "utf-8", "hex", "base64"/);
  });
});

describe('filesWritten and partWritten', () => {
  test('one file, or a version directory', () => {
    expect(filesWritten(secret('a'))).toEqual(['a']);
    expect(filesWritten(secret('a', { objectAlias: 'db/a', objectVersionHistory: 2 }))).toEqual(['db/a/0', 'db/a/1']);
  });

  test('with writeCertAndKeyInSeparateFiles a secret also writes <file>.crt and <file>.key; keys and certs do not', () => {
    const context = { writeCertAndKeyInSeparateFiles: true };
    expect(filesWritten(secret('tls'), context)).toEqual(['tls', 'tls.crt', 'tls.key']);
    expect(filesWritten(secret('tls', { objectVersionHistory: 2 }), context)).toEqual(['tls/0', 'tls/0.crt', 'tls/0.key', 'tls/1', 'tls/1.crt', 'tls/1.key']);
    expect(filesWritten({ objectName: 'c', objectType: 'cert' }, context)).toEqual(['c']);
    expect(partWritten(secret('tls'), 'tls.crt', context)).toBe('crt');
    expect(partWritten(secret('tls'), 'tls.key', context)).toBe('key');
    expect(partWritten(secret('tls'), 'tls.crt')).toBeUndefined();
    expect(partWritten(secret('tls', { objectVersionHistory: 2 }), 'tls/1.key', context)).toBe('key');
    expect(partWritten(secret('tls', { objectVersionHistory: 2 }), 'tls/2.key', context)).toBeUndefined();
  });
});

describe('checkObjectFiles', () => {
  test('distinct files have no findings', () => {
    expect(checkObjectFiles([secret('a', { objectAlias: 'db/a' }), secret('b', { objectAlias: 'db/b' })])).toEqual([]);
  });

  test('an exact duplicate suggests removing it', () => {
    const [f] = checkObjectFiles([secret('tls'), secret('tls')]);
    expect(f).toMatchObject({ field: 'objects[1].objectName', value: 'tls', severity: 'error' });
    expect(f.rule).toMatch(/clashes with "tls" written by secret "tls" \(objects\[0\]\), an exact duplicate/);
    expect(f.fix).toMatch(/^remove the duplicate entry/);
  });

  test('two objects on one file suggest an alias', () => {
    const [f] = checkObjectFiles([secret('a'), { objectName: 'b', objectAlias: 'a', objectType: 'key' }]);
    expect(f.field).toBe('objects[1].objectAlias');
    expect(f.fix).toMatch(/^give one of the objects a distinct `alias`/);
  });

  test('an alias on a secret\'s .crt or .key file clashes only when the provider writes them', () => {
    const entries = [secret('tls'), { objectName: 'ca', objectAlias: 'tls.crt', objectType: 'cert' }];
    expect(checkObjectFiles(entries)).toEqual([]);
    const [f] = checkObjectFiles(entries, { writeCertAndKeyInSeparateFiles: true });
    expect(f.field).toBe('objects[1].objectAlias');
    expect(f.rule).toMatch(/clashes with "tls\.crt" \(its \.crt file, as the provider writes with --write-cert-and-key-in-separate-files\) written by secret "tls"/);
  });

  test('a secret whose .key file another object already writes clashes too', () => {
    const [f] = checkObjectFiles([{ objectName: 'k', objectAlias: 'tls.key', objectType: 'key' }, secret('tls')], { writeCertAndKeyInSeparateFiles: true });
    expect(f.field).toBe('objects[1].objectName');
    expect(f.rule).toMatch(/the file "tls\.key" \(its \.key file.*\) clashes with "tls\.key" written by key "k"/);
  });
});
