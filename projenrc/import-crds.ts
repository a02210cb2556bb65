/**
 * `npx projen import`: regenerates imports/ from the pinned secrets-store CRDs (see upstream.ts for
 * where they come from). Fails with a message saying how to provide them when they cannot be had.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { materialize, referenceFile } from './upstream';

// One module per CRD, one command each: the two CRDs share an API group, so they need module
// prefixes to land in separate files, and `cdk8s import` reads only its first spec argument.
const CRDS = [
  { module: 'secretproviderclass', file: 'secrets-store-csi-driver/crds/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml' },
  { module: 'secretproviderclasspodstatus', file: 'secrets-store-csi-driver/crds/secrets-store.csi.x-k8s.io_secretproviderclasspodstatuses.yaml' },
];

const CDK8S = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');

async function main(): Promise<void> {
  const dir = await materialize(CRDS.map(c => referenceFile(c.file)));
  for (const crd of CRDS) {
    // The generated code does not depend on where the CRD file is, so imports/ is the same from any directory.
    execFileSync(process.execPath, [CDK8S, 'import', `${crd.module}:=${path.join(dir, crd.file)}`,
      '--output', 'imports', '--language', 'typescript', '--no-check-upgrade'], { stdio: 'inherit' });
  }
}

main().catch(e => {
  console.error(`npx projen import: ${(e as Error).message}`);
  process.exit(1);
});
