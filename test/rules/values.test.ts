import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { check, problem } from '../../src/app/errors';
import { describeViolation, Finding, Violation } from '../../src/rules/model';
import * as rules from '../../src/rules/values';

// The rules, checked directly at their boundaries. Sources: Azure Key Vault naming rules and
// the provider's https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/types/types.go and https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/validate.go
// (vault name, object fields, file names), the driver's https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/0aad886f70e94a6037325f4eaba4660338dde448/pkg/secrets-store/nodeserver.go,
// Kubernetes apimachinery (DNS-1123 subdomain 253 / label 63, label values 63). Construct-level messages are
// tested next to each construct.

const valid = (violation: Violation | undefined) => violation === undefined;

describe('keyVaultName', () => {
  test.each(['kv1', 'KV-demo-01', 'a'.repeat(24), 'a-b'])('accepts %j', (name) => {
    expect(rules.keyVaultName(name, 'field')).toBeUndefined();
  });

  test.each(['kv', 'a'.repeat(25), 'kv_1', 'kv.1', '1kv', '-kv', 'kv-', 'k--v', 'kv demo', ''])('fails %j', (name) => {
    expect(rules.keyVaultName(name, 'field')?.rule).toMatch(/3-24 characters/);
  });
});

describe('guid and tenantId', () => {
  test.each(['72f988bf-86f1-41af-91ab-2d7cd011db47', '72F988BF-86F1-41AF-91AB-2D7CD011DB47', '00000000-0000-0000-0000-000000000000'])('accepts %j', (id) => {
    expect(rules.guid(id, 'field')).toBeUndefined();
    expect(rules.tenantId(id, false, 'field')).toBeUndefined();
  });

  test.each(['72f988bf86f141af91ab2d7cd011db47', '{72f988bf-86f1-41af-91ab-2d7cd011db47}', '72f988bf-86f1-41af-91ab-2d7cd011db4', 'g2f988bf-86f1-41af-91ab-2d7cd011db47', ' 72f988bf-86f1-41af-91ab-2d7cd011db47', ''])('fails %j', (id) => {
    expect(rules.guid(id, 'field')?.rule).toMatch(/GUID/);
  });

  test('"adfs" is a tenant only where allowed (Azure Stack)', () => {
    expect(rules.tenantId('adfs', true, 'field')).toBeUndefined();
    expect(rules.tenantId('adfs', false, 'field')?.rule).toMatch(/"adfs" is only valid with AzureCloud\.stack/);
    expect(rules.tenantId('ADFS', true, 'field')).toBeDefined();
    expect(rules.guid('adfs', 'field')).toBeDefined();
  });
});

describe('tenantId: a GUID or a verified domain', () => {
  test.each(['contoso.onmicrosoft.com', 'contoso.com', 'Contoso.OnMicrosoft.com', 'login.contoso.co.uk'])('accepts the domain %j', (domain) => {
    expect(rules.tenantId(domain, false, 'field')).toBeUndefined();
  });

  test.each(['contoso', 'contoso.', '.com', 'a..b', 'contoso.onmicrosoft.com/', '1.2.3.4', 'con toso.com', '-a.com'])('rejects %j', (value) => {
    const violation = rules.tenantId(value, false, 'field');
    expect(violation?.rule).toMatch(/must be a GUID or a verified domain name/);
    expect(violation?.fix).toMatch(/az account show --query tenantId/);
  });

  test.each(['tid', '<tenant id>', '${TENANT_ID}', '$TENANT_ID', '<contoso.onmicrosoft.com>'])('rejects the placeholder %j, saying so', (value) => {
    const violation = rules.tenantId(value, true, 'field');
    expect(violation?.rule).toMatch(/looks like a placeholder/);
    expect(violation?.fix).toMatch(/tenant/);
  });
});

describe('keyVaultName placeholders', () => {
  test.each(['<key vault name>', '${KEYVAULT_NAME}', '$KV_NAME', '{{ .Values.vault }}'])('%j is named a placeholder', (value) => {
    const violation = rules.keyVaultName(value, 'field');
    expect(violation?.rule).toMatch(/looks like a placeholder/);
    expect(violation?.fix).toMatch(/vault\.azure\.net/);
  });
});

