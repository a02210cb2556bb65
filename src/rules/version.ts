import { errorAt, Finding } from './model';

const VERSION = /^v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** @internal A release version `vMAJOR.MINOR.PATCH[-prerelease]` (the image tag convention of both projects). */
export function versionRule(value: string, field: string): Finding | undefined {
  if (VERSION.test(value)) return undefined;
  return errorAt(field, value, { rule: 'must be a release version like "v1.8.2" (the image tag)', fix: 'use the upstream release tag, e.g. "v1.8.2"' });
}

/**
 * @internal
 * Compares two versions that pass `versionRule`: negative when `a` is older than `b`. A
 * prerelease sorts before its release (v1.8.0-rc.1 < v1.8.0), as in SemVer.
 */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [VERSION.exec(a), VERSION.exec(b)];
  if (!pa || !pb) throw new Error(`cannot compare versions "${a}" and "${b}"`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}
