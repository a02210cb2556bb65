import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AksIdentityBinding, AzureCloud, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, SyncedSecretType,
} from '../../src';
import { errorOf, expectProblem } from '../util';

// What JavaScript callers, `as any` and the jsii languages (whose values arrive untyped) get for a
// wrong or missing value: the usual message (path, field, value, rule, fix), never a TypeError and
// never a manifest written with the value coerced.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

const chart = () => new Chart(Testing.app(), 'kv', { namespace: 'demo' });
const good = () => ({
  keyVaultName: 'kv-demo', tenantId: TENANT_ID, identity: KeyVaultIdentity.workloadIdentity({ clientId: CLIENT_ID }), objects: [KeyVaultObject.secret('s')],
});
const newClass = (props: any) => new KeyVaultSecretProviderClass(chart(), 'spc', props);

describe('KeyVaultSecretProviderClass props', () => {
  test.each([
    ['tenantId missing', { tenantId: undefined }, 'tenantId', undefined, /is required/, /pass a string/],
    ['tenantId a number', { tenantId: 42 }, 'tenantId', 42, /must be a string, not a number/, /pass a string/],
    ['keyVaultName undefined', { keyVaultName: undefined }, 'keyVaultName', undefined, /is required/, /"kvname"/],
    ['cloud a string', { cloud: 'AzureUSGovernment' }, 'cloud', 'AzureUSGovernment', /must be an AzureCloud, not a string/, /AzureCloud\.US_GOVERNMENT/],
    ['identity a plain object', { identity: { clientId: CLIENT_ID } }, 'identity', { clientId: CLIENT_ID }, /must be a KeyVaultIdentity, not an object/, /KeyVaultIdentity\.workloadIdentity/],
    ['objects not a list', { objects: KeyVaultObject.secret('s') }, 'objects', undefined, /must be a list of KeyVaultObject, not an object/, /pass a list/],
    ['an object that is a string', { objects: ['s'] }, 'objects[0]', 's', /must be a KeyVaultObject, not a string/, /KeyVaultObject\.secret\(name\)/],
  ])('%s', (_case, override, field, value, rule, fix) => {
    const message = errorOf(() => newClass({ ...good(), ...override }));
    expect(message).not.toMatch(/TypeError|Cannot read/);
    if (field === 'objects' && value === undefined) {
      expect(message).toMatch(new RegExp(`^\\[kv/spc\\] objects .* is invalid: ${rule.source}`));
    } else {
      expectProblem(message, { path: 'kv/spc', field, value, rule, fix });
    }
  });

  test('no props at all', () => {
    expectProblem(errorOf(() => newClass(undefined)), { path: 'kv/spc', field: 'props', value: undefined, rule: /is required/, fix: /keyVaultName, tenantId/ });
  });
});

describe('identities', () => {
  test.each([
    ['workloadIdentity({})', () => KeyVaultIdentity.workloadIdentity({} as any), 'identity.clientId', undefined, /is required/],
    ['identityBinding({ clientId: 1 })', () => KeyVaultIdentity.identityBinding({ clientId: 1 } as any), 'identity.clientId', 1, /must be a string, not a number/],
    ['identityBinding externallyManagedRbac "yes"', () => KeyVaultIdentity.identityBinding({ clientId: CLIENT_ID, externallyManagedRbac: 'yes' } as any),
      'identity.externallyManagedRbac', 'yes', /must be true or false, not a string/],
    ['vmManagedIdentity userAssignedClientId null', () => KeyVaultIdentity.vmManagedIdentity({ userAssignedClientId: null } as any), 'identity.userAssignedClientId', null, /must be a string, not null/],
    ['servicePrincipal({})', () => KeyVaultIdentity.servicePrincipal({} as any), 'identity.secretName', undefined, /is required/],
    ['podIdentity with a number', () => KeyVaultIdentity.podIdentity({ selector: 7 } as any), 'identity.selector', 7, /must be a string, not a number/],
  ])('%s: reported when a class uses it', (_case, identity, field, value, rule) => {
    expectProblem(errorOf(() => newClass({ ...good(), identity: identity() })), { path: 'kv/spc', field, value, rule, fix: /pass/ });
  });

  test('AksIdentityBinding without a client ID', () => {
    expectProblem(errorOf(() => new AksIdentityBinding(chart(), 'mi', {} as any)), { path: 'kv/mi', field: 'clientId', value: undefined, rule: /is required/, fix: /pass a string/ });
  });
});

describe('objects', () => {
  test.each([
    ['filePermission as a number (0o644 arrives as 420)', { filePermission: 0o644 }, 'objects[0].filePermission', 420, /a number is ambiguous/, /quote the octal mode: "0644"/],
    ['alias as a number', { alias: 5 }, 'objects[0].alias', 5, /must be a string, not a number/, /"db\/password"/],
    ['versionHistory as a string', { versionHistory: '3' }, 'objects[0].versionHistory', '3', /must be a number, not a string/, /e\.g\. 5/],
    ['format not an ObjectFormat', { format: 'PFX' }, 'objects[0].format', 'PFX', /must be one of "pem", "pfx"/, /ObjectFormat\.PEM/],
    ['encoding not an ObjectEncoding', { encoding: 'b64' }, 'objects[0].encoding', 'b64', /must be one of "utf-8", "hex", "base64"/, /ObjectEncoding\.BASE64/],
  ])('%s', (_case, options, field, value, rule, fix) => {
    expectProblem(errorOf(() => newClass({ ...good(), objects: [KeyVaultObject.secret('s', options as any)] })), { path: 'kv/spc', field, value, rule, fix });
  });

  test('a name that is not a string', () => {
    expectProblem(errorOf(() => newClass({ ...good(), objects: [KeyVaultObject.key(undefined as any)] })), {
      path: 'kv/spc', field: 'objects[0].objectName', value: undefined, rule: /is required/, fix: /"secret1"/,
    });
  });
});

describe('syncSecret and mount', () => {
  test.each([
    ['no options', undefined, 'secretObjects[0]', undefined, /is required/],
    ['type missing', { secretName: 's', data: [{ key: 'k', objectName: 's' }] }, 'secretObjects[0].type', undefined, /is required/],
    ['data an object', { secretName: 's', type: SyncedSecretType.OPAQUE, data: { key: 'k' } }, 'secretObjects[0].data', { key: 'k' }, /must be a list of/],
    ['a key that is a number', { secretName: 's', type: SyncedSecretType.OPAQUE, data: [{ key: 1, objectName: 's' }] }, 'secretObjects[0].data[0].key', 1, /must be a string/],
    ['labels with a number', { secretName: 's', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 's' }], labels: { a: 1 } },
      'secretObjects[0].labels["a"]', 1, /must be a string, not a number/],
  ])('syncSecret: %s', (_case, options, field, value, rule) => {
    const spc = newClass(good());
    expectProblem(errorOf(() => spc.syncSecret(options as any)), { path: 'kv/spc', field, value, rule, fix: /./ });
  });

  test('mount with a path that is not a string', () => {
    const c = chart();
    const spc = new KeyVaultSecretProviderClass(c, 'spc', good());
    const pod = new kplus.Pod(c, 'pod', { containers: [{ image: 'busybox' }] });
    expectProblem(errorOf(() => spc.mount(pod, { path: 5 } as any)), { path: 'kv/pod', field: 'path', value: 5, rule: /must be a string, not a number/, fix: /"\/mnt\/secrets-store"/ });
  });

  test('AzureCloud members are the only clouds', () => {
    expect(() => newClass({ ...good(), cloud: AzureCloud.US_GOVERNMENT })).not.toThrow();
  });
});