describe('clientId', () => {
  test('a GUID, with a fix that says where client IDs come from (not tenantId)', () => {
    expect(rules.clientId('72f988bf-86f1-41af-91ab-2d7cd011db47', 'field')).toBeUndefined();
    const violation = rules.clientId('not-a-guid', 'field');
    expect(violation?.rule).toMatch(/must be a GUID/);
    expect(violation?.fix).toMatch(/az identity show --query clientId/);
    expect(violation?.fix).not.toMatch(/tenantId/);
  });

  test('a placeholder says so', () => {
    expect(rules.clientId('<client id>', 'field')?.rule).toMatch(/looks like a placeholder/);
    expect(rules.clientId('$CLIENT_ID', 'field')?.fix).toMatch(/az identity show --query clientId/);
  });
});

describe('objectName', () => {
  test('1 to 127 letters, digits and hyphens', () => {
    expect(['a', 'A-1', 'a'.repeat(127)].map(n => valid(rules.objectName(n, 'field')))).toEqual([true, true, true]);
    expect(['', 'a'.repeat(128), 'a_b', 'a.b', 'a b', 'a/b'].map(n => valid(rules.objectName(n, 'field')))).toEqual([false, false, false, false, false, false]);
  });
});

describe('filePath', () => {
  test.each(['s', 'db/password', 'a.b', '.hidden', 'a: b', 'C:x', 'my secrets/db password'])('accepts %j', (path) => {
    expect(rules.filePath(path, 'field')).toBeUndefined();
  });

  test('accepts segments of 255 characters', () => {
    expect(rules.filePath(`${'x'.repeat(255)}/${'y'.repeat(255)}`, 'field')).toBeUndefined();
  });

  test('every name of up to 5 characters from "a", "." and "/": accepted exactly when relative, with no empty or "." segment and no ".." anywhere', () => {
    const names = [''];
    for (let length = 1; length <= 5; length++) for (const prefix of names.filter(n => n.length === length - 1)) names.push(...['a', '.', '/'].map(c => prefix + c));
    const accepted = (name: string) => name !== '' && !name.includes('..') && name.split('/').every(segment => segment !== '' && segment !== '.');
    const wrong = names.filter(name => (rules.filePath(name, 'field') === undefined) !== accepted(name));
    expect(names).toHaveLength(1 + 3 + 9 + 27 + 81 + 243);
    expect(wrong).toEqual([]);
  });

  test.each([
    ['empty', '', /must not be empty/],
    ['"/s"', '/s', /must be relative/],
    ['"C:/s"', 'C:/s', /must be relative/],
    ['"C:\\s"', 'C:\\s', /must be relative/],
    ['"\\s"', '\\s', /must be relative/],
    ['"a\\b"', 'a\\b', /must use "\/" as the separator/],
    ['"."', '.', /empty, "\." or "\.\." segments/],
    ['".."', '..', /empty, "\." or "\.\." segments/],
    ['"a/../b"', 'a/../b', /empty, "\." or "\.\." segments/],
    ['"./a"', './a', /empty, "\." or "\.\." segments/],
    ['"a//b"', 'a//b', /empty, "\." or "\.\." segments/],
    ['"a/"', 'a/', /empty, "\." or "\.\." segments/],
    ['with a 256-byte segment', 'x'.repeat(256), /segments of at most 255 bytes/],
    ['with a 255-character segment of 510 bytes (the driver counts bytes)', 'é'.repeat(255), /segments of at most 255 bytes/],
    ['with 4097 bytes', `${'x/'.repeat(2048)}x`, /at most 4096 bytes/],
    ['with NUL', 'a\u0000b', /control characters or line breaks/],
    ['with a tab', 'a\tb', /control characters or line breaks/],
    ['with U+2028', 'a\u2028b', /control characters or line breaks/],
    ['with a leading space', ' a', /must not start or end with whitespace/],
    ['with a trailing space', 'a ', /must not start or end with whitespace/],
  ])('fails %s', (_case, path, rule) => {
    expect(rules.filePath(path, 'field')?.rule).toMatch(rule);
    expect(rules.filePath(path, 'field')?.fix).toMatch(/`alias`/);
  });
});

describe('objectVersion', () => {
  // Empty is the latest version: `foundFirst := kvObject.ObjectVersion == "" || kvObject.ObjectVersion == "latest"`,
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L373
  test('a version ID, "latest" (with a history, see checkObject), or empty for the latest', () => {
    expect(['', 'latest', '0123456789abcdef0123456789abcdef'].map(v => valid(rules.objectVersion(v, 'field')))).toEqual([true, true, true]);
    expect(['a b', 'a/b', 'v'.repeat(128)].map(v => valid(rules.objectVersion(v, 'field')))).toEqual([false, false, false]);
  });

  test('the message does not recommend "latest", which a single version rejects', () => {
    const violation = rules.objectVersion('a b', 'field')!;
    expect(violation.rule).not.toMatch(/latest/);
    expect(violation.fix).toMatch(/omit it for the latest/);
  });
});

