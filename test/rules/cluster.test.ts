import {
  audienceRequested, describeUsers, dnsPolicyForIdentityBinding, environmentFileMounted, hostNetworkForPodIdentity, podInfoOnMount,
  providersDirAgreement, providerVersionForIdentityBinding, rotationNeedsRepublish, syncRbacForSecretObjects,
} from '../../src/rules/cluster';

/** The cluster rules are one rule with two doors: the same rule text, a fix for each door. */
const same = (a: string, b: string) => a === b;
const doors = <T>(f: (door: 'construct' | 'manifest') => T) => [f('construct'), f('manifest')] as const;

test('provider version for identity binding: v1.8.1 and later pass; v1.8.0 (untagged, panics with --log-format-json) and prereleases do not', () => {
  // v1.8.0's JSON logger panics at start; fixed in v1.8.1 by
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/commit/7dc89ab96ff190d27cfac1a583b50dd09e4f33b5 (cmd/main.go)
  expect(providerVersionForIdentityBinding('v1.8.1', ['a'], 'manifest', 'field')).toBeUndefined();
  expect(providerVersionForIdentityBinding('v1.8.2', ['a'], 'manifest', 'field')).toBeUndefined();
  expect(providerVersionForIdentityBinding('v1.7.2', [], 'manifest', 'field')).toBeUndefined();
  expect(providerVersionForIdentityBinding('v1.8.0', ['a'], 'manifest', 'field')?.rule).toMatch(/needs provider v1\.8\.1 or later .*v1\.8\.0 was never tagged and panics at start with --log-format-json/);
  const [c, m] = doors(d => providerVersionForIdentityBinding('v1.8.1-rc.1', ['a', 'b'], d, 'field')!);
  expect(c.rule).toMatch(/^identity binding \(useAzureTokenProxy\) needs provider v1\.8\.1 or later \(.*\), and a, b use it$/);
  expect(m.rule).toBe(c.rule);
  expect(c.fix).toMatch(/^set version to "v1\.8\.1"/);
  expect(m.fix).toMatch(/^use the provider image tag "v1\.8\.1" or later/);
});

test('dnsPolicy for identity binding: only host-network pods need ClusterFirstWithHostNet', () => {
  expect(dnsPolicyForIdentityBinding(undefined, false, ['a'], 'manifest', 'field')).toBeUndefined();
  expect(dnsPolicyForIdentityBinding('ClusterFirstWithHostNet', true, ['a'], 'manifest', 'field')).toBeUndefined();
  const [c, m] = doors(d => dnsPolicyForIdentityBinding(undefined, true, ['a'], d, 'field')!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/needs dnsPolicy "ClusterFirstWithHostNet" .* and a uses it$/);
  expect(m.fix).toMatch(/set dnsPolicy: ClusterFirstWithHostNet/);
});

test('pod identity needs the host network', () => {
  expect(hostNetworkForPodIdentity(true, ['a'], 'manifest', 'field')).toBeUndefined();
  const [c, m] = doors(d => hostNetworkForPodIdentity(false, ['a', 'b', 'c', 'd', 'e'], d, 'field')!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/, and a, b, c and 2 more use it$/);
});

test('audiences: the CSIDriver must request the class\'s audience', () => {
  expect(audienceRequested(['x', 'y'], 'y', 'cls', 'manifest', 'field')).toBeUndefined();
  const [c, m] = doors(d => audienceRequested(['x'], 'api://AKSIdentityBinding', 'cls', d, 'field')!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/^cls signs in .* "token for audience api:\/\/AKSIdentityBinding not found"/);
  expect(c.fix).toMatch(/tokenAudiences/);
  expect(m.fix).toMatch(/spec\.tokenRequests/);
});

test('audiences: with no token requested at all, the provider\'s own earlier error is quoted', () => {
  // buildAuthConfig: `if input.saTokens == "" { return … "service account tokens are required for identity binding" }`
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L132-L134
  const [c, m] = doors(d => audienceRequested([], 'api://AKSIdentityBinding', 'cls', d, 'field')!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/requests no token at all\) \(the provider fails with "service account tokens are required for identity binding"\)$/);
  // parseTokenForAudience: `if len(saTokens) == 0 { return "", ErrServiceAccountTokensNotFound }`
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/auth/auth.go#L400-L402
  expect(audienceRequested([], 'api://AzureADTokenExchange', 'cls', 'manifest', 'field')!.rule)
    .toMatch(/"failed to parse workload identity tokens, error: service account tokens not found"\)$/);
});

