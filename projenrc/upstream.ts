/**
 * The pinned upstream files the build and the parity tests read: the two SecretProviderClass CRDs
 * (`npx projen import` generates imports/ from them), the driver's `deploy/` and the provider's
 * `deployment/` manifests, both Helm charts' values.yaml, and the Azure Service Operator kinds that
 * `AzureAccess` writes (JSON schemas from datreeio/CRDs-catalog, and ASO's generated Go types for
 * IdentityBinding, which the catalog lacks). Each is pinned by commit and SHA-256.
 *
 * They are read from the directory named by UPSTREAM_REFERENCE_DIR when it is set (laid out as
 * `REFERENCE_FILES[].file` says), and otherwise fetched from the pinned URLs into a cache under
 * node_modules/.cache. A file whose SHA-256 differs from the pinned one is an error either way.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Names the directory holding local copies of the pinned files. */
export const UPSTREAM_REFERENCE_DIR = 'UPSTREAM_REFERENCE_DIR';

/** A GitHub repository at a pinned commit. */
export interface UpstreamRepository {
  /** owner/name on GitHub. */
  readonly name: string;
  /** The commit every file is read at. */
  readonly commit: string;
}

/** The Secrets Store CSI Driver at the merge of "release v1.6.0" (PR #2033). */
export const DRIVER: UpstreamRepository = {
  name: 'kubernetes-sigs/secrets-store-csi-driver',
  commit: '0aad886f70e94a6037325f4eaba4660338dde448',
};

/** The Azure Key Vault provider at "release: update manifest and helm charts for v1.8.2" (#2042). */
export const PROVIDER: UpstreamRepository = {
  name: 'Azure/secrets-store-csi-driver-provider-azure',
  commit: 'd5f7cf5b598c2eede99ad3683de0ba10f7a8736b',
};

/**
 * datreeio/CRDs-catalog: the CRD JSON schemas kubeconform users point at, here those of Azure
 * Service Operator v2's RoleAssignment and FederatedIdentityCredential.
 */
export const CRDS_CATALOG: UpstreamRepository = {
  name: 'datreeio/CRDs-catalog',
  commit: '3fc07a02b8d1368d44541868c7726f9954f32e87',
};

/** Azure Service Operator v2 with the containerservice v20251002preview IdentityBinding (ASO v2.18.0). */
export const ASO: UpstreamRepository = {
  name: 'Azure/azure-service-operator',
  commit: 'e7c90009c74756734e3eeb2adf8368e066c12e31',
};

/** One pinned upstream file. */
export interface ReferenceFile {
  /** Path inside the reference directory (and the cache). */
  readonly file: string;
  readonly repository: UpstreamRepository;
  /** Path inside the upstream repository. */
  readonly path: string;
  /** SHA-256 of the file's bytes at the pinned commit, hex. */
  readonly sha256: string;
}

const driver = (file: string, upstreamPath: string, sha256: string): ReferenceFile =>
  ({ file: `secrets-store-csi-driver/${file}`, repository: DRIVER, path: upstreamPath, sha256 });
const provider = (file: string, upstreamPath: string, sha256: string): ReferenceFile =>
  ({ file: `provider-azure/${file}`, repository: PROVIDER, path: upstreamPath, sha256 });

const catalog = (file: string, sha256: string): ReferenceFile =>
  ({ file: `azure-service-operator/datree/${file}`, repository: CRDS_CATALOG, path: file, sha256 });
const aso = (file: string, sha256: string): ReferenceFile =>
  ({ file: `azure-service-operator/aso/${file}`, repository: ASO, path: file, sha256 });

const SPC_CRD = 'secrets-store.csi.x-k8s.io_secretproviderclasses.yaml';
const SPCPS_CRD = 'secrets-store.csi.x-k8s.io_secretproviderclasspodstatuses.yaml';

