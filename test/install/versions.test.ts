/**
 * `version` of each install is one of its own project's release tags (the image tag exists), and
 * a wrong one is answered with the right one: the "v"-prefixed tag, the next release, or the other
 * project when the version is one of its releases. A custom `image` lifts the list (an unreleased or
 * custom build), not the shape.
 */
import { Chart, Testing } from 'cdk8s';
import { AzureKeyVaultProvider, SecretsStoreCsiDriver } from '../../src';
import { Driver, Provider } from '../../src/facts/install';
import { compareVersions, versionRule } from '../../src/rules/version';
import { errorOf, expectProblem, only, synth } from '../util';

let n = 0;
const driver = (props: object) => new SecretsStoreCsiDriver(new Chart(Testing.app(), `c${n++}`), 'driver', props);
const provider = (props: object) => new AzureKeyVaultProvider(new Chart(Testing.app(), `c${n++}`), 'provider', props);

describe('release facts', () => {
  test.each([['driver', Driver.RELEASES, Driver.VERSION], ['provider', Provider.RELEASES, Provider.VERSION]] as const)(
    'the %s releases are release tags in SemVer order, ending at the default version', (_name, releases, latest) => {
      for (const release of releases) expect(versionRule(release, 'version')).toBeUndefined();
      for (let i = 1; i < releases.length; i++) expect(compareVersions(releases[i - 1], releases[i])).toBeLessThan(0);
      expect(releases[releases.length - 1]).toBe(latest);
    });

  test('the tags upstream has and has not: driver v1.5.6 (the legacy-RBAC line) but no v0.0.4, provider v1.8.1 but no v1.8.0', () => {
    expect(Driver.RELEASES).toEqual(expect.arrayContaining(['v0.0.1', 'v1.0.0-rc.1', 'v1.5.6', 'v1.6.0']));
    expect(Driver.RELEASES).not.toContain('v0.0.4');
    expect(Provider.RELEASES).toEqual(expect.arrayContaining(['v0.1.0', 'v1.7.2', 'v1.8.1', 'v1.8.2']));
    expect(Provider.RELEASES).not.toContain('v1.8.0');
  });
});

describe('SecretsStoreCsiDriver.version', () => {
  test.each(Driver.RELEASES.map(v => [v]))('release %s is accepted and is the image tag', version => {
    const { node } = driver({ version });
    expect(only(synth(node.scope as Chart), 'DaemonSet').spec.template.spec.containers[1].image).toBe(`registry.k8s.io/csi-secrets-store/driver:${version}`);
  });

  test.each([
    ['the provider\'s latest', 'v1.8.2', /^ is invalid: the driver's releases end at v1\.6\.0 \(the provider's latest is v1\.8\.2, did you mean the provider\?\)\.$/, /^use "v1\.6\.0" or an older driver release, or set `image` too/],
    ['another provider release', 'v1.7.2', /^ is invalid: the driver's releases end at v1\.6\.0 \(v1\.7\.2 is a provider release, did you mean the provider\?\)\.$/, /^use "v1\.6\.0"/],
    ['a future release', 'v1.10.0', /^ is invalid: the driver's releases end at v1\.6\.0\.$/, /^use "v1\.6\.0" or an older driver release, or set `image` too, for a custom build or a release newer/],
    ['without the "v"', '1.6.0', /^ is invalid: must be a driver release tag like "v1\.6\.0" \(the image tag\)\.$/, /^use "v1\.6\.0"\.$/],
    ['the provider\'s latest without the "v"', '1.8.2', / \(the image tag\) \(the provider's latest is v1\.8\.2, did you mean the provider\?\)\.$/, /^use a driver release tag, e.g. "v1\.6\.0" \(the default\)/],
    ['a version between releases', 'v1.5.9', /^ is invalid: there is no driver release v1\.5\.9, the nearest are v1\.5\.6 and v1\.6\.0\.$/, /^use "v1\.6\.0", or set `image` too/],
    ['a gap in the tags', 'v0.0.4', /^ is invalid: there is no driver release v0\.0\.4, the nearest are v0\.0\.3 and v0\.0\.5\.$/, /^use "v0\.0\.5"/],
    ['older than every release', 'v0.0.0', /^ is invalid: there is no driver release v0\.0\.0, the oldest is v0\.0\.1\.$/, /^use "v0\.0\.1"/],
    ['not a version', 'latest', /^ is invalid: must be a driver release tag like "v1\.6\.0" \(the image tag\)\.$/, /^use a driver release tag, e.g. "v1\.6\.0" \(the default\)/],
  ])('%s (%s) is refused with the right tag', (_case, version, rule, fix) => {
    expectProblem(errorOf(() => driver({ version })), { path: `c${n - 1}/driver`, field: 'version', value: version, rule, fix });
  });

  test('with a custom image, a release-shaped version the list does not have is accepted (it says what the build is based on)', () => {
    const { node } = driver({ version: 'v1.7.0-rc.0', image: 'myregistry.azurecr.io/csi-secrets-store/driver:main' });
    const manifests = synth(node.scope as Chart);
    expect(only(manifests, 'DaemonSet').spec.template.spec.containers[1].image).toBe('myregistry.azurecr.io/csi-secrets-store/driver:main');
    // Newer than v1.6.0: no legacy RBAC.
    expect(manifests.filter(m => m.kind === 'ClusterRole').map(m => m.metadata.name)).not.toContain('secretprovidertokenrequest-role');
    expectProblem(errorOf(() => driver({ version: '1.7.0', image: 'myregistry.azurecr.io/driver:main' })), {
      path: `c${n - 1}/driver`, field: 'version', value: '1.7.0', rule: /^ is invalid: must be a version like "v1\.6\.0": the driver release the image is based on\.$/, fix: /^use e\.g\. "v1\.7\.0"/,
    });
  });
});

describe('AzureKeyVaultProvider.version', () => {
  test.each(Provider.RELEASES.map(v => [v]))('release %s is accepted and is the image tag', version => {
    const { node } = provider({ version });
    expect(only(synth(node.scope as Chart), 'DaemonSet').spec.template.spec.containers[0].image)
      .toBe(`mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure:${version}`);
  });

  test.each([
    ['v1.8.0, released without a tag', 'v1.8.0', /^ is invalid: there is no provider release v1\.8\.0, the nearest are v1\.7\.2 and v1\.8\.1\.$/, /^use "v1\.8\.1", or set `image` too/],
    ['a driver release', 'v1.5.6', /^ is invalid: there is no provider release v1\.5\.6, the nearest are v1\.5\.3 and v1\.6\.0 \(v1\.5\.6 is a driver release, did you mean the driver\?\)\.$/, /^use "v1\.6\.0"/],
    ['a future release', 'v1.9.0', /^ is invalid: the provider's releases end at v1\.8\.2\.$/, /^use "v1\.8\.2" or an older provider release/],
    ['without the "v"', '1.8.2', /^ is invalid: must be a provider release tag like "v1\.8\.2" \(the image tag\)\.$/, /^use "v1\.8\.2"\.$/],
  ])('%s (%s) is refused with the right tag', (_case, version, rule, fix) => {
    expectProblem(errorOf(() => provider({ version })), { path: `c${n - 1}/provider`, field: 'version', value: version, rule, fix });
  });

  test('with a custom image, an unlisted release-shaped version is accepted', () => {
    expect(() => provider({ version: 'v1.9.0', image: 'myregistry.azurecr.io/provider-azure:v1.9.0' })).not.toThrow();
  });
});
