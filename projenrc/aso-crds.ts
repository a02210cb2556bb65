/**
 * The Azure Service Operator v2 kinds `AzureAccess` writes, as CRDs: `npx projen import` generates
 * their L1 classes in imports/ from these, and the tests validate every emitted object against the
 * same schemas (ajv).
 *
 * RoleAssignment and FederatedIdentityCredential come from datreeio/CRDs-catalog, which publishes
 * only each CRD version's openAPIV3Schema as JSON: it is wrapped in a minimal CRD (group, names,
 * the one version), which is all `cdk8s import` reads. IdentityBinding is not in the catalog: its
 * CRD is written by hand from ASO's Go types (projenrc/crds/, see the comment at its top).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { referenceFile } from './upstream';

/** One ASO kind and where its schema comes from. */
export interface AsoKind {
  /** Module prefix of the generated file in imports/ (`<module>-<group>.ts`). */
  readonly module: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  /** A pinned catalog schema (path in the reference directory) or a CRD in this repository. */
  readonly source: { readonly catalogSchema: string } | { readonly crd: string };
}

/** The hand-written IdentityBinding CRD (from ASO's Go types). */
export const IDENTITY_BINDING_CRD = path.join(__dirname, 'crds', 'containerservice.azure.com_identitybindings.yaml');

export const ASO_KINDS: readonly AsoKind[] = [
  {
    module: 'roleassignment',
    group: 'authorization.azure.com',
    version: 'v1api20220401',
    kind: 'RoleAssignment',
    plural: 'roleassignments',
    source: { catalogSchema: 'azure-service-operator/datree/authorization.azure.com/roleassignment_v1api20220401.json' },
  },
  {
    module: 'federatedidentitycredential',
    group: 'managedidentity.azure.com',
    version: 'v1api20230131',
    kind: 'FederatedIdentityCredential',
    plural: 'federatedidentitycredentials',
    source: { catalogSchema: 'azure-service-operator/datree/managedidentity.azure.com/federatedidentitycredential_v1api20230131.json' },
  },
  {
    module: 'identitybinding',
    group: 'containerservice.azure.com',
    version: 'v20251002preview',
    kind: 'IdentityBinding',
    plural: 'identitybindings',
    source: { crd: IDENTITY_BINDING_CRD },
  },
];

/** The pinned files the ASO CRDs are made from. */
export function asoReferenceFiles() {
  return ASO_KINDS.flatMap(k => 'catalogSchema' in k.source ? [referenceFile(k.source.catalogSchema)] : []);
}

/** The CRD of an ASO kind; `referenceDir` holds the pinned catalog schemas. */
export function asoCrd(kind: AsoKind, referenceDir: string): any {
  if ('crd' in kind.source) return YAML.parse(fs.readFileSync(kind.source.crd, 'utf-8'));
  const schema = JSON.parse(fs.readFileSync(path.join(referenceDir, kind.source.catalogSchema), 'utf-8'));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${kind.group}` },
    spec: {
      group: kind.group,
      names: { kind: kind.kind, listKind: `${kind.kind}List`, plural: kind.plural, singular: kind.kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [{ name: kind.version, served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
}

/** The openAPIV3Schema of an ASO kind's version. */
export function asoSchema(kind: AsoKind, referenceDir: string): any {
  const crd = asoCrd(kind, referenceDir);
  const version = crd.spec.versions.find((v: any) => v.name === kind.version);
  if (!version) throw new Error(`the CRD of ${kind.kind} has no version ${kind.version}`);
  return version.schema.openAPIV3Schema;
}