describe('versionHistory', () => {
  // `IsSyncingSingleVersion() bool { return kv.ObjectVersionHistory <= 1 }`:
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/types/parameters.go#L104-L108
  test('any int32 is valid; up to 1 it means a single version, which is a warning of its own', () => {
    expect([-2147483648, -1, 0, 1, 2, 2147483647].map(n => valid(rules.versionHistory(n, 'field')))).toEqual([true, true, true, true, true, true]);
    const invalid = [1.5, 2147483648, -2147483649, Number.NaN, Number.POSITIVE_INFINITY];
    expect(invalid.map(n => valid(rules.versionHistory(n, 'field')))).toEqual(invalid.map(() => false));
    expect([0, -1].map(n => rules.versionHistoryEffect(n, 'field')?.rule)).toEqual([expect.stringMatching(/single version .* up to 1/), expect.stringMatching(/single version/)]);
    expect([1, 2, 1.5].map(n => rules.versionHistoryEffect(n, 'field'))).toEqual([undefined, undefined, undefined]);
  });
});

describe('filePermission', () => {
  // `strconv.ParseInt(kv.FilePermission, 8, 32)`, its error ignored (mode 0):
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/types/parameters.go#L139
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L332
  test('what strconv.ParseInt(s, 8, 32) parses: any octal digits, "00644" and "0" too', () => {
    expect(['644', '0644', '00644', '0', '0440', '7777', '000', '+644', '-1', '17777777777'].map(p => valid(rules.filePermission(p, 'field'))))
      .toEqual([true, true, true, true, true, true, true, true, true, true]);
    expect(['0789', 'rwx', '', '0x1A4', ' 644', '0_644', '20000000000'].map(p => rules.filePermission(p, 'field')?.rule))
      .toEqual(Array(7).fill(expect.stringMatching(/writes the file with mode 0/)));
  });

  test('a value that parses but is not a mode (a sign, bits above 07777) is a warning of its own', () => {
    expect(['644', '00644', '0', '7777', '0007777'].map(p => rules.filePermissionBits(p, 'field'))).toEqual(Array(5).fill(undefined));
    expect(['+644', '-1', '17777', '12345'].map(p => rules.filePermissionBits(p, 'field')?.rule)).toEqual(Array(4).fill(expect.stringMatching(/not a file mode/)));
    expect(rules.filePermissionBits('rwx', 'field')).toBeUndefined(); // not parsable: filePermission's error says it
  });
});

describe('dns1123Subdomain and dns1123Label', () => {
  test('subdomain: lowercase alphanumerics, "-" and ".", at most 253', () => {
    expect(['a', 'app-secrets', 'a.b-c.d', '0', 'a'.repeat(253)].map(n => valid(rules.dns1123Subdomain(n, 'field')))).toEqual([true, true, true, true, true]);
    expect(['', 'A', 'a_b', '-a', 'a-', '.a', 'a.', 'a..b', 'a'.repeat(254)].map(n => valid(rules.dns1123Subdomain(n, 'field')))).toEqual(Array(9).fill(false));
  });

  test('label: lowercase alphanumerics and "-", at most 63', () => {
    expect(['a', 'secrets-store', '0a', 'a'.repeat(63)].map(n => valid(rules.dns1123Label(n, 'field')))).toEqual([true, true, true, true]);
    expect(['', 'a.b', 'A', '-a', 'a-', 'a'.repeat(64)].map(n => valid(rules.dns1123Label(n, 'field')))).toEqual(Array(6).fill(false));
  });
});

