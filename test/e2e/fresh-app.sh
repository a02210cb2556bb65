#!/usr/bin/env bash
# End-to-end check of what a new user gets: the library's npm tarball, installed into a fresh
# `cdk8s init typescript-app` (which depends on cdk8s-plus-33), with the README's Quick start pasted
# in as main.ts.
#
#   1. pack      `npx projen compile`, then `npx projen package`: the documented way to build the
#                tarball, whose content check (lib/, typings, .jsii, every `bin` target, no sources)
#                must pass
#   2. init      `cdk8s init typescript-app` with this repo's cdk8s-cli
#   3. install   the Quick start's `npm install ...` line, with the library replaced by the tarball
#   4. synth     the Quick start's TypeScript as main.ts, `cdk8s synth`, and checks on dist/
#   5. command   `npx cdk8s-azure-keyvault-csi validate` on dist/ (exit 0) and on a bad manifest
#                from stdin (exit 1, finding printed)
#   6. plugin    the `validations:` entry in cdk8s.yaml: `cdk8s synth` passes, then fails naming the
#                construct path once the app has a hand-written SecretProviderClass with a bad value
# Steps 5 and 6 run when this checkout has the manifest checker (src/ mentions KeyVaultCsiValidation).
#
# How the Quick start is read from README.md (keep the README in this shape):
#   - the section runs from the line "## Quick start" to the next line starting with "## ";
#   - the install line is the first line starting with "npm install " or "npm i " in the first
#     ```bash/```sh/```shell block of the section: package names only, no flags, no "&&";
#   - main.ts is the ts block marked `<!-- readme-test: name quick-start -->` on the line right before
#     its fence (test/readme.test.ts's convention); without that marker, the section's first ts block;
#   - the code is run as written (no placeholder is replaced) and must end with `app.synth();`.
#
# `cdk8s init` runs `npm install`, then `cdk8s import` of the k8s types, which downloads a schema from
# raw.githubusercontent.com. Where GitHub is unreachable (e.g. a CI sandbox that only reaches the npm
# registry) that import step fails after the app is scaffolded and its dependencies installed; the
# script then carries on without imports/ (the Quick start does not use them) and says so. Any other
# init failure is a FAIL.
#
# Needs node, npm, this repo's node_modules (npm ci) and the npm registry (or a warm npm cache: npm
# runs with --prefer-offline). Usage: test/e2e/fresh-app.sh (from any directory).
# FRESH_APP_KEEP=1 keeps the temp dir for a look afterwards. The last line is "N passed, N failed";
# the exit code is non-zero when anything failed.
set -euo pipefail
shopt -s lastpipe # `checker | tally` updates the counters in this shell

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fresh-app.XXXXXX")
APP="$WORK/app"
LOGS="$WORK/logs"
mkdir -p "$APP" "$LOGS" "$WORK/pack"
LIBRARY=cdk8s-azure-keyvault-csi

export JSII_SILENCE_SUPPORT_WARNING=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# Every npm call, including the one inside `cdk8s init`: reuse the cache, stay quiet.
export npm_config_prefer_offline=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

passed=0
failed=0
timings=()
step_name=''
step_start=$SECONDS

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

step() {
  step_done
  step_name=$1
  step_start=$SECONDS
  echo "== $step_name"
}
step_done() {
  if [ -n "$step_name" ]; then timings+=("$(printf '%-8s %4ss' "$step_name" $((SECONDS - step_start)))"); fi
  step_name=''
}

finish() {
  local rc=$?
  step_done
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then fail "the script stopped unexpectedly (exit $rc)"; fi
  local cleanup_start=$SECONDS
  if [ "${FRESH_APP_KEEP:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  timings+=("$(printf '%-8s %4ss' cleanup $((SECONDS - cleanup_start)))")
  echo "== timings"
  printf '  %s\n' "${timings[@]}"
  echo "$passed passed, $failed failed"
  if [ "$failed" -ne 0 ]; then exit 1; fi
}
trap finish EXIT

# A failure that leaves nothing to test afterwards.
abort() {
  fail "$*"
  echo "stopping: the remaining checks need this step"
  exit 1
}

# Runs a command with its output in $LOGS/<name>.log and sets $rc to its exit code.
run() {
  local name=$1
  shift
  rc=0
  "$@" >"$LOGS/$name.log" 2>&1 || rc=$?
}
show_log() { sed 's/^/    | /' "$LOGS/$1.log" | tail -n "${2:-25}"; }

# Feeds "PASS ..."/"FAIL ..." lines from a checker's output into the counters; other lines are shown.
tally() {
  local line done=0
  while IFS= read -r line; do
    case $line in
      'PASS '*) pass "${line#PASS }" ;;
      'FAIL '*) fail "${line#FAIL }" ;;
      DONE) done=1 ;;
      *) echo "    | $line" ;;
    esac
  done
  if [ "$done" -ne 1 ]; then fail "$1 did not run to the end"; fi
}

