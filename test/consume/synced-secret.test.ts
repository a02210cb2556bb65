import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass, ObjectEncoding, ObjectFormat, SyncedSecretType, SyncSecretOptions,
} from '../../src';
import { errorOf, expectProblem, only, podSpecOf, synth } from '../util';

/** The rendered class, as synth-time findings of validate's rules name it. */
const OBJECT = 'SecretProviderClass demo/azure-kv';

// secretObjects shape, sync rules and Secret types: https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/0aad886f70e94a6037325f4eaba4660338dde448/apis/v1/secretproviderclass_types.go
// and https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/0aad886f70e94a6037325f4eaba4660338dde448/controllers/secretproviderclasspodstatus_controller.go;
// objectName = the written file (alias, name, "<file>/<n>" with history): https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/provider.go.

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** A class "azure-kv" at "kv/spc" writing the files: db-password, tls (a PEM certificate), registry, ssh, api-key/0..2. */
function setup() {
  const chart = new Chart(Testing.app(), 'kv', { namespace: 'demo' });
  const spc = new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'azure-kv' },
    keyVaultName: 'kv-demo',
    tenantId: TENANT_ID,
    identity: KeyVaultIdentity.vmManagedIdentity(),
    objects: [
      KeyVaultObject.secret('db-password'),
      KeyVaultObject.secret('ingress-cert', { alias: 'tls', format: ObjectFormat.PEM }),
      KeyVaultObject.secret('registry'),
      KeyVaultObject.secret('deploy-key', { alias: 'ssh' }),
      KeyVaultObject.secret('db-user', { alias: 'db/user' }),
      KeyVaultObject.secret('api-key', { versionHistory: 3 }),
    ],
  });
  return { chart, spc };
}

function secretObjectsOf(chart: Chart): any[] {
  return only(synth(chart), 'SecretProviderClass').spec.secretObjects;
}

