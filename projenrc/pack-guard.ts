/**
 * The `prepack` task: npm runs it before `npm pack` or `npm publish` in this directory (also inside
 * jsii-pacmak's own `npm pack`). Right after `npm ci` nothing is compiled, and npm would pack a
 * package.json, README and API.md without any code; this refuses instead and names the command that
 * builds the tarball.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The one documented way to build the tarball (README "Development"). */
export const PACKAGE_COMMAND = '`npx projen build`, or `npx projen compile && npx projen package` (the tarball lands in dist/js/)';

/** Why packing `dir` now would publish the wrong thing; undefined when it may be packed. */
export function packRefusal(dir: string): string | undefined {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
  const missing = (file: string) => !fs.existsSync(path.join(dir, file));

  if (missing('.jsii')) return 'nothing is compiled here (no .jsii)';
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values<string>(pkg.bin ?? {});
  for (const file of [pkg.main, pkg.types, ...bins]) {
    if (typeof file === 'string' && missing(file)) return `${file} is missing (package.json names it)`;
  }
  const assembly = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf-8'));
  if (assembly.name !== pkg.name || assembly.version !== pkg.version) {
    return `.jsii was compiled for ${assembly.name}@${assembly.version}, but package.json is ${pkg.name}@${pkg.version}`;
  }
  return undefined;
}

if (require.main === module) {
  const refusal = packRefusal(process.cwd());
  if (refusal) {
    console.error(`prepack: refusing to pack: ${refusal}. Build the npm tarball with ${PACKAGE_COMMAND}.`);
    process.exitCode = 1;
  }
}