# ---------------------------------------------------------------------------------------------------
step pack
# The one way to build the tarball (README "Development"): jsii-compile, then `npx projen package`,
# which packs dist/js/<name>@<version>.jsii.tgz and checks its contents (projenrc/tarball.ts).
run compile bash -c "cd '$ROOT' && npx projen compile"
[ "$rc" -eq 0 ] || { show_log compile; abort "npx projen compile (exit $rc)"; }
run pack bash -c "cd '$ROOT' && npx projen package"
[ "$rc" -eq 0 ] || { show_log pack 30; abort "npx projen package (exit $rc)"; }
pass "npx projen package packed the tarball and its content check passed"
grep -E '^dist/js/.*packed' "$LOGS/pack.log" | sed 's/^/    /' || true
BUILT=$(cd "$ROOT" && node -p "const p = require('./package.json'); 'dist/js/' + p.name + '@' + p.version + '.jsii.tgz'")
# A copy: a later build in the checkout must not change what this app installed.
cp "$ROOT/$BUILT" "$WORK/pack/"
TARBALL="$WORK/pack/$(basename "$BUILT")"

# ---------------------------------------------------------------------------------------------------
step init
CDK8S="$ROOT/node_modules/.bin/cdk8s"
# Bounded: where GitHub is firewalled rather than unresolvable, the import's download could hang.
limit=$(command -v timeout >/dev/null && echo 'timeout 600' || true)
run init bash -c "cd '$APP' && $limit '$CDK8S' init typescript-app --no-check-upgrade"
if [ "$rc" -eq 0 ]; then
  pass "cdk8s init typescript-app"