test('podInfoOnMount: provider v1.8.0 and later need pod information on every mount', () => {
  // `if len(podName) == 0 { return nil, fmt.Errorf("pod name is not provided") }`
  // https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L172-L177
  expect(podInfoOnMount(true, [], ['cls'], [], 'field')).toBeUndefined();
  expect(podInfoOnMount(false, [], [], [], 'field')).toBeUndefined();
  for (const versions of [[], [undefined], ['v1.8.2'], ['v1.7.2', 'v1.8.0']]) {
    expect(podInfoOnMount(false, versions, ['cls'], [], 'field')?.rule).toMatch(/fails every mount with "pod name is not provided".*and cls uses it$/);
  }
  expect(podInfoOnMount(undefined, ['v1.7.2'], ['cls'], [], 'field')).toBeUndefined();
  // Older providers need it for pod identity only (NMI): auth.go `pod information is not available`.
  expect(podInfoOnMount(false, ['v1.7.2'], ['cls', 'pi'], ['pi'], 'field')?.rule).toMatch(/pod identity .* "pod information is not available"\), and pi uses it$/);
});

test('requiresRepublish: driver v1.6.0 rotates only on republish', () => {
  // `if rotationEnabled { … }`: the only rotation path in NodePublishVolume, which kubelet calls again only with requiresRepublish
  // https://github.com/kubernetes-sigs/secrets-store-csi-driver/blob/4960f9637c51ad9cb9ef264481bc6d9a98bf1f1c/pkg/secrets-store/nodeserver.go#L129-L161
  expect(rotationNeedsRepublish(true, 'v1.6.0', 'drv', 'field')).toBeUndefined();
  expect(rotationNeedsRepublish(false, 'v1.5.6', 'drv', 'field')).toBeUndefined();
  for (const version of ['v1.6.0', undefined]) {
    expect(rotationNeedsRepublish(undefined, version, 'drv', 'field')?.rule).toMatch(/^drv runs with --enable-secret-rotation=true, .* secrets would never rotate$/);
  }
});

test('providers directory: the provider\'s must be one of the driver\'s', () => {
  const setting = { provider: 'providersDir', driver: 'providersDir' };
  expect(providersDirAgreement(false, '/a', ['/b', '/a'], 'drv', same, 'manifest', setting, 'field')).toBeUndefined();
  const [c, m] = doors(d => providersDirAgreement(true, 'D:\\p', ['C:\\k'], 'drv', same, d, setting, 'field')!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/^the Windows driver drv looks for provider sockets only in "C:\\\\k"/);
});

test('cloud environment file must be mounted', () => {
  expect(environmentFileMounted('/e.json', ['/e.json'], same, 'manifest', 'field')).toBeUndefined();
  const [c, m] = doors(d => environmentFileMounted('/e.json', [], same, d, 'field')!);
  expect(c.rule).toMatch(/^no AzureKeyVaultProvider in the app mounts it \(none mounts a cloud environment file\)/);
  expect(m.rule).toMatch(/^no provider DaemonSet in the input mounts it/);
});

test('syncing Secrets needs the driver\'s sync RBAC', () => {
  expect(syncRbacForSecretObjects(true, 'ns/sa', ['a'], 'manifest', 'field')).toBeUndefined();
  expect(syncRbacForSecretObjects(false, 'ns/sa', [], 'manifest', 'field')).toBeUndefined();
  const [c, m] = doors(d => syncRbacForSecretObjects(false, 'ns/sa', ['a', 'b'], d, 'field')!);
  expect(m.rule).toBe(c.rule);
  expect(m.rule).toMatch(/^a, b sync Kubernetes Secrets \(secretObjects\), and the driver's ServiceAccount ns\/sa may not create them/);
  expect(c.fix).toMatch(/syncSecrets/);
  expect(m.fix).toMatch(/syncSecret\.enabled=true/);
});

test('users are listed once', () => {
  expect(describeUsers(['a', 'a', 'b'])).toBe('a, b');
});