describe('KeyVaultSecretProviderClass.syncSecret', () => {
  // GIVEN each Secret type with the keys Kubernetes and the driver require
  test.each<[string, SyncedSecretType, string, SyncSecretOptions['data']]>([
    ['Opaque', SyncedSecretType.OPAQUE, 'Opaque', [{ key: 'password', objectName: 'db-password' }, { key: 'username', objectName: 'db/user' }]],
    ['TLS', SyncedSecretType.TLS, 'kubernetes.io/tls', [{ key: 'tls.crt', objectName: 'tls' }, { key: 'tls.key', objectName: 'tls' }]],
    ['docker config JSON', SyncedSecretType.DOCKER_CONFIG_JSON, 'kubernetes.io/dockerconfigjson', [{ key: '.dockerconfigjson', objectName: 'registry' }]],
    ['basic auth', SyncedSecretType.BASIC_AUTH, 'kubernetes.io/basic-auth', [{ key: 'username', objectName: 'db/user' }, { key: 'password', objectName: 'db-password' }]],
    ['SSH auth', SyncedSecretType.SSH_AUTH, 'kubernetes.io/ssh-auth', [{ key: 'ssh-privatekey', objectName: 'ssh' }]],
  ])('%s', (_name, type, typeString, data) => {
    // WHEN
    const { chart, spc } = setup();
    const synced = spc.syncSecret({ secretName: 'synced', type, data });

    // THEN the secretObjects entry names the Secret, its Kubernetes type, and key <- file pairs
    const manifests = synth(chart);
    expect(only(manifests, 'SecretProviderClass').spec.secretObjects).toEqual([{
      secretName: 'synced',
      type: typeString,
      data: data.map(d => ({ objectName: d.objectName, key: d.key })),
    }]);
    expect(synced.type).toBe(typeString);
    expect(synced.secretName).toBe('synced');
    expect(synced.data).toEqual(data);
    expect(manifests).toMatchSnapshot();
  });

  test('passes labels and annotations through', () => {
    const { chart, spc } = setup();
    spc.syncSecret({
      secretName: 'db',
      type: SyncedSecretType.OPAQUE,
      data: [{ key: 'password', objectName: 'db-password' }],
      labels: { app: 'web' },
      annotations: { 'reloader.stakater.com/match': 'true' },
    });
    expect(secretObjectsOf(chart)).toEqual([{
      secretName: 'db',
      type: 'Opaque',
      labels: { app: 'web' },
      annotations: { 'reloader.stakater.com/match': 'true' },
      data: [{ objectName: 'db-password', key: 'password' }],
    }]);
  });

  test('several synced Secrets, in call order; syncedSecrets lists them', () => {
    const { chart, spc } = setup();
    spc.syncSecret({ secretName: 'b', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'db-password' }] });
    spc.syncSecret({ secretName: 'a', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'registry' }] });
    expect(secretObjectsOf(chart).map(s => s.secretName)).toEqual(['b', 'a']);
    expect(spc.syncedSecrets.map(s => s.secretName)).toEqual(['b', 'a']);
  });

  test('objectName <file>/<n> names a version of an object with versionHistory', () => {
    const { chart, spc } = setup();
    spc.syncSecret({
      secretName: 'api-keys',
      type: SyncedSecretType.OPAQUE,
      data: [{ key: 'current', objectName: 'api-key/0' }, { key: 'previous', objectName: 'api-key/1' }, { key: 'oldest', objectName: 'api-key/2' }],
    });
    expect(secretObjectsOf(chart)[0].data.map((d: any) => d.objectName)).toEqual(['api-key/0', 'api-key/1', 'api-key/2']);
  });

  test('objects added after syncSecret() count', () => {
    const { chart, spc } = setup();
    spc.syncSecret({ secretName: 'late', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'late/file' }] });
    spc.addObject(KeyVaultObject.secret('late', { alias: 'late/file' }));
    expect(secretObjectsOf(chart)[0].data).toEqual([{ objectName: 'late/file', key: 'k' }]);
  });

  describe('synced files', () => {
    const RULE = /the class writes no such file \(files: db-password, tls, registry, ssh, db\/user, api-key\/0\.\.2\); the driver fails the sync with "file matching objectName/;
    const FIX = /alias or name, with "\/<index>" for objects with versionHistory/;

    test.each([
      ['a file the class does not write', 'nope'],
      ['an object\'s name instead of its alias', 'ingress-cert'],
      ['the version directory of an object with versionHistory', 'api-key'],
      ['a version beyond the history count', 'api-key/3'],
      ['a version with a leading zero', 'api-key/01'],
      ['a version of an object without versionHistory', 'db-password/0'],
    ])('fails at synth when data names %s (%j)', (_case, objectName) => {
      // GIVEN
      const { chart, spc } = setup();
      spc.syncSecret({ secretName: 'synced', type: SyncedSecretType.OPAQUE, data: [{ key: 'ok', objectName: 'db-password' }, { key: 'bad', objectName }] });

      // THEN
      const message = errorOf(() => Testing.synth(chart));
      expect(message).toMatch(/^Validation failed/);
      expectProblem(message, { path: 'kv/spc', object: OBJECT, field: 'spec.secretObjects[0].data[1].objectName', value: objectName, rule: RULE, fix: FIX });
    });
  });

  describe('Secret types', () => {
    test('fails with a TLS key other than tls.crt and tls.key', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({
        secretName: 'ingress-tls',
        type: SyncedSecretType.TLS,
        data: [{ key: 'tls.crt', objectName: 'tls' }, { key: 'tls.key', objectName: 'tls' }, { key: 'ca.crt', objectName: 'tls' }],
      })), {
        path: 'kv/spc', field: 'secretObjects[0].data[2].key', value: 'ca.crt', rule: /kubernetes\.io\/tls Secret takes only the keys tls\.crt and tls\.key/, fix: /tls\.crt and tls\.key/,
      });
    });

    test.each([
      ['tls.key', [{ key: 'tls.crt', objectName: 'tls' }]],
      ['tls.crt', [{ key: 'tls.key', objectName: 'tls' }]],
    ])('fails with a TLS Secret missing %s', (missing, data) => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'ingress-tls', type: SyncedSecretType.TLS, data })), {
        path: 'kv/spc',
        field: 'secretObjects[0].data',
        value: data.map(d => d.key),
        rule: new RegExp(`kubernetes\\.io/tls Secret needs the key ${missing.replace('.', '\\.')}`),
        fix: new RegExp(`key: "${missing.replace('.', '\\.')}"`),
      });
    });

    describe('TLS sources (the driver reads the certificates and the private key from the synced file)', () => {
      /** Syncs tls.crt and tls.key from `crt` and `key` after adding `objects`; returns the synth error. */
      function tlsError(objects: KeyVaultObject[], crt: string, key: string): string {
        const { chart, spc } = setup();
        spc.addObject(...objects);
        spc.syncSecret({ secretName: 'ingress-tls', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: crt }, { key: 'tls.key', objectName: key }] });
        return errorOf(() => Testing.synth(chart));
      }

      test('fails when tls.key comes from a key object: a key object is the public key only', () => {
        expectProblem(tlsError([KeyVaultObject.key('signing')], 'tls', 'signing'), {
          path: 'kv/spc',
          object: OBJECT,
          field: 'spec.secretObjects[0].data[1].objectName',
          value: 'signing',
          rule: /tls\.key cannot come from key "signing": a key object is the public key only/,
          fix: /KeyVaultObject\.secret\("signing"\)/,
        });
      });

      test('fails when tls.key comes from a cert object: it has no private key', () => {
        expectProblem(tlsError([KeyVaultObject.certificate('leaf')], 'tls', 'leaf'), {
          path: 'kv/spc',
          object: OBJECT,
          field: 'spec.secretObjects[0].data[1].objectName',
          value: 'leaf',
          rule: /a cert object is the public certificate without its private key.*failed to get cert data from file/,
          fix: /certificate's secret/,
        });
      });

      test('fails when both come from a PFX secret without encoding BASE64 (the file is base64 text)', () => {
        const message = tlsError([KeyVaultObject.secret('kestrel', { alias: 'kestrel.pfx', format: ObjectFormat.PFX })], 'kestrel.pfx', 'kestrel.pfx');
        for (const index of [0, 1]) {
          expectProblem(message, {
            path: 'kv/spc',
            object: OBJECT,
            field: `spec.secretObjects[0].data[${index}].objectName`,
            value: 'kestrel.pfx',
            rule: /with objectFormat pfx the provider writes the PFX as base64 text unless objectEncoding is base64/,
            fix: /objectEncoding base64 \(ObjectEncoding\.BASE64\)/,
          });
        }
      });

      test('a binary PFX (format PFX, encoding BASE64) and a cert object\'s leaf for tls.crt synthesize', () => {
        const { chart, spc } = setup();
        spc.addObject(KeyVaultObject.secret('kestrel', { alias: 'kestrel.pfx', format: ObjectFormat.PFX, encoding: ObjectEncoding.BASE64 }), KeyVaultObject.certificate('leaf'));
        spc.syncSecret({ secretName: 'a', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: 'kestrel.pfx' }, { key: 'tls.key', objectName: 'kestrel.pfx' }] });
        spc.syncSecret({ secretName: 'b', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: 'leaf' }, { key: 'tls.key', objectName: 'tls' }] });
        expect(secretObjectsOf(chart).map(o => o.secretName)).toEqual(['a', 'b']);
      });

      test('an Opaque Secret may take any object\'s file', () => {
        const { chart, spc } = setup();
        spc.addObject(KeyVaultObject.key('signing'));
        spc.syncSecret({ secretName: 'pub', type: SyncedSecretType.OPAQUE, data: [{ key: 'public.pem', objectName: 'signing' }] });
        expect(secretObjectsOf(chart)[0].data).toEqual([{ objectName: 'signing', key: 'public.pem' }]);
      });
    });

    test('fails with a docker config Secret without .dockerconfigjson', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'pull', type: SyncedSecretType.DOCKER_CONFIG_JSON, data: [{ key: 'config.json', objectName: 'registry' }] })), {
        path: 'kv/spc', field: 'secretObjects[0].data', value: ['config.json'], rule: /kubernetes\.io\/dockerconfigjson Secret needs the key \.dockerconfigjson/, fix: /\.dockerconfigjson/,
      });
    });

    test('fails with a basic-auth Secret with neither username nor password', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'basic', type: SyncedSecretType.BASIC_AUTH, data: [{ key: 'user', objectName: 'db/user' }] })), {
        path: 'kv/spc', field: 'secretObjects[0].data', value: ['user'], rule: /kubernetes\.io\/basic-auth Secret needs the key username or password/, fix: /username/,
      });
    });

    test('basic-auth takes username alone or password alone', () => {
      const { spc } = setup();
      expect(() => spc.syncSecret({ secretName: 'user', type: SyncedSecretType.BASIC_AUTH, data: [{ key: 'username', objectName: 'db/user' }] })).not.toThrow();
      expect(() => spc.syncSecret({ secretName: 'pass', type: SyncedSecretType.BASIC_AUTH, data: [{ key: 'password', objectName: 'db-password' }] })).not.toThrow();
    });

    test('fails with an ssh-auth Secret without ssh-privatekey', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'git', type: SyncedSecretType.SSH_AUTH, data: [{ key: 'id_rsa', objectName: 'ssh' }] })), {
        path: 'kv/spc', field: 'secretObjects[0].data', value: ['id_rsa'], rule: /kubernetes\.io\/ssh-auth Secret needs the key ssh-privatekey/, fix: /ssh-privatekey/,
      });
    });

    test('fails with a type that is not a SyncedSecretType (reachable from JavaScript)', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 's', type: 'tls' as SyncedSecretType, data: [{ key: 'k', objectName: 'tls' }] })), {
        path: 'kv/spc', field: 'secretObjects[0].type', value: 'tls', rule: /must be one of "Opaque", "kubernetes\.io\/tls"/, fix: /SyncedSecretType\.OPAQUE/,
      });
    });
  });

  describe('names and keys', () => {
    test.each([
      ['upper case', 'DB-Secret'], ['an underscore', 'db_secret'], ['nothing', ''], ['a trailing hyphen', 'db-'], ['254 characters', 'a'.repeat(254)],
    ])('fails with a secretName with %s (not a DNS-1123 subdomain)', (_case, secretName) => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName, type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'db-password' }] })), {
        path: 'kv/spc', field: 'secretObjects[0].secretName', value: secretName, rule: /DNS-1123 subdomain/, fix: /app-secrets/,
      });
    });

    test('fails with a secretName the class already syncs', () => {
      const { spc } = setup();
      spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'db-password' }] });
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'username', objectName: 'db/user' }] })), {
        path: 'kv/spc', field: 'secretObjects[1].secretName', value: 'db', rule: /already syncs a Secret with this name/, fix: /merge the data into one syncSecret\(\) call/,
      });
    });

    test('fails with a key twice in one Secret', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({
        secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'db-password' }, { key: 'password', objectName: 'db/user' }],
      })), {
        path: 'kv/spc', field: 'secretObjects[0].data[1].key', value: 'password', rule: /each key of a Secret appears once/, fix: /distinct key/,
      });
    });

    test.each([
      ['empty', ''], ['a space', 'my key'], ['a slash', 'a/b'], ['non-ASCII letters', 'ключ'], ['254 characters', 'k'.repeat(254)],
    ])('fails with a Secret key with %s', (_case, key) => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key, objectName: 'db-password' }] })), {
        path: 'kv/spc', field: 'secretObjects[0].data[0].key', value: key, rule: /at most 253 letters, digits, "-", "_" and "\."/, fix: /use a key such as "password"/,
      });
    });

    test('fails with a label key that is not a qualified name', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'db-password' }], labels: { 'my app': 'web' } })), {
        path: 'kv/spc', field: 'secretObjects[0].labels', value: 'my app', rule: /label key "\[prefix\/\]name"/, fix: /"app"/,
      });
    });

    test('fails with a label value that Kubernetes refuses', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'db-password' }], labels: { app: 'my web' } })), {
        path: 'kv/spc', field: 'secretObjects[0].labels["app"]', value: 'my web', rule: /label value/, fix: /"web"/,
      });
    });

    test('fails with an annotation key that is not a qualified name', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'db-password' }], annotations: { 'a/b/c': 'x' } })), {
        path: 'kv/spc', field: 'secretObjects[0].annotations', value: 'a/b/c', rule: /annotation key "\[prefix\/\]name"/, fix: /"prometheus\.io\/scrape"/,
      });
    });

    test('accepts an empty label value and any annotation value', () => {
      const { chart, spc } = setup();
      spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName: 'db-password' }], labels: { 'example.com/tier': '' }, annotations: { note: 'any text: here' } });
      expect(secretObjectsOf(chart)[0].labels).toEqual({ 'example.com/tier': '' });
    });

    test('fails with no data', () => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [] })), {
        path: 'kv/spc', field: 'secretObjects[0].data', value: [], rule: /at least one key/, fix: /\{ key, objectName \}/,
      });
    });

    test.each(['', '/abs', '../x', 'a\\b'])('fails with the objectName %j (not a relative file)', (objectName) => {
      const { spc } = setup();
      expectProblem(errorOf(() => spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'k', objectName }] })), {
        path: 'kv/spc', field: 'secretObjects[0].data[0].objectName', value: objectName, rule: /the file name must/, fix: /relative path/,
      });
    });
  });
});

