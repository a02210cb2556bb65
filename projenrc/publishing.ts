/**
 * Everything that turns this repository into published packages, wired into the projen project:
 * the npm tarball (`npx projen package`) and its checks, the `npm pack` guard, NOTICE, the release
 * guard, the compatibility task, and the two GitHub workflows (build runs `.ci/run`; release is
 * projen's, for npm, PyPI, Maven Central, NuGet and Go). The owner-specific names come from the
 * `PUBLISHING` constant at the top of `.projenrc.ts`; README "Releasing" explains the whole flow.
 */
import { cdk8s, JsonPatch, TestFailureBehavior, TextFile } from 'projen';

/** The owner-specific names, filled in once in `.projenrc.ts` (`PUBLISHING`). */
export interface Publishing {
  /** https://github.com/<owner>/<repo>.git */
  readonly repositoryUrl: string;
  /** The npm package name. */
  readonly npmName: string;
  /** package.json `author.name`. */
  readonly author: string;
  /** An email address or URL (package.json `author.email` / `author.url`). */
  readonly authorAddress: string;
  /** The copyright line in NOTICE. */
  readonly copyrightOwner: string;
  /** The year (or years) of the copyright line; fixed, so that `npx projen` gives the same NOTICE every year. */
  readonly copyrightPeriod: string;
  readonly pypi: { readonly distName: string; readonly module: string };
  readonly maven: { readonly javaPackage: string; readonly mavenGroupId: string; readonly mavenArtifactId: string };
  readonly nuget: { readonly dotNetNamespace: string; readonly packageId: string };
  readonly go: { readonly moduleName: string; readonly packageName: string };
}

/** Runs a TypeScript file of this repository (no type check: `npx projen build` type-checks and lints them). */
const tsNode = (project: string, file: string) => `ts-node --transpile-only --project ${project} ${file}`;

export function configurePublishing(project: cdk8s.ConstructLibraryCdk8s, publishing: Publishing): void {
  // Apache-2.0 needs no NOTICE, but it is where the copyright line goes (LICENSE is the verbatim text)
  // and where the bundled and derived third-party works are named.
  new TextFile(project, 'NOTICE', {
    committed: true,
    readonly: true,
    lines: [
      publishing.npmName,
      `Copyright ${publishing.copyrightPeriod} ${publishing.copyrightOwner}`,
      '',
      'Licensed under the Apache License, Version 2.0 (see LICENSE).',
      '',
      'The npm package bundles yaml (https://github.com/eemeli/yaml), Copyright Eemeli Aro,',
      'under the ISC License (node_modules/yaml/LICENSE in the package).',
      '',
      'The types under imports/ (lib/imports/ in the package) are generated from the SecretProviderClass',
      'and SecretProviderClassPodStatus CustomResourceDefinitions of kubernetes-sigs/secrets-store-csi-driver',
      '(Apache License 2.0), and the install constructs reproduce the deployment manifests of that project',
      'and of Azure/secrets-store-csi-driver-provider-azure (MIT License); projenrc/upstream.ts in the',
      'source repository lists the pinned upstream files.',
      '', // a final newline
    ],
  });

  // The npm tarball: `npx projen package` (part of `npx projen build`) packs dist/js/<name>@<version>.jsii.tgz
  // with jsii-pacmak (the tarball the release workflow publishes and every other language is built
  // from), then checks what is in it. projen's default packs every language outside CI, which needs
  // Python, Maven, .NET and Go; `npx projen package-all` still does that.
  const checkTarball = project.addTask('package:check', {
    description: 'Check the npm tarball in dist/js: compiled code, typings, .jsii, README, LICENSE, NOTICE, API.md; no sources or tests; size budget',
    exec: tsNode('projenrc/tsconfig.json', 'projenrc/tarball.ts'),
  });
  project.packageTask.reset();
  project.packageTask.spawn(project.tasks.tryFind('package:js')!);
  project.packageTask.spawn(checkTarball);

  // `npm pack` / `npm publish` from a checkout that was never compiled would pack no code at all.
  // npm runs the `prepack` script first (also inside jsii-pacmak's own `npm pack`), and it refuses then.
  project.addTask('prepack', {
    description: 'Run by npm before `npm pack`/`npm publish` in this directory: refuses when lib/ or .jsii is missing or stale',
    exec: tsNode('projenrc/tsconfig.json', 'projenrc/pack-guard.ts'),
  });

  // Release refuses while PUBLISHING holds a placeholder (first step of `npx projen release`, which the
  // release workflow runs).
  const releaseCheck = project.addTask('release:check', {
    description: 'Refuse to release while package metadata holds a placeholder (PUBLISHING in .projenrc.ts) or a name the release workflow cannot publish',
    exec: tsNode('projenrc/tsconfig.json', 'projenrc/release-check.ts'),
  });
  project.tasks.tryFind('release')!.prependSpawn(releaseCheck);

  // The promised peer versions, both ends, from the packed tarball (README "Compatibility").
  project.addTask('compatibility', {
    description: 'Install the packed tarball with the lowest and the newest cdk8s, constructs and cdk8s-plus-27 the peer ranges allow (and cdk8s-plus 27-33 workloads), on Node.js 20/22/24; synthesize every example and validate',
    exec: tsNode('test/tsconfig.json', 'test/e2e/compatibility.ts'),
    receiveArgs: true,
  });

  // The build workflow runs `.ci/run` (one definition of CI; it installs with `npm ci` itself) instead
  // of projen's install and `npx projen build`; the package-<language> jobs after it build every
  // language from the tarball. Synthesis fails if projen ever moves those steps.
  const steps = '/jobs/build/steps';
  const mustBe = (index: number, run: string) => JsonPatch.test(`${steps}/${index}/run`, run, TestFailureBehavior.FAIL_SYNTHESIS);
  project.github?.tryFindWorkflow('build')?.file?.patch(
    mustBe(2, 'npm ci'),
    mustBe(3, 'npx projen build'),
    JsonPatch.replace(`${steps}/3`, { name: '.ci/run', run: 'bash .ci/run' }),
    JsonPatch.remove(`${steps}/2`),
    // Least privilege: with mutableBuild false nothing is pushed back, so the build only reads.
    JsonPatch.replace('/jobs/build/permissions', { contents: 'read' }),
  );
}
