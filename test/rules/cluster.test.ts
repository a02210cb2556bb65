import {
  audienceRequested, describeUsers, dnsPolicyForIdentityBinding, environmentFileMounted, hostNetworkForPodIdentity,
  providersDirAgreement, providerVersionForIdentityBinding, syncRbacForSecretObjects,
} from '../../src/rules/cluster';

/** The cluster rules are one rule with two doors: the same rule text, a fix for each door. */
const same = (a: string, b: string) => a === b;
const doors = <T>(f: (door: 'construct' | 'manifest') => T) => [f('construct'), f('manifest')] as const;

test('provider version for identity binding: v1.8.0 and later pass, prereleases of it do not', () => {
  expect(providerVersionForIdentityBinding('v1.8.0', ['a'], 'manifest')).toBeUndefined();
  expect(providerVersionForIdentityBinding('v1.7.2', [], 'manifest')).toBeUndefined();
  const [c, m] = doors(d => providerVersionForIdentityBinding('v1.8.0-rc.1', ['a', 'b'], d)!);
  expect(c.rule).toBe('identity binding (useAzureTokenProxy) needs provider v1.8.0 or later, and a, b use it');
  expect(m.rule).toBe(c.rule);
  expect(c.fix).toMatch(/^set version to "v1\.8\.0"/);
  expect(m.fix).toMatch(/^use the provider image tag "v1\.8\.0" or later/);
});

test('dnsPolicy for identity binding: only host-network pods need ClusterFirstWithHostNet', () => {
  expect(dnsPolicyForIdentityBinding(undefined, false, ['a'], 'manifest')).toBeUndefined();
  expect(dnsPolicyForIdentityBinding('ClusterFirstWithHostNet', true, ['a'], 'manifest')).toBeUndefined();
  const [c, m] = doors(d => dnsPolicyForIdentityBinding(undefined, true, ['a'], d)!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/needs dnsPolicy "ClusterFirstWithHostNet" .* and a uses it$/);
  expect(m.fix).toMatch(/set dnsPolicy: ClusterFirstWithHostNet/);
});

test('pod identity needs the host network', () => {
  expect(hostNetworkForPodIdentity(true, ['a'], 'manifest')).toBeUndefined();
  const [c, m] = doors(d => hostNetworkForPodIdentity(false, ['a', 'b', 'c', 'd', 'e'], d)!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/, and a, b, c and 2 more use it$/);
});

test('audiences: the CSIDriver must request the class\'s audience', () => {
  expect(audienceRequested(['x', 'y'], 'y', 'cls', 'manifest')).toBeUndefined();
  const [c, m] = doors(d => audienceRequested([], 'api://AKSIdentityBinding', 'cls', d)!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/^cls signs in .* "token for audience api:\/\/AKSIdentityBinding not found"/);
  expect(c.fix).toMatch(/tokenAudiences/);
  expect(m.fix).toMatch(/spec\.tokenRequests/);
});

test('providers directory: the provider\'s must be one of the driver\'s', () => {
  const setting = { provider: 'providersDir', driver: 'providersDir' };
  expect(providersDirAgreement(false, '/a', ['/b', '/a'], 'drv', same, 'manifest', setting)).toBeUndefined();
  const [c, m] = doors(d => providersDirAgreement(true, 'D:\\p', ['C:\\k'], 'drv', same, d, setting)!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/^the Windows driver drv looks for provider sockets only in "C:\\\\k"/);
});

test('cloud environment file must be mounted', () => {
  expect(environmentFileMounted('/e.json', ['/e.json'], same, 'manifest')).toBeUndefined();
  const [c, m] = doors(d => environmentFileMounted('/e.json', [], same, d)!);
  expect(c.rule).toMatch(/^no AzureKeyVaultProvider in the app mounts it \(none mounts a cloud environment file\)/);
  expect(m.rule).toMatch(/^no provider DaemonSet in the input mounts it/);
});

test('syncing Secrets needs the driver\'s sync RBAC', () => {
  expect(syncRbacForSecretObjects(true, 'ns/sa', ['a'], 'manifest')).toBeUndefined();
  expect(syncRbacForSecretObjects(false, 'ns/sa', [], 'manifest')).toBeUndefined();
  const [c, m] = doors(d => syncRbacForSecretObjects(false, 'ns/sa', ['a', 'b'], d)!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/^a, b sync Kubernetes Secrets \(secretObjects\), and the driver's ServiceAccount ns\/sa may not create them/);
  expect(c.fix).toMatch(/syncSecrets/);
  expect(m.fix).toMatch(/syncSecret\.enabled=true/);
});

test('users are listed once', () => {
  expect(describeUsers(['a', 'a', 'b'])).toBe('a, b');
});