describe('SyncedSecret', () => {
  test('secret is a kplus.ISecret named secretName', () => {
    const { spc } = setup();
    const synced = spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'db-password' }] });
    expect(synced.secret.name).toBe('db');
    const reference: kplus.ISecret = synced.secret;
    expect(reference.resourceType).toBe('secrets');
  });

  test('the secret works as a cdk8s-plus volume source', () => {
    const { chart, spc } = setup();
    const synced = spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'db-password' }] });
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ image: 'app' }] });
    pod.addVolume(kplus.Volume.fromSecret(chart, 'db-volume', synced.secret));
    spc.mount(pod);
    const volumes = only(synth(chart), 'Pod').spec.volumes;
    expect(volumes.map((v: any) => v.secret?.secretName ?? v.csi?.volumeAttributes?.secretProviderClass).sort()).toEqual(['azure-kv', 'db']);
  });

  test('envValue(key) in a kplus container env is valueFrom.secretKeyRef { name, key }', () => {
    // GIVEN
    const { chart, spc } = setup();
    const synced = spc.syncSecret({ secretName: 'db', type: SyncedSecretType.BASIC_AUTH, data: [{ key: 'username', objectName: 'db/user' }, { key: 'password', objectName: 'db-password' }] });

    // WHEN the same pod mounts the class (the Secret exists only while one does) and reads the Secret in env
    const deployment = new kplus.Deployment(chart, 'app', {
      containers: [{ image: 'app', envVariables: { DB_USER: synced.envValue('username'), DB_PASSWORD: synced.envValue('password', { optional: true }) } }],
    });
    spc.mount(deployment);

    // THEN
    const manifests = synth(chart);
    const [container] = podSpecOf(only(manifests, 'Deployment')).containers;
    expect(container.env).toEqual(expect.arrayContaining([
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'db', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } },
    ]));
    expect(container.env).toHaveLength(2);
    expect(manifests).toMatchSnapshot();
  });

  test('fails envValue() with a key the Secret does not have', () => {
    const { spc } = setup();
    const synced = spc.syncSecret({ secretName: 'db', type: SyncedSecretType.OPAQUE, data: [{ key: 'password', objectName: 'db-password' }] });
    const message = errorOf(() => synced.envValue('username'));
    expect(message).toMatch(/^\[kv\/spc\/[^\]]+\] key "username" is invalid: /);
    expectProblem(message, {
      path: synced.secret.node.path,
      field: 'key',
      value: 'username',
      rule: /the synced Secret "db" has no such key \(keys: password\)/,
      fix: /add the key to the `data` of syncSecret\(\)/,
    });
  });
});
