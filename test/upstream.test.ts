import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ChecksumMismatch, fetchIntoCache, firstMissing, materialize, pinnedUrl, rawUrl, REFERENCE_FILES, referenceFile,
  UPSTREAM_REFERENCE_DIR,
} from '../projenrc/upstream';

// The pinned upstream inputs (projenrc/upstream.ts): where they are read from, and that only the
// pinned bytes are accepted. Network access is replaced by a fake fetch.

const CRD = referenceFile('secrets-store-csi-driver/crds/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml');

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

/** A reference directory holding `content` as the CRD. */
function dirWithCrd(content: string): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, path.dirname(CRD.file)), { recursive: true });
  fs.writeFileSync(path.join(dir, CRD.file), content);
  return dir;
}

function fakeFetch(respond: (url: string) => Response | Promise<Response>): jest.SpyInstance {
  return jest.spyOn(globalThis, 'fetch').mockImplementation(async (input: any) => respond(String(input)));
}

afterEach(() => jest.restoreAllMocks());

test('every file is pinned to a commit and a SHA-256, with a unique path', () => {
  for (const ref of REFERENCE_FILES) {
    expect(ref.repository.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pinnedUrl(ref)).toBe(`https://github.com/${ref.repository.name}/blob/${ref.repository.commit}/${ref.path}`);
    expect(rawUrl(ref)).toBe(`https://raw.githubusercontent.com/${ref.repository.name}/${ref.repository.commit}/${ref.path}`);
  }
  expect(new Set(REFERENCE_FILES.map(r => r.file)).size).toBe(REFERENCE_FILES.length);
});

test('referenceFile rejects a path that is not pinned', () => {
  expect(() => referenceFile('provider-azure/chart/Chart.yaml')).toThrow(/not a pinned upstream file.*REFERENCE_FILES/);
});

test('firstMissing names the first absent file and throws for a file with other bytes', () => {
  expect(firstMissing([CRD], tempDir())).toBe(CRD);
  expect(() => firstMissing([CRD], dirWithCrd('kind: Other\n'))).toThrow(ChecksumMismatch);
  expect(() => firstMissing([CRD], dirWithCrd('kind: Other\n'))).toThrow(new RegExp(`pinned to ${CRD.sha256}`));
});

test('with UPSTREAM_REFERENCE_DIR, files are read from there and nothing is fetched', async () => {
  const fetch = fakeFetch(() => { throw new Error('must not fetch'); });
  const dir = tempDir();
  await expect(materialize([CRD], { [UPSTREAM_REFERENCE_DIR]: dir }))
    .rejects.toThrow(`${CRD.file} (${pinnedUrl(CRD)}) is not in ${dir}, the directory UPSTREAM_REFERENCE_DIR names`);
  await expect(materialize([CRD], { [UPSTREAM_REFERENCE_DIR]: dirWithCrd('x') })).rejects.toThrow(ChecksumMismatch);
  expect(fetch).not.toHaveBeenCalled();
});

test('a failed fetch names the URL; nothing is written', async () => {
  fakeFetch(() => { throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND raw.githubusercontent.com') }); });
  const cache = tempDir();
  await expect(fetchIntoCache([CRD], cache)).rejects.toThrow(`could not fetch ${rawUrl(CRD)}: fetch failed (Error: getaddrinfo ENOTFOUND`);
  fakeFetch(() => new Response('gone', { status: 404, statusText: 'Not Found' }));
  await expect(fetchIntoCache([CRD], cache)).rejects.toThrow(`could not fetch ${rawUrl(CRD)}: HTTP 404 Not Found`);
  expect(fs.readdirSync(cache)).toEqual([]);
});

test('a download with other bytes is a checksum error and is not cached', async () => {
  fakeFetch(() => new Response('kind: Tampered\n'));
  const cache = tempDir();
  await expect(fetchIntoCache([CRD], cache)).rejects.toThrow(ChecksumMismatch);
  expect(firstMissing([CRD], cache)).toBe(CRD);
});

test('a download with the pinned bytes is cached and then read without fetching', async () => {
  const bytes = Buffer.from('kind: CustomResourceDefinition\n');
  const pinned = { ...CRD, sha256: createHash('sha256').update(bytes).digest('hex') };
  const fetch = fakeFetch(url => {
    expect(url).toBe(rawUrl(CRD));
    return new Response(bytes);
  });
  const cache = tempDir();
  await fetchIntoCache([pinned], cache);
  expect(fs.readFileSync(path.join(cache, CRD.file)).equals(bytes)).toBe(true);
  expect(firstMissing([pinned], cache)).toBeUndefined();
  await fetchIntoCache([pinned], cache);
  expect(fetch).toHaveBeenCalledTimes(1);
  expect(fs.readdirSync(path.join(cache, path.dirname(CRD.file)))).toEqual([path.basename(CRD.file)]); // no partial file left
});
