import { ObjectEntry, SecretObjectEntry } from '../../src/rules/model';
import { checkSecretObject, checkSecretObjects, checkSyncSources } from '../../src/rules/sync';

// Driver facts: https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/v1.6.0/pkg/util/secretutil/secret.go
// and the provider's https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/v1.8.2/pkg/provider/provider.go.

const tls = (crt: string, key: string): SecretObjectEntry => ({
  secretName: 'ingress-tls', type: 'kubernetes.io/tls', data: [{ objectName: crt, key: 'tls.crt' }, { objectName: key, key: 'tls.key' }],
});
const FIELD_CRT = 'secretObjects[0].data[0].objectName';
const FIELD_KEY = 'secretObjects[0].data[1].objectName';

describe('TLS sources', () => {
  test('both keys from a PEM certificate secret: fine', () => {
    expect(checkSyncSources([tls('tls', 'tls')], [{ objectName: 'tls', objectType: 'secret' }])).toEqual([]);
  });

  test('a binary PFX (pfx + base64) is fine; pfx alone is base64 text the driver cannot read', () => {
    expect(checkSyncSources([tls('tls', 'tls')], [{ objectName: 'tls', objectType: 'secret', objectFormat: 'pfx', objectEncoding: 'base64' }])).toEqual([]);
    const findings = checkSyncSources([tls('tls', 'tls')], [{ objectName: 'tls', objectType: 'secret', objectFormat: 'pfx' }]);
    expect(findings.map(f => f.field)).toEqual([FIELD_CRT, FIELD_KEY]);
    expect(findings[0].rule).toMatch(/writes the PFX as base64 text unless objectEncoding is base64.*failed to get cert data from file/);
    expect(findings[0].fix).toMatch(/set objectEncoding base64/);
  });

  test('tls.key from a key object (public key) or a cert object (no private key) is refused', () => {
    const objects: ObjectEntry[] = [{ objectName: 'pub', objectType: 'key' }, { objectName: 'leaf', objectType: 'cert' }, { objectName: 'tls', objectType: 'secret' }];
    const fromKey = checkSyncSources([tls('tls', 'pub')], objects);
    expect(fromKey.map(f => f.field)).toEqual([FIELD_KEY]);
    expect(fromKey[0].rule).toMatch(/tls\.key cannot come from key "pub": a key object is the public key only/);
    expect(fromKey[0].fix).toMatch(/KeyVaultObject\.secret\("pub"\)/);
    const fromCert = checkSyncSources([tls('tls', 'leaf')], objects);
    expect(fromCert.map(f => f.field)).toEqual([FIELD_KEY]);
    expect(fromCert[0].rule).toMatch(/a cert object is the public certificate without its private key/);
  });

  test('tls.crt from a cert object is the leaf certificate: accepted; from a key object: refused', () => {
    const objects: ObjectEntry[] = [{ objectName: 'pub', objectType: 'key' }, { objectName: 'leaf', objectType: 'cert' }, { objectName: 'tls', objectType: 'secret' }];
    expect(checkSyncSources([tls('leaf', 'tls')], objects)).toEqual([]);
    expect(checkSyncSources([tls('pub', 'tls')], objects).map(f => f.field)).toEqual([FIELD_CRT]);
  });

  test('the .crt/.key split files: each key from its own part, never from PFX', () => {
    const context = { writeCertAndKeyInSeparateFiles: true };
    const pem: ObjectEntry[] = [{ objectName: 'tls', objectType: 'secret' }];
    expect(checkSyncSources([tls('tls.crt', 'tls.key')], pem, context)).toEqual([]);
    const swapped = checkSyncSources([tls('tls.key', 'tls.crt')], pem, context);
    expect(swapped.map(f => f.field)).toEqual([FIELD_CRT, FIELD_KEY]);
    expect(swapped[0].rule).toMatch(/"tls\.key" holds only the private key, and tls\.crt needs the certificates/);
    const pfx = checkSyncSources([tls('tls.crt', 'tls.key')], [{ objectName: 'tls', objectType: 'secret', objectFormat: 'pfx', objectEncoding: 'base64' }], context);
    expect(pfx[0].rule).toMatch(/splits only PEM/);
  });

  test('split files do not exist without the provider flag', () => {
    const [f] = checkSyncSources([tls('tls.crt', 'tls')], [{ objectName: 'tls', objectType: 'secret' }]);
    expect(f.field).toBe(FIELD_CRT);
    expect(f.rule).toMatch(/the class writes no such file \(files: tls\)/);
  });
});

describe('labels and annotations', () => {
  const entry = (more: Partial<SecretObjectEntry>): SecretObjectEntry => ({ secretName: 's', type: 'Opaque', data: [{ objectName: 'a', key: 'k' }], ...more });

  test('valid keys and values pass, including an empty label value', () => {
    expect(checkSecretObject(entry({ labels: { 'app': 'web', 'example.com/tier': '' }, annotations: { 'reloader.stakater.com/match': 'true' } }), 'so')).toEqual([]);
  });

  test('a bad label key, label value and annotation key are each named', () => {
    const findings = checkSecretObject(entry({ labels: { 'bad key': 'x', 'app': 'a b' }, annotations: { 'a/b/c': 'x' } }), 'so');
    expect(findings.map(f => [f.field, f.value])).toEqual([['so.labels', 'bad key'], ['so.labels["app"]', 'a b'], ['so.annotations', 'a/b/c']]);
    expect(findings[0].rule).toMatch(/label key/);
    expect(findings[1].rule).toMatch(/label value/);
    expect(findings[2].rule).toMatch(/annotation key/);
  });

  test('annotations above 256 KiB in total are refused', () => {
    const [f] = checkSecretObject(entry({ annotations: { a: 'x'.repeat(256 * 1024) } }), 'so');
    expect(f.field).toBe('so.annotations');
    expect(f.rule).toMatch(/annotations total 262145 bytes, and Kubernetes allows 262144/);
  });
});

describe('checkSecretObjects', () => {
  test('duplicate Secret names, per-entry rules and sources together', () => {
    const findings = checkSecretObjects([
      { secretName: 'db', type: 'Opaque', data: [{ objectName: 'a', key: 'k' }] },
      { secretName: 'db', type: 'Opaque', data: [{ objectName: 'nope', key: 'k' }] },
    ], [{ objectName: 'a', objectType: 'secret' }]);
    expect(findings.map(f => f.field)).toEqual(['secretObjects[1].secretName', 'secretObjects[1].data[0].objectName']);
  });
});

describe('Secret types', () => {
  const typed = (type: string): SecretObjectEntry => ({ secretName: 'app', type, data: [{ objectName: 'cfg', key: '.dockercfg' }] });

  test('a type the library does not model is a warning (the driver syncs it; constructs reject warnings)', () => {
    const [f, ...rest] = checkSecretObject(typed('kubernetes.io/dockercfg'), 'so');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'warning', field: 'so.type', value: 'kubernetes.io/dockercfg' });
    expect(f.rule).toMatch(/^must be one of Opaque, kubernetes\.io\/tls/);
  });

  test('an empty type is an error, as in the driver', () => {
    const [f] = checkSecretObject(typed(''), 'so');
    expect(f).toMatchObject({ severity: 'error', field: 'so.type', value: '' });
    expect(f.rule).toMatch(/secret type is empty/);
  });
});
