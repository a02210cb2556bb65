import { cdk8s, javascript, JsonFile } from 'projen';
import { configurePublishing, Publishing } from './projenrc/publishing';

// ---------------------------------------------------------------------------------------------------
// PUBLISHING: every owner-specific name, in this one place. Fill it in before the first release.
// Until then `npx projen release:check` (the first step of `npx projen release`, so of the release
// workflow) refuses to release and names each value that still holds a placeholder: anything under
// the reserved example.invalid domain (invalid.example in Java/Maven names). README "Releasing" lists
// the GitHub secrets the release workflow reads.
const PUBLISHING: Publishing = {
  /** The GitHub repository, https://github.com/<owner>/<repo>.git: package metadata and the release workflow's home. */
  repositoryUrl: 'https://github.com/example.invalid/cdk8s-azure-keyvault-csi.git',
  /** npm package name; a scope (`@owner/…`) would also rename every import in README, examples and tests. */
  npmName: 'cdk8s-azure-keyvault-csi',
  /** Author name in the package metadata of every language. */
  author: 'cdk8s-azure-keyvault-csi team',
  /** An email address or URL where users reach the maintainers (npm and PyPI metadata). */
  authorAddress: 'maintainers@example.invalid',
  /** Apache-2.0 copyright line in NOTICE: `Copyright <copyrightPeriod> <copyrightOwner>`. */
  copyrightOwner: 'The cdk8s-azure-keyvault-csi authors',
  copyrightPeriod: '2026',
  /** PyPI distribution and Python module. */
  pypi: { distName: 'cdk8s-azure-keyvault-csi', module: 'cdk8s_azure_keyvault_csi' },
  /** Maven Central: a group id your Sonatype account may publish to (for example io.github.<owner>), and a Java package under it. */
  maven: {
    javaPackage: 'invalid.example.cdk8s.azurekeyvaultcsi',
    mavenGroupId: 'invalid.example',
    mavenArtifactId: 'cdk8s-azure-keyvault-csi',
  },
  /** NuGet package id and .NET namespace. */
  nuget: { dotNetNamespace: 'Cdk8sAzureKeyVaultCsi', packageId: 'Cdk8sAzureKeyVaultCsi' },
  /** Go: projen pushes the generated module to this GitHub repository (github.com/<owner>/<repo>), which must exist. */
  go: { moduleName: 'github.com/example.invalid/cdk8s-azure-keyvault-csi-go', packageName: 'cdk8sazurekeyvaultcsi' },
};
// ---------------------------------------------------------------------------------------------------

const project = new cdk8s.ConstructLibraryCdk8s({
  name: PUBLISHING.npmName,
  description: 'Typed, validated cdk8s constructs for reading Azure Key Vault secrets, keys and certificates into Kubernetes pods through the Secrets Store CSI Driver (AKS identity binding, workload identity and every other provider mode).',
  author: PUBLISHING.author,
  authorAddress: PUBLISHING.authorAddress,
  repositoryUrl: PUBLISHING.repositoryUrl,
  license: 'Apache-2.0',
  licensed: true,
  copyrightOwner: PUBLISHING.copyrightOwner,
  copyrightPeriod: PUBLISHING.copyrightPeriod,
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  // The manifest checker (src/check) parses YAML at run time; jsii libraries bundle their dependencies.
  bundledDeps: ['yaml@^2'],
  devDeps: [
    'cdk8s-cli@^2.207.60', // `cdk8s import` of the CRDs and `cdk8s synth` of the examples
    'kubernetes-models@^4.5.1', // schema validation of built-in kinds in tests
    'ajv@^8', // validates SecretProviderClass against the CRD's own openAPIV3Schema
    'fast-check@^4', // property-based tests of validators and renderers
    'cdk8s-plus-33@^2.5.57', // mount() tests and the plus-33 example: any cdk8s-plus major, no casts
    // `validate --format sarif` is checked against the SARIF 2.1.0 schema (Microsoft's sarif-2.1.0-rtm.5.json, draft-04)
    '@microsoft/jest-sarif@1.0.0-beta.0', // ships lib/schemas/sarif-2.1.0-rtm.5.json (only the schema is used)
    'ajv-draft-04@^1', // Ajv for draft-04 schemas
    'ajv-formats@^3', // the schema's uri, uri-reference and date-time formats
  ],
  // Every jsii language, named in PUBLISHING; `.ci/run` generates each one's code, the release workflow publishes it.
  publishToPypi: PUBLISHING.pypi,
  publishToMaven: PUBLISHING.maven,
  publishToNuget: PUBLISHING.nuget,
  publishToGo: PUBLISHING.go,
  keywords: ['cdk8s', 'kubernetes', 'azure', 'key-vault', 'secrets-store-csi-driver', 'aks', 'identity-binding'],
  github: true, // build workflow (.ci/run) and the release workflow; see projenrc/publishing.ts
  release: true,
  buildWorkflowOptions: { mutableBuild: false }, // .ci/run fails on any change; nothing pushes back to a PR
  githubOptions: { mergify: false },
  workflowNodeVersion: '24.x', // an LTS line jsii 6 supports; README "Compatibility"
  depsUpgrade: false,
  pullRequestTemplate: false,
  vscode: false,
  sampleCode: false,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      coveragePathIgnorePatterns: ['/node_modules/', '/imports/'],
      testPathIgnorePatterns: ['/node_modules/', '/examples/.*/dist/'],
      globalSetup: '<rootDir>/test/upstream.setup.ts', // fetches the pinned upstream files once per run
    },
  },
  gitignore: ['cdk8s.out/', 'bench/results/'],
});

