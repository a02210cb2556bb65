import * as fs from 'fs';
import * as path from 'path';
import { ASO_KINDS, asoSchema, IDENTITY_BINDING_CRD } from '../../projenrc/aso-crds';
import { referenceDir, referenceFile } from '../../projenrc/upstream';
import { AsoApiVersion, AsoKind, AsoNamePattern } from '../../src/facts/azure';
import { describeIfReference, readYamlDocuments, validateAsoResource } from '../util';

// The schemas the ASO objects are built from (imports/) and validated against: the hand-written
// IdentityBinding CRD agrees with the kubebuilder markers of ASO's Go types, the facts agree with the
// schemas, and the validator rejects what the API server would.

const GO_TYPES = 'azure-service-operator/aso/v2/api/containerservice/v20251002preview/identity_binding_types_gen.go';

/** The fields of a Go struct: json name → the kubebuilder markers in the comment above it. */
function goStruct(source: string, name: string): Map<string, string[]> {
  const body = new RegExp(`^type ${name} struct \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(source)?.[1];
  if (!body) throw new Error(`no struct ${name} in ${GO_TYPES}`);
  const fields = new Map<string, string[]>();
  let markers: string[] = [];
  for (const line of body.split('\n').map(l => l.trim())) {
    const marker = /^\/\/ \+kubebuilder:validation:(.*)$/.exec(line);
    if (marker) markers.push(marker[1]);
    const json = /json:"([^",]+)/.exec(line);
    if (json) {
      fields.set(json[1], markers);
      markers = [];
    }
  }
  return fields;
}

describeIfReference('ASO schemas', () => {
  const crd = readYamlDocuments(IDENTITY_BINDING_CRD)[0];
  const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
  const source = () => fs.readFileSync(path.join(referenceDir(), referenceFile(GO_TYPES).file), 'utf-8');

  test('the IdentityBinding CRD: the version and ARM API version of the Go types', () => {
    expect(source()).toMatch(/^package v20251002preview$/m);
    expect(source()).toContain('return "2025-10-02-preview"');
    expect(source()).toContain('GetType returns the ARM Type of the resource. This is always "Microsoft.ContainerService/managedClusters/identityBindings"');
    expect(crd.spec.group).toBe('containerservice.azure.com');
    expect(crd.spec.names.kind).toBe('IdentityBinding');
    expect(crd.spec.versions.map((v: any) => v.name)).toEqual(['v20251002preview']);
  });

  test('the IdentityBinding CRD: every spec field and marker of the Go types', () => {
    const specFields = goStruct(source(), 'IdentityBinding_Spec');
    expect(Object.keys(spec.properties).sort()).toEqual([...specFields.keys()].sort());
    expect(specFields.get('azureName')).toEqual(['MaxLength=63', 'MinLength=1', 'Pattern="^[a-z][a-z0-9]{0,63}$"']);
    expect(spec.properties.azureName).toMatchObject({ type: 'string', maxLength: 63, minLength: 1, pattern: '^[a-z][a-z0-9]{0,63}$' });
    expect(specFields.get('owner')).toEqual(['Required']);
    expect(spec.required).toEqual(['owner']);

    const properties = goStruct(source(), 'IdentityBindingProperties');
    expect([...properties.entries()]).toEqual([['managedIdentity', ['Required']]]);
    expect(spec.properties.properties.required).toEqual(['managedIdentity']);
    const profile = goStruct(source(), 'IdentityBindingManagedIdentityProfile');
    expect([...profile.entries()]).toEqual([['resourceReference', ['Required']]]);
    expect(spec.properties.properties.properties.managedIdentity.required).toEqual(['resourceReference']);

    const operatorSpec = goStruct(source(), 'IdentityBindingOperatorSpec');
    expect(Object.keys(spec.properties.operatorSpec.properties).sort()).toEqual([...operatorSpec.keys()].sort());
  });

  test('the facts: API versions and name patterns as the schemas have them', () => {
    for (const kind of ASO_KINDS) {
      const key = Object.entries(AsoKind).find(([, k]) => k === kind.kind)![0] as keyof typeof AsoApiVersion;
      expect(AsoApiVersion[key]).toBe(`${kind.group}/${kind.version}`);
    }
    expect(AsoNamePattern.IDENTITY_BINDING.source).toBe(spec.properties.azureName.pattern);
    expect(AsoNamePattern.IDENTITY_BINDING_MAX_LENGTH).toBe(spec.properties.azureName.maxLength);
    const fic = asoSchema(ASO_KINDS.find(k => k.kind === 'FederatedIdentityCredential')!, referenceDir());
    expect(AsoNamePattern.FEDERATED_IDENTITY_CREDENTIAL.source).toBe(fic.properties.spec.properties.azureName.pattern);
  });

  describe('the validator rejects what the API server would', () => {
    const owner = { armId: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks' };
    const identity = { armId: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi' };
    const binding = (body: any) => ({ apiVersion: 'containerservice.azure.com/v20251002preview', kind: 'IdentityBinding', metadata: { name: 'ib' }, spec: body });
    const credential = (body: any) => ({ apiVersion: 'managedidentity.azure.com/v1api20230131', kind: 'FederatedIdentityCredential', metadata: { name: 'fic' }, spec: body });

    test('IdentityBinding: valid; a hyphen in azureName (as in ASO\'s v20251002preview sample); no managed identity', () => {
      const properties = { managedIdentity: { resourceReference: identity } };
      expect(() => validateAsoResource(binding({ azureName: 'sampleidentitybinding', owner, properties }))).not.toThrow();
      expect(() => validateAsoResource(binding({ azureName: 'sample-identitybinding', owner, properties }))).toThrow(/must match pattern/);
      expect(() => validateAsoResource(binding({ owner, properties: {} }))).toThrow(/must have required property 'managedIdentity'/);
      expect(() => validateAsoResource(binding({ owner: { armId: 'aks' }, properties }))).toThrow(/must match pattern/);
    });

    test('FederatedIdentityCredential: no audiences; an unknown field; ARM IDs match case-insensitively as ASO\'s (?i) says', () => {
      const fields = { owner: identity, issuer: 'https://issuer/', subject: 'system:serviceaccount:a:b' };
      expect(() => validateAsoResource(credential({ ...fields, audiences: ['api://AzureADTokenExchange'] }))).not.toThrow();
      expect(() => validateAsoResource(credential(fields))).toThrow(/must have required property 'audiences'/);
      expect(() => validateAsoResource(credential({ ...fields, audiences: [], audience: 'x' }))).toThrow(/must NOT have additional properties/);
      expect(() => validateAsoResource(credential({ ...fields, audiences: [], owner: { armId: identity.armId.replace('resourceGroups', 'RESOURCEGROUPS') } }))).not.toThrow();
    });

    test('RoleAssignment: a roleDefinitionReference is required', () => {
      expect(() => validateAsoResource({
        apiVersion: 'authorization.azure.com/v1api20220401', kind: 'RoleAssignment', metadata: { name: 'ra' }, spec: { owner, principalId: 'x' },
      })).toThrow(/must have required property 'roleDefinitionReference'/);
    });
  });
});