describe('labelValue', () => {
  test('empty, or at most 63 alphanumerics, "-", "_" and ".", alphanumeric at both ends (IsValidLabelValue)', () => {
    expect(['', 'a', 'kv_reader.v1', 'A-b', 'a'.repeat(63)].map(v => valid(rules.labelValue(v, 'field')))).toEqual([true, true, true, true, true]);
    expect(['a b', '-a', 'a.', 'a/b', 'a'.repeat(64)].map(v => valid(rules.labelValue(v, 'field')))).toEqual(Array(5).fill(false));
  });

  test('the pod identity selector is a non-empty label value', () => {
    expect(['a', 'kv_reader.v1'].map(v => valid(rules.podIdentitySelector(v, 'field')))).toEqual([true, true]);
    expect(['', 'a b', 'a'.repeat(64)].map(v => valid(rules.podIdentitySelector(v, 'field')))).toEqual([false, false, false]);
    expect(rules.podIdentitySelector('', 'field')?.fix).toMatch(/AzureIdentityBinding selector/);
  });
});

describe('labelKey and annotationKey (IsQualifiedName)', () => {
  const VALID = ['app', 'A_b.c-d', 'example.com/team', 'a.b/c', 'a'.repeat(63), `${'a'.repeat(253)}/x`, 'secrets-store.csi.k8s.io/managed'];
  const INVALID = ['', '/a', 'a/', 'a/b/c', 'Example.com/x', '-a', 'a-', 'a b', 'a'.repeat(64), `${'a'.repeat(254)}/x`, 'a_b.com/x', 'ключ'];

  test.each(VALID)('accepts %j', (key) => {
    expect(rules.labelKey(key, 'field')).toBeUndefined();
    expect(rules.annotationKey(key, 'field')).toBeUndefined();
  });

  test.each(INVALID)('rejects %j', (key) => {
    expect(rules.labelKey(key, 'field')?.rule).toMatch(/label key "\[prefix\/\]name"/);
    expect(rules.annotationKey(key, 'field')?.rule).toMatch(/annotation key "\[prefix\/\]name"/);
  });
});

describe('placeholder', () => {
  test.each(['tid', 'TENANT_ID', 'tenant-id', 'clientId', '<tenant id>', '<client-id>', '${TENANT_ID}', '$TENANT_ID', '$(TENANT)', '{{ .Values.tenant }}', '%TENANT%', 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', 'CHANGEME'])('%j is a placeholder', (value) => {
    expect(rules.placeholder(value, 'field')?.rule).toMatch(/looks like a placeholder/);
  });

  test.each(['72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com', 'kv-demo', 'adfs', 'tidy'])('%j is not', (value) => {
    expect(rules.placeholder(value, 'field')).toBeUndefined();
  });
});

describe('goDuration', () => {
  test('Go time.ParseDuration forms with a unit', () => {
    expect(['2m', '90s', '1h30m', '1.5h', '500ms', '10us', '10µs', '1ns', '0', '.5s', '1.s'].map(d => valid(rules.goDuration(d, 'field')))).toEqual(Array(11).fill(true));
    expect(['2', '', '2 m', 'm', '1d', 's1'].map(d => valid(rules.goDuration(d, 'field')))).toEqual(Array(6).fill(false));
  });
});

describe('mountPath', () => {
  test('absolute, Linux or Windows', () => {
    expect(['/mnt/secrets-store', '/', 'C:\\secrets', 'c:/secrets'].map(p => valid(rules.mountPath(p, 'field')))).toEqual([true, true, true, true]);
    expect(['mnt', '', 'C:secrets', './mnt'].map(p => valid(rules.mountPath(p, 'field')))).toEqual([false, false, false, false]);
  });
});

describe('messages', () => {
  const violation: Violation = { rule: 'must be X', fix: 'use Y' };

  test('describeViolation names the field, the value as JSON, the rule and the fix', () => {
    expect(describeViolation('objects[0].alias', 'a b', violation)).toBe('objects[0].alias "a b" is invalid: must be X. Fix: use Y.');
    expect(describeViolation('versionHistory', 0, violation)).toBe('versionHistory 0 is invalid: must be X. Fix: use Y.');
  });

  test('problem and check prefix the construct path, as cdk8s does for validations', () => {
    const scope = new Construct(Testing.chart(), 'thing');
    const finding: Finding = { field: 'f', value: 'v', severity: 'error', ...violation };
    expect(problem(scope, finding)).toBe('[test/thing] f "v" is invalid: must be X. Fix: use Y.');
    expect(() => check(scope, finding)).toThrow('[test/thing] f "v" is invalid: must be X. Fix: use Y.');
    expect(() => check(scope, [undefined, finding])).toThrow('[test/thing] f "v" is invalid');
    expect(() => check(scope, undefined)).not.toThrow();
    expect(() => check(scope, [undefined])).not.toThrow();
  });
});
