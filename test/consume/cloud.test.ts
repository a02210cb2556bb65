import { Chart, Testing } from 'cdk8s';
import { AzureCloud, KeyVaultIdentity, KeyVaultObject, KeyVaultSecretProviderClass } from '../../src';
import { errorOf, expectProblem, only, synth } from '../util';

// Cloud names and cloudEnvFileName: https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/provider.go
// and https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/d5f7cf5b598c2eede99ad3683de0ba10f7a8736b/pkg/provider/types/parameters.go (go-autorest EnvironmentFromName names).

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function classIn(cloud: AzureCloud | undefined, tenantId = TENANT_ID) {
  const chart = new Chart(Testing.app(), 'kv', { namespace: 'demo' });
  new KeyVaultSecretProviderClass(chart, 'spc', {
    metadata: { name: 'azure-kv' },
    keyVaultName: 'kv-demo',
    tenantId,
    identity: KeyVaultIdentity.workloadIdentity({ clientId: '11111111-2222-3333-4444-555555555555' }),
    objects: [KeyVaultObject.secret('secret1')],
    cloud,
  });
  return chart;
}

function parametersIn(cloud: AzureCloud | undefined, tenantId?: string): Record<string, string> {
  return only(synth(classIn(cloud, tenantId)), 'SecretProviderClass').spec.parameters;
}

describe('AzureCloud', () => {
  test('public cloud (the default and AzureCloud.PUBLIC): no cloudName and no cloudEnvFileName', () => {
    for (const cloud of [undefined, AzureCloud.PUBLIC]) {
      const parameters = parametersIn(cloud);
      expect(Object.keys(parameters).sort()).toEqual(['clientID', 'keyvaultName', 'objects', 'tenantID']);
    }
  });

  test.each([
    ['US_GOVERNMENT', 'AzureUSGovernmentCloud', AzureCloud.US_GOVERNMENT],
    ['CHINA', 'AzureChinaCloud', AzureCloud.CHINA],
    ['GERMAN', 'AzureGermanCloud', AzureCloud.GERMAN],
  ])('%s writes cloudName %s and no cloudEnvFileName', (_name, cloudName, cloud) => {
    const manifests = synth(classIn(cloud));
    const parameters = only(manifests, 'SecretProviderClass').spec.parameters;
    expect(parameters.cloudName).toBe(cloudName);
    expect(parameters).not.toHaveProperty('cloudEnvFileName');
    expect(cloud.isStack).toBe(false);
    expect(manifests).toMatchSnapshot();
  });

  test('stack() writes cloudName AzureStackCloud and cloudEnvFileName, the file inside the provider', () => {
    const cloud = AzureCloud.stack({ environmentFile: '/etc/kubernetes/custom_environment.json' });
    const manifests = synth(classIn(cloud));
    const parameters = only(manifests, 'SecretProviderClass').spec.parameters;
    expect(parameters.cloudName).toBe('AzureStackCloud');
    expect(parameters.cloudEnvFileName).toBe('/etc/kubernetes/custom_environment.json');
    expect(cloud.isStack).toBe(true);
    expect(cloud.environmentFile).toBe('/etc/kubernetes/custom_environment.json');
    expect(manifests).toMatchSnapshot();
  });

  test('stack() allows the tenant "adfs" (Azure Stack Hub with AD FS)', () => {
    const parameters = parametersIn(AzureCloud.stack({ environmentFile: '/etc/kubernetes/custom_environment.json' }), 'adfs');
    expect(parameters.tenantID).toBe('adfs');
  });

  test.each([
    ['PUBLIC', AzureCloud.PUBLIC],
    ['US_GOVERNMENT', AzureCloud.US_GOVERNMENT],
  ])('fails with the tenant "adfs" in %s', (_name, cloud) => {
    expectProblem(errorOf(() => classIn(cloud, 'adfs')), {
      path: 'kv/spc', field: 'tenantId', value: 'adfs', rule: /"adfs" is only valid with AzureCloud\.stack/, fix: /az account show --query tenantId/,
    });
  });

  test('fails with a relative Azure Stack environment file', () => {
    const cloud = AzureCloud.stack({ environmentFile: 'custom_environment.json' });
    expectProblem(errorOf(() => classIn(cloud)), {
      path: 'kv/spc', field: 'cloud.environmentFile', value: 'custom_environment.json', rule: /absolute path/, fix: /\//,
    });
  });
});
