import * as fc from 'fast-check';
import {
  accessPolicyName, federatedCredentialAzureName, federatedCredentialName, identityBindingName, roleAssignmentAzureName, roleAssignmentName,
} from '../../src/azure/names';
import { KeyVaultRole } from '../../src/facts/azure';

// The patterns the kinds' schemas impose (projenrc/crds/ and the pinned catalog schemas) and
// Kubernetes' DNS-1123 subdomain rule, written out here rather than imported from the code under test.
const IDENTITY_BINDING = /^[a-z][a-z0-9]{0,63}$/;
const FEDERATED_CREDENTIAL = /^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const SUB = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers';
const identityId = (name: string) => `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const clusterId = (name: string) => `${SUB}/Microsoft.ContainerService/managedClusters/${name}`;

/** Azure resource names: managed identities allow letters, digits, hyphens and underscores, 3–128. */
const azureName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/);
/** Kubernetes names: a namespace is a DNS-1123 label, a ServiceAccount a subdomain. */
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const subdomain = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/).filter(s => !s.includes('..'));

function expectKubernetesName(name: string): void {
  expect(name).toMatch(DNS1123_SUBDOMAIN);
  expect(name.length).toBeLessThanOrEqual(253);
}

describe('identity binding names', () => {
  test('any identity and cluster: the kind\'s pattern, at most 63 characters, a valid Kubernetes name', () => {
    fc.assert(fc.property(azureName, azureName, (identity, cluster) => {
      const name = identityBindingName(clusterId(cluster), identityId(identity), identity);
      expect(name).toMatch(IDENTITY_BINDING);
      expect(name.length).toBeLessThanOrEqual(63);
      expectKubernetesName(name);
    }));
  });

  test('readable, and different per cluster', () => {
    const east = identityBindingName(clusterId('aks-eastus'), identityId('App_MI-1'), 'App_MI-1');
    const west = identityBindingName(clusterId('aks-westus'), identityId('App_MI-1'), 'App_MI-1');
    expect(east).toMatch(/^ibappmi1[0-9a-f]{10}$/);
    expect(west).not.toBe(east);
  });

  test('the same for the same resources, however their IDs are cased', () => {
    expect(identityBindingName(clusterId('AKS-EASTUS'), identityId('APP-MI'), 'app-mi'))
      .toBe(identityBindingName(clusterId('aks-eastus'), identityId('app-mi'), 'app-mi'));
  });
});

describe('federated credential names', () => {
  const issuer = 'https://eastus.oic.prod-aks.azure.com/tenant/guid/';

  test('any identity, cluster, namespace and ServiceAccount: the kind\'s pattern and a valid Kubernetes name', () => {
    fc.assert(fc.property(azureName, azureName, label, subdomain, (identity, cluster, namespace, sa) => {
      const subject = `system:serviceaccount:${namespace}:${sa}`;
      expect(federatedCredentialAzureName(identityId(identity), issuer, subject, cluster, namespace, sa)).toMatch(FEDERATED_CREDENTIAL);
      expectKubernetesName(federatedCredentialName(identityId(identity), issuer, subject, identity, cluster, namespace, sa));
    }));
  });

  test('different subjects or issuers never share a name; a dotted ServiceAccount is readable', () => {
    const a = federatedCredentialAzureName(identityId('mi'), issuer, 'system:serviceaccount:a:b.c', 'aks', 'a', 'b.c');
    const b = federatedCredentialAzureName(identityId('mi'), issuer, 'system:serviceaccount:a:b-c', 'aks', 'a', 'b-c');
    const c = federatedCredentialAzureName(identityId('mi'), `${issuer}x/`, 'system:serviceaccount:a:b.c', 'aks', 'a', 'b.c');
    expect(a).toMatch(/^aks-a-b-c-[0-9a-f]{10}$/);
    expect(new Set([a, b, c]).size).toBe(3);
  });
});

describe('role assignment and access-policy names', () => {
  test('the azureName is a UUID v5 of scope, principal and role, the same whatever the case of the IDs', () => {
    const vault = `${SUB}/Microsoft.KeyVault/vaults/kv`;
    const name = roleAssignmentAzureName(vault, 'AAAAAAAA-1111-1111-1111-111111111111', KeyVaultRole.SECRETS_USER);
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(roleAssignmentAzureName(vault.toUpperCase(), 'aaaaaaaa-1111-1111-1111-111111111111', KeyVaultRole.SECRETS_USER)).toBe(name);
    expect(roleAssignmentAzureName(vault, 'aaaaaaaa-1111-1111-1111-111111111111', KeyVaultRole.READER)).not.toBe(name);
    expect(roleAssignmentAzureName(`${vault}/secrets/db`, 'aaaaaaaa-1111-1111-1111-111111111111', KeyVaultRole.SECRETS_USER)).not.toBe(name);
  });

  test('Kubernetes names end with the azureName and stay valid for the longest object names', () => {
    const uuid = '65375da4-b38e-5324-8cc3-4b1baaa6fcc8';
    expect(roleAssignmentName('app-mi', KeyVaultRole.SECRETS_USER, ['kv-app'], uuid)).toBe(`app-mi-secrets-user-kv-app-${uuid}`);
    fc.assert(fc.property(azureName, fc.stringMatching(/^[A-Za-z0-9-]{1,127}$/), (identity, object) => {
      expectKubernetesName(roleAssignmentName(identity, KeyVaultRole.READER, ['kv-app', 'secrets', object], uuid));
      expectKubernetesName(accessPolicyName(`${SUB}/Microsoft.KeyVault/vaults/kv`, 'aaaaaaaa-1111-1111-1111-111111111111', 'keys', identity, 'kv'));
    }));
  });
});