/** Every pinned file, by its path in the reference directory. */
export const REFERENCE_FILES: readonly ReferenceFile[] = [
  driver(`crds/${SPC_CRD}`, `config/crd/bases/${SPC_CRD}`, 'ef1623b34403bb11311fc92763b5b364ba456a166f1637eeec8d29052dd115f3'),
  driver(`crds/${SPCPS_CRD}`, `config/crd/bases/${SPCPS_CRD}`, '3396be6b30e393eab9810dd97ec24fce01cece33cdf4caf57788d960ea8384d8'),
  ...[
    ['csidriver.yaml', 'a3232c8da1d5639212b8f534120bd0cb0459468066edb0b3b097d052d5251fb1'],
    ['rbac-secretproviderclass.yaml', '57ec50d4191336a85edf33a888513e13d353a7939d9d3eca1aa84ba683174a35'],
    ['rbac-secretprovidersyncing.yaml', '4c7a45b74d52140da02d8894ab405a0afc8a0964427bd26f4d78ebcc8fb04d6d'],
    ['role-secretproviderclasses-admin.yaml', 'efe4656337e899c665180b9c4c2cdc23fa4593a3674491644989aed96ee9d7f0'],
    ['role-secretproviderclasses-viewer.yaml', 'efc82ee7e732e5d2e43bb9b525cedb5cd2bed29ba98ebfa7f3882c96894f2fe3'],
    ['role-secretproviderclasspodstatuses-viewer.yaml', 'a3e3bd206fc08c90549eb06d207f5a7daf6c5dca1646e41eb9e7c5876ec269e6'],
    ['secrets-store-csi-driver-windows.yaml', 'c03bd4437639e94e73f9599495c3da70228cb8d702054a7dfad29cfd9ce53843'],
    ['secrets-store-csi-driver.yaml', '9f7d7452d6bcd5aa9f5d6e5394f91d83cb1fa90e901604c92c8dab251b0cb9cb'],
    [SPC_CRD, 'ef1623b34403bb11311fc92763b5b364ba456a166f1637eeec8d29052dd115f3'],
    [SPCPS_CRD, '3396be6b30e393eab9810dd97ec24fce01cece33cdf4caf57788d960ea8384d8'],
  ].map(([name, sha256]) => driver(`deploy/${name}`, `deploy/${name}`, sha256)),
  driver('chart/values.yaml', 'charts/secrets-store-csi-driver/values.yaml', '3142fb663b2153e00a3e97a312d7ee5c6bb5a0c9db421024d68da6f5a9035fdd'),
  provider('deployment/provider-azure-installer.yaml', 'deployment/provider-azure-installer.yaml', '3b88fcb8eee2a18092e7da138db7e55f4ae5b856b5051875b8c49204313192df'),
  provider('deployment/provider-azure-installer-windows.yaml', 'deployment/provider-azure-installer-windows.yaml', '958640c121ceb8c07fe4d96ecfce0ef15235f88e931115e42a4920e68a347dc8'),
  provider('chart/values.yaml', 'charts/csi-secrets-store-provider-azure/values.yaml', '4240806ec087fbeca2ba762603cd14189173519c7401aad1adf3a87b953becb5'),
  catalog('authorization.azure.com/roleassignment_v1api20220401.json', 'b6e3f500bb653fe241e2c5a576e3713afaf0af9750c940fc78771d524124f1bf'),
  catalog('managedidentity.azure.com/federatedidentitycredential_v1api20230131.json', 'a19fa050e6201da4c2e54d06571812816e17c52de4dd5220e3bc7d14b99efd9e'),
  aso('v2/api/containerservice/v20251002preview/identity_binding_types_gen.go', '8163f21a4c9dc0d35243b4faf92b9343beaee780e84ecd28d3b42bc5181ee151'),
];

/** The file's page on GitHub at the pinned commit (for people). */
export function pinnedUrl(ref: ReferenceFile): string {
  return `https://github.com/${ref.repository.name}/blob/${ref.repository.commit}/${ref.path}`;
}

/** The file's raw bytes at the pinned commit (for fetching). */
export function rawUrl(ref: ReferenceFile): string {
  return `https://raw.githubusercontent.com/${ref.repository.name}/${ref.repository.commit}/${ref.path}`;
}

/** The pinned file whose reference-directory path is `file`; an unlisted path is a programming error. */
export function referenceFile(file: string): ReferenceFile {
  const ref = REFERENCE_FILES.find(r => r.file === file);
  if (!ref) throw new Error(`${file} is not a pinned upstream file; add it to REFERENCE_FILES in projenrc/upstream.ts`);
  return ref;
}

/** Where fetched files are kept between runs (same layout as UPSTREAM_REFERENCE_DIR). */
export const CACHE_DIR = path.resolve(__dirname, '..', 'node_modules', '.cache', 'cdk8s-azure-keyvault-csi', 'upstream');