// jsii compiles the top-level imports/ (generated from the pinned CRDs) next to src/.
project.tsconfig?.file.addOverride('compilerOptions.rootDir', '.');
project.tsconfig?.file.addOverride('include', ['src/**/*.ts', 'imports/**/*.ts']);
project.package.addField('main', 'lib/src/index.js');
project.package.addField('types', 'lib/src/index.d.ts');
project.eslint?.addIgnorePattern('imports/');
project.eslint?.addIgnorePattern('examples/*/dist/');
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('bench');
project.eslint?.allowDevDeps('bench/**');
project.eslint?.allowDevDeps('examples/**');

// `npx cdk8s-azure-keyvault-csi validate …`: the manifest checker (src/check/cli.ts).
project.addBins({ 'cdk8s-azure-keyvault-csi': 'lib/src/check/cli.js' });

// The npm tarball (`npx projen package`), its checks, the release guard and workflows: projenrc/publishing.ts.
configurePublishing(project, PUBLISHING);
project.npmignore?.exclude('/examples/', '/bench/', '/.ci/');
project.tasks.addEnvironment('JSII_SILENCE_SUPPORT_WARNING', '1');
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The pinned upstream files come from $UPSTREAM_REFERENCE_DIR or are fetched (projenrc/upstream.ts).
// jest transpiles tests without type-checking them (isolatedModules): a test calling a rule with
// the wrong arguments would still run. The test task type-checks the tests with the sources first.
new JsonFile(project, 'test/tsconfig.typecheck.json', {
  obj: { extends: '../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '..' }, include: ['**/*.ts', '../src/**/*.ts', '../imports/**/*.ts'] },
});
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests with the sources (jest itself does not)',
  exec: 'tsc --noEmit -p test/tsconfig.typecheck.json',
});
project.testTask.prependSpawn(typecheck);

project.addTask('import', {
  description: 'Regenerate imports/ from the pinned secrets-store CRDs and Azure Service Operator schemas ($UPSTREAM_REFERENCE_DIR, else fetched by pinned URL)',
  exec: 'ts-node --project projenrc/tsconfig.json projenrc/import-crds.ts',
});
// Code only, no language toolchains needed: fails when the API does not translate to every language.
project.addTask('bindings', {
  description: 'Generate every jsii language\'s code into dist/bindings (run `npx projen compile` first)',
  exec: 'jsii-pacmak --code-only --force --no-npmignore --outdir dist/bindings',
});

const synthExample = 'cdk8s synth --no-check-upgrade';
project.addTask('example', {
  description: 'Synthesize the identity-binding example into examples/identity-binding/dist',
  cwd: 'examples/identity-binding',
  exec: synthExample,
});
project.addTask('examples', {
  description: 'Synthesize every example into examples/<name>/dist',
  exec: 'ts-node --transpile-only --project examples/tsconfig.json examples/synth-all.ts',
});
project.addTask('bench', {
  description: 'Benchmark synth time and memory: library vs hand-written cdk8s-plus/ApiObject manifests',
  exec: 'ts-node --transpile-only --project bench/tsconfig.json bench/run.ts',
  receiveArgs: true,
});

// What a new user gets: the packed tarball in a fresh `cdk8s init typescript-app` with the README's
// Quick start as main.ts, then the validate command and the synth plugin (test/e2e/fresh-app.sh).
project.addTask('fresh-app', {
  description: 'End-to-end: the npm tarball (npx projen package), cdk8s init typescript-app, README Quick start, synth, validate command and plugin',
  exec: 'bash test/e2e/fresh-app.sh',
});
// imports/*.ts are compiled into lib/imports; the tarball needs only the .js and .d.ts.
project.npmignore?.exclude('/imports/');
project.addTask('bench:check', {
  description: 'Benchmark the manifest checker: validate vs YAML parse alone on the 10,000-workload manifests',
  exec: 'ts-node --transpile-only --project bench/tsconfig.json bench/check.ts',
  receiveArgs: true,
});

project.synth();