elif { grep -q 'Command failed: npm run import' "$LOGS/init.log" || { [ "$rc" -eq 124 ] && grep -q 'cdk8s import' "$LOGS/init.log"; }; } \
  && [ -f "$APP/cdk8s.yaml" ] && [ -d "$APP/node_modules/cdk8s-plus-33" ]; then
  pass "cdk8s init typescript-app scaffolded the app and installed its dependencies"
  echo "    NOTE: init's 'cdk8s import' of the k8s types failed (it downloads from raw.githubusercontent.com):"
  { grep -m1 -E 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|Could not find a schema' "$LOGS/init.log" || echo "init timed out (exit $rc) during the import"; } | sed 's/^/    | /'
  echo "    continuing without imports/ and without init's own compile/test/synth of the empty app"
else
  show_log init
  abort "cdk8s init typescript-app (exit $rc)"
fi
echo "    $(cd "$APP" && node -p "const d = require('./package.json').dependencies; Object.entries(d).map(([k, v]) => k + '@' + v).join(' ')")"

# ---------------------------------------------------------------------------------------------------
step install
node - "$ROOT/README.md" "$WORK/install-line" "$WORK/main.ts" <<'EOF' | tally "the README extraction" || true
const fs = require('fs');
const [readme, installOut, mainOut] = process.argv.slice(2);
const lines = fs.readFileSync(readme, 'utf-8').split('\n');
const start = lines.findIndex(l => /^## Quick start\s*$/.test(l));
if (start < 0) { console.log('FAIL README has a "## Quick start" heading'); console.log('DONE'); process.exit(0); }
let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
if (end < 0) end = lines.length;
const blocks = [];
for (let i = 0; i < lines.length; i++) {
  const fence = /^```\s*([\w-]*)\s*$/.exec(lines[i]);
  if (!fence || !fence[1]) continue;
  const close = lines.indexOf('```', i + 1);
  if (close < 0) break;
  const marker = /^<!-- readme-test: (name|inside) ([\w-]+) -->$/.exec(lines[i - 1] ?? '');
  blocks.push({ at: i, line: i + 1, lang: fence[1].toLowerCase(), body: lines.slice(i + 1, close), marker: marker ? `${marker[1]} ${marker[2]}` : undefined });
  i = close;
}
const inQuickStart = b => b.at > start && b.at < end;
const shell = blocks.find(b => inQuickStart(b) && ['bash', 'sh', 'shell'].includes(b.lang));
const install = shell?.body.map(l => l.replace(/^\$\s+/, '')).find(l => /^npm (install|i) /.test(l));
console.log(`${install ? 'PASS' : 'FAIL'} README Quick start has an install line in its first bash block`);
const isTs = b => ['ts', 'typescript'].includes(b.lang);
const named = blocks.filter(b => isTs(b) && b.marker === 'name quick-start');
const main = named.length ? named : blocks.filter(b => isTs(b) && inQuickStart(b) && !b.marker).slice(0, 1);
console.log(`${main.length === 1 ? 'PASS' : 'FAIL'} README has one Quick start block for main.ts (${named.length ? 'marked "readme-test: name quick-start"' : 'first ts block under the heading'}${main.length ? `, line ${main[0].line}` : ''})`);
const ts = main.slice(0, 1);
if (install) fs.writeFileSync(installOut, install.trim() + '\n');
if (ts.length) fs.writeFileSync(mainOut, ts.map(b => b.body.join('\n')).join('\n\n') + '\n');
console.log('DONE');
EOF
[ -s "$WORK/install-line" ] && [ -s "$WORK/main.ts" ] || abort "the Quick start could not be read from README.md"
install_line=$(cat "$WORK/install-line")
echo "    README: $install_line"

# Only package names are taken from the README line; the library's name becomes the tarball.
read -r -a words <<<"$install_line"
packages=()
library_seen=0
for word in "${words[@]:2}"; do
  if [[ $word == "$LIBRARY" || $word == "$LIBRARY@"* ]]; then
    packages+=("$TARBALL")
    library_seen=1
  elif [[ $word =~ ^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*(@[0-9A-Za-z.^~*<>=|-]+)?$ ]]; then
    packages+=("$word")
  else
    abort "the install line has '$word', which is not a package name (keep it to 'npm install <packages>')"
  fi
done
[ "$library_seen" -eq 1 ] && pass "the install line installs $LIBRARY" || abort "the install line does not install $LIBRARY"
run install bash -c 'cd "$0" && npm install --prefer-offline --no-audit --no-fund "$@"' "$APP" "${packages[@]}"
if [ "$rc" -eq 0 ]; then
  pass "npm install ${packages[*]/#$TARBALL/<tarball>}"
else
  show_log install
  abort "npm install per the README install line (exit $rc)"
fi
grep -E 'warn|ERR' "$LOGS/install.log" | grep -v -E 'install-scripts|^npm warn *$' | sed 's/^/    | /' | head -10 || true
# Shown, not checked: a peer dependency on another cdk8s-plus major makes npm install that one too.
echo "    cdk8s-plus in the app: $(cd "$APP/node_modules" && for d in cdk8s-plus-*; do [ -d "$d" ] && printf '%s@%s ' "$d" "$(node -p "require('./$d/package.json').version")"; done)"
installed_from=$(cd "$APP" && node -p "require('./package.json').dependencies['$LIBRARY']")
[[ $installed_from == file:* ]] && pass "$LIBRARY comes from the tarball ($installed_from)" || fail "$LIBRARY resolved to '$installed_from', not the tarball"

# ---------------------------------------------------------------------------------------------------
step synth
cp "$WORK/main.ts" "$APP/main.ts"
run synth bash -c "cd '$APP' && npx --no cdk8s synth --no-check-upgrade"
if [ "$rc" -eq 0 ]; then
  pass "cdk8s synth of the Quick start pasted as main.ts"
  node - "$APP/dist" "$ROOT/node_modules/yaml" <<'EOF' | tally "the dist/ check" || true
const fs = require('fs');
const path = require('path');
const [dist, yamlModule] = process.argv.slice(2);
const YAML = require(yamlModule);
const files = fs.readdirSync(dist).filter(f => /\.ya?ml$/.test(f));
const docs = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf-8')).map(d => d.toJS())).filter(Boolean);
const result = (ok, what) => console.log(`${ok ? 'PASS' : 'FAIL'} dist: ${what}`);
const ofKind = kind => docs.filter(d => d.kind === kind);
console.log(`${docs.length} objects: ${docs.map(d => `${d.kind}/${d.metadata?.name}`).join(', ')}`);

const spcs = ofKind('SecretProviderClass');
result(spcs.length > 0 && spcs.every(s => s.apiVersion === 'secrets-store.csi.x-k8s.io/v1' && s.spec?.provider === 'azure'),
  'has a SecretProviderClass (secrets-store.csi.x-k8s.io/v1, provider: azure)');
const serviceAccounts = ofKind('ServiceAccount');
result(serviceAccounts.length > 0, 'has a ServiceAccount');
const roles = ofKind('ClusterRole');
result(roles.length > 0, 'has a ClusterRole');
const bindings = ofKind('ClusterRoleBinding');
result(bindings.length > 0 && bindings.every(b => roles.some(r => r.metadata.name === b.roleRef?.name)),
  'has a ClusterRoleBinding to a ClusterRole in dist');

const podSpec = d => d.kind === 'Pod' ? d.spec : d.kind === 'CronJob' ? d.spec?.jobTemplate?.spec?.template?.spec : d.spec?.template?.spec;
const workloads = docs.filter(d => ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'].includes(d.kind));
const spcNames = new Set(spcs.map(s => s.metadata.name));
const mounted = workloads.filter(w => {
  const spec = podSpec(w) ?? {};
  return (spec.volumes ?? []).some(v => v.csi?.driver === 'secrets-store.csi.k8s.io' && v.csi.readOnly === true
    && spcNames.has(v.csi.volumeAttributes?.secretProviderClass)
    && [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some(c => (c.volumeMounts ?? []).some(m => m.name === v.name && m.readOnly === true)));
});
result(mounted.length > 0, `has a workload with a read-only secrets-store CSI volume of that SecretProviderClass, mounted read-only (${mounted.map(w => `${w.kind}/${w.metadata.name}`).join(', ') || `none of ${workloads.length} workloads`})`);
for (const w of mounted) {
  const sa = podSpec(w).serviceAccountName;
  const ns = w.metadata.namespace;
  result(serviceAccounts.some(s => s.metadata.name === sa && s.metadata.namespace === ns), `${w.kind} runs as ServiceAccount ${ns}/${sa} from dist`);
  result(bindings.some(b => (b.subjects ?? []).some(s => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === ns)),
    `a ClusterRoleBinding grants ServiceAccount ${ns}/${sa}`);
}
console.log('DONE');
EOF
else
  show_log synth 40
  fail "cdk8s synth of the Quick start pasted as main.ts (exit $rc): $(grep -m1 -E '^Error|error TS[0-9]+' "$LOGS/synth.log" || echo 'see the log above')"
fi

# ---------------------------------------------------------------------------------------------------
if ! grep -rqs KeyVaultCsiValidation "$ROOT/src"; then
  echo "== command, plugin: SKIP (this checkout has no manifest checker: no KeyVaultCsiValidation in src/)"
  exit 0
fi
[ -d "$APP/dist" ] || abort "the checker steps need the Quick start's dist/"

# A SecretProviderClass the constructs would refuse: the vault name has underscores.
BAD_VAULT=bad_vault_name
cat >"$WORK/bad.yaml" <<EOF
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: bad
  namespace: default
spec:
  provider: azure
  parameters:
    keyvaultName: $BAD_VAULT
    tenantID: 00000000-0000-0000-0000-000000000002
    clientID: 00000000-0000-0000-0000-000000000001
    useAzureTokenProxy: "true"
    objects: |
      array:
        - |
          objectName: secret1
          objectType: secret
EOF

step command
run validate-dist bash -c "cd '$APP' && npx --no $LIBRARY validate dist/"
[ "$rc" -eq 0 ] && pass "npx $LIBRARY validate dist/ exits 0" || { show_log validate-dist; fail "npx $LIBRARY validate dist/ exited $rc, expected 0"; }
run validate-json bash -c "cd '$APP' && npx --no $LIBRARY validate --format json dist/"
if [ "$rc" -eq 0 ] && node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf-8")); process.exit(r.version === 1 ? 0 : 1)' "$LOGS/validate-json.log" 2>/dev/null; then
  pass "validate --format json dist/ exits 0 with a version 1 JSON report"
else
  show_log validate-json
  fail "validate --format json dist/ (exit $rc): expected exit 0 and JSON with \"version\": 1 on stdout"
fi
run validate-stdin bash -c "cd '$APP' && npx --no $LIBRARY validate - <'$WORK/bad.yaml'"
if [ "$rc" -eq 1 ] && grep -q keyvaultName "$LOGS/validate-stdin.log" && grep -q "$BAD_VAULT" "$LOGS/validate-stdin.log"; then
  pass "validate - exits 1 on a bad manifest from stdin and names keyvaultName \"$BAD_VAULT\""
else
  show_log validate-stdin
  fail "validate - on a bad manifest from stdin (exit $rc): expected exit 1 and a finding naming keyvaultName \"$BAD_VAULT\""
fi
run validate-sarif bash -c "cd '$APP' && npx --no $LIBRARY validate --format sarif - <'$WORK/bad.yaml'"
if [ "$rc" -eq 1 ] && node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf-8")); process.exit(r.version === "2.1.0" && r.runs[0].results.length > 0 ? 0 : 1)' "$LOGS/validate-sarif.log" 2>/dev/null; then
  pass "validate --format sarif - exits 1 with a SARIF 2.1.0 result"
else
  show_log validate-sarif
  fail "validate --format sarif - on the bad manifest (exit $rc): expected exit 1 and SARIF 2.1.0 with a result"
fi

# ---------------------------------------------------------------------------------------------------
step plugin
version=$(node -p "require('$APP/node_modules/$LIBRARY/package.json').version")
cat >>"$APP/cdk8s.yaml" <<EOF
validations:
  - package: ./node_modules/$LIBRARY
    version: $version
    class: KeyVaultCsiValidation
EOF
run plugin-pass bash -c "cd '$APP' && npx --no cdk8s synth --no-check-upgrade"
if [ "$rc" -eq 0 ] && grep -q 'Validation Report' "$LOGS/plugin-pass.log"; then
  pass "cdk8s synth with the KeyVaultCsiValidation plugin passes on the Quick start (the plugin reported)"
else
  show_log plugin-pass 40
  fail "cdk8s synth with the KeyVaultCsiValidation plugin (exit $rc): expected exit 0 and the plugin's Validation Report"
fi

# Break the app: a hand-written SecretProviderClass (no construct validates it) in a chart of its own.
if grep -qE '^\s*app\.synth\(\);?\s*$' "$APP/main.ts"; then
  node - "$APP/main.ts" "$BAD_VAULT" <<'EOF'
const fs = require('fs');
const [file, vault] = process.argv.slice(2);
const lines = fs.readFileSync(file, 'utf-8').split('\n');
const at = lines.map(l => /^\s*app\.synth\(\);?\s*$/.test(l)).lastIndexOf(true);
lines.splice(at, 0, `new e2e.ApiObject(new e2e.Chart(app, 'e2e-broken'), 'bad-spc', {
  apiVersion: 'secrets-store.csi.x-k8s.io/v1',
  kind: 'SecretProviderClass',
  metadata: { name: 'bad' },
  spec: {
    provider: 'azure',
    parameters: {
      keyvaultName: '${vault}',
      tenantID: '00000000-0000-0000-0000-000000000002',
      clientID: '00000000-0000-0000-0000-000000000001',
      useAzureTokenProxy: 'true',
      objects: 'array:\\n  - |\\n    objectName: secret1\\n    objectType: secret\\n',
    },
  },
});`);
fs.writeFileSync(file, `import * as e2e from 'cdk8s';\n${lines.join('\n')}`);
EOF
  run plugin-fail bash -c "cd '$APP' && npx --no cdk8s synth --no-check-upgrade"
  if [ "$rc" -ne 0 ] && grep -q 'e2e-broken/bad-spc' "$LOGS/plugin-fail.log" && grep -q "$BAD_VAULT" "$LOGS/plugin-fail.log"; then
    pass "cdk8s synth fails (exit $rc) with a report naming construct e2e-broken/bad-spc and \"$BAD_VAULT\""
  else
    show_log plugin-fail 40
    fail "cdk8s synth with a bad hand-written SecretProviderClass (exit $rc): expected a non-zero exit and a report naming e2e-broken/bad-spc and \"$BAD_VAULT\""
  fi
else
  fail "main.ts has no 'app.synth();' line to add the broken construct before (the Quick start should end with app.synth())"
fi