/** The directory files are read from: UPSTREAM_REFERENCE_DIR when set, else the cache. */
export function referenceDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env[UPSTREAM_REFERENCE_DIR];
  return dir ? path.resolve(dir) : CACHE_DIR;
}

/** Thrown when a file's bytes are not the pinned ones: the copy or the download is not what was pinned. */
export class ChecksumMismatch extends Error {}

function checkSha256(ref: ReferenceFile, bytes: Buffer, source: string): void {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== ref.sha256) {
    throw new ChecksumMismatch(`${source} has SHA-256 ${actual}, but ${ref.file} is pinned to ${ref.sha256} (${pinnedUrl(ref)}). `
      + 'Use the file from the pinned commit, or update the pin in projenrc/upstream.ts on purpose.');
  }
}

/**
 * The first of `refs` that is not in `dir`, after checking the SHA-256 of those before it; undefined
 * when all are there. Throws ChecksumMismatch for a file that is there with other bytes.
 */
export function firstMissing(refs: readonly ReferenceFile[], dir: string): ReferenceFile | undefined {
  for (const ref of refs) {
    const file = path.join(dir, ref.file);
    if (!fs.existsSync(file)) return ref;
    checkSha256(ref, fs.readFileSync(file), file);
  }
  return undefined;
}

/**
 * Makes `refs` available in `cacheDir`, fetching each missing one from its pinned URL and writing
 * it only once its SHA-256 matches. Rejects with ChecksumMismatch for a wrong download, or with
 * an Error naming the URL when a fetch fails (e.g. no network).
 */
export async function fetchIntoCache(refs: readonly ReferenceFile[], cacheDir = CACHE_DIR, timeoutMs = 30_000): Promise<void> {
  await Promise.all(refs.map(async ref => {
    const target = path.join(cacheDir, ref.file);
    if (fs.existsSync(target)) return;
    const url = rawUrl(ref);
    let bytes: Buffer;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (e) {
      const cause = (e as Error).cause ? ` (${(e as Error).cause})` : '';
      throw new Error(`could not fetch ${url}: ${(e as Error).message}${cause}`);
    }
    checkSha256(ref, bytes, url);
    // Write then rename, so parallel runs never read a half-written file.
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    fs.writeFileSync(partial, bytes);
    fs.renameSync(partial, target);
  }));
}

/**
 * The directory holding every one of `refs`, checked against its SHA-256: UPSTREAM_REFERENCE_DIR
 * when set, else the cache after fetching what it lacks. Rejects with a message saying how to get
 * the files when they cannot be had.
 */
export async function materialize(refs: readonly ReferenceFile[] = REFERENCE_FILES, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = referenceDir(env);
  if (!env[UPSTREAM_REFERENCE_DIR]) {
    try {
      await fetchIntoCache(refs);
    } catch (e) {
      if (e instanceof ChecksumMismatch) throw e;
      throw new Error(`${UPSTREAM_REFERENCE_DIR} is not set and ${(e as Error).message}. ${howToProvide()}`);
    }
  }
  const missing = firstMissing(refs, dir);
  if (missing) throw new Error(env[UPSTREAM_REFERENCE_DIR] ? notInReferenceDir(missing, dir) : `${missingMessage(missing, dir)}. ${howToProvide()}`);
  return dir;
}

/** Says which file is not where it was looked for, and where it is pinned. */
export function missingMessage(ref: ReferenceFile, dir: string): string {
  return `${ref.file} (${pinnedUrl(ref)}) is not in ${dir}`;
}

/** Says which file the directory UPSTREAM_REFERENCE_DIR names lacks, and what to do. */
export function notInReferenceDir(ref: ReferenceFile, dir: string): string {
  return `${missingMessage(ref, dir)}, the directory ${UPSTREAM_REFERENCE_DIR} names; `
    + 'copy the pinned files there (paths in projenrc/upstream.ts) or unset it to fetch them';
}

/** What to do when the pinned files cannot be had. */
export function howToProvide(): string {
  return `Set ${UPSTREAM_REFERENCE_DIR} to a directory laid out like the file paths in projenrc/upstream.ts `
    + `(e.g. ${REFERENCE_FILES[0].file}), or run where raw.githubusercontent.com is reachable.`;
}
