/**
 * `npx projen import`: regenerates imports/ from the pinned secrets-store CRDs and the Azure Service
 * Operator kinds (see upstream.ts for where the pinned files come from, aso-crds.ts for how the ASO
 * CRDs are made). Fails with a message saying how to provide the files when they cannot be had.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ASO_KINDS, asoCrd, asoReferenceFiles } from './aso-crds';
import { materialize, referenceFile } from './upstream';

// One module per CRD, one command each: CRDs that share an API group need module prefixes to land in
// separate files, and `cdk8s import` reads only its first spec argument.
const CRDS = [
  { module: 'secretproviderclass', file: 'secrets-store-csi-driver/crds/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml' },
  { module: 'secretproviderclasspodstatus', file: 'secrets-store-csi-driver/crds/secrets-store.csi.x-k8s.io_secretproviderclasspodstatuses.yaml' },
];

const CDK8S = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');

function cdk8sImport(module: string, file: string): void {
  // The generated code does not depend on where the CRD file is, so imports/ is the same from any directory.
  execFileSync(process.execPath, [CDK8S, 'import', `${module}:=${file}`,
    '--output', 'imports', '--language', 'typescript', '--no-check-upgrade'], { stdio: 'inherit' });
}

async function main(): Promise<void> {
  const dir = await materialize([...CRDS.map(c => referenceFile(c.file)), ...asoReferenceFiles()]);
  for (const crd of CRDS) cdk8sImport(crd.module, path.join(dir, crd.file));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aso-crds-'));
  try {
    for (const kind of ASO_KINDS) {
      const file = path.join(work, `${kind.plural}.${kind.group}.yaml`);
      fs.writeFileSync(file, YAML.stringify(asoCrd(kind, dir)));
      cdk8sImport(kind.module, file);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(`npx projen import: ${(e as Error).message}`);
  process.exit(1);
});
