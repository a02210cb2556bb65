/**
 * `npx projen release:check`, the first step of `npx projen release` (so of the release workflow):
 * refuses to release while the published metadata still holds a placeholder from `PUBLISHING` in
 * `.projenrc.ts`, or a name the release workflow cannot publish. It reads package.json, which projen
 * writes from `PUBLISHING`, so it checks what would actually be published.
 *
 *   npx projen release:check            # this checkout's package.json
 *   ts-node projenrc/release-check.ts <dir>
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * Placeholders use the reserved `.invalid` top-level domain (RFC 2606), which no registry name,
 * address or GitHub owner can really hold; Java and Maven names spell it backwards.
 */
const PLACEHOLDER = /example\.invalid|invalid\.example/i;

/** One reason not to release. */
export interface ReleaseProblem {
  /** The package.json field, e.g. `jsii.targets.go.moduleName`. */
  readonly field: string;
  readonly value: string;
  readonly rule: string;
  readonly fix: string;
}

/** `field "value" is invalid: rule. Fix: fix.` */
export function formatProblem(problem: ReleaseProblem): string {
  return `${problem.field} "${problem.value}" is invalid: ${problem.rule}. Fix: ${problem.fix}.`;
}

const fillIn = (key: string) => `set PUBLISHING.${key} at the top of .projenrc.ts, run \`npx projen\` and commit`;

/** Every reason the package described by this package.json must not be released (none: release). */
export function releaseProblems(pkg: any): ReleaseProblem[] {
  const problems: ReleaseProblem[] = [];
  const targets = pkg?.jsii?.targets ?? {};
  const author = pkg?.author ?? {};
  // package.json field, its value, and the PUBLISHING key it comes from.
  const fields: Array<[string, unknown, string]> = [
    ['name', pkg?.name, 'npmName'],
    ['repository.url', pkg?.repository?.url, 'repositoryUrl'],
    ['author.name', author.name, 'author'],
    ['author.email', author.email, 'authorAddress'],
    ['author.url', author.url, 'authorAddress'],
    ['jsii.targets.python.distName', targets.python?.distName, 'pypi.distName'],
    ['jsii.targets.python.module', targets.python?.module, 'pypi.module'],
    ['jsii.targets.java.package', targets.java?.package, 'maven.javaPackage'],
    ['jsii.targets.java.maven.groupId', targets.java?.maven?.groupId, 'maven.mavenGroupId'],
    ['jsii.targets.java.maven.artifactId', targets.java?.maven?.artifactId, 'maven.mavenArtifactId'],
    ['jsii.targets.dotnet.packageId', targets.dotnet?.packageId, 'nuget.packageId'],
    ['jsii.targets.dotnet.namespace', targets.dotnet?.namespace, 'nuget.dotNetNamespace'],
    ['jsii.targets.go.moduleName', targets.go?.moduleName, 'go.moduleName'],
  ];
  for (const [field, value, key] of fields) {
    if (typeof value === 'string' && PLACEHOLDER.test(value)) {
      problems.push({ field, value, rule: 'it is a placeholder (the reserved example.invalid domain), not the owner\'s name', fix: fillIn(key) });
    }
  }

  const repository = pkg?.repository?.url;
  if (typeof repository !== 'string' || !/^(git\+)?https:\/\/github\.com\/[^/]+\/[^/]+?(\.git)?$/.test(repository)) {
    problems.push({
      field: 'repository.url',
      value: String(repository),
      rule: 'the release workflow runs on GitHub and publishes GitHub releases: it must be https://github.com/<owner>/<repo>.git',
      fix: fillIn('repositoryUrl'),
    });
  }
  const goModule = targets.go?.moduleName;
  if (typeof goModule === 'string' && !/^github\.com\/[^/]+\/[^/]+/.test(goModule)) {
    problems.push({
      field: 'jsii.targets.go.moduleName',
      value: goModule,
      rule: 'the release workflow pushes the Go module to the GitHub repository its path names: it must be github.com/<owner>/<repo>',
      fix: fillIn('go.moduleName'),
    });
  }
  if (pkg?.license !== 'Apache-2.0') {
    problems.push({
      field: 'license',
      value: String(pkg?.license),
      rule: 'the package is licensed Apache-2.0 (LICENSE, NOTICE)',
      fix: 'set `license: \'Apache-2.0\'` in .projenrc.ts',
    });
  }
  if (pkg?.private === true) {
    problems.push({ field: 'private', value: 'true', rule: 'npm refuses to publish a private package', fix: 'remove `private` from package.json' });
  }
  return problems;
}

/** Checks the package.json in `dir`; prints each problem and returns the exit code. */
export function main(dir: string, log: (line: string) => void = console.error): number {
  const file = path.join(dir, 'package.json');
  const problems = releaseProblems(JSON.parse(fs.readFileSync(file, 'utf-8')));
  if (problems.length === 0) {
    log(`release:check: ${file} is ready to release`);
    return 0;
  }
  log(`release:check: refusing to release, ${problems.length} problem(s) in ${file}:`);
  for (const problem of problems) log(`  ${formatProblem(problem)}`);
  log('README "Releasing" lists every setting and the GitHub secrets the release workflow needs.');
  return 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv[2] ?? process.cwd());
}
