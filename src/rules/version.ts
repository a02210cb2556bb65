import { errorAt, Finding } from './model';
import { Driver, Provider } from '../facts/install';

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

/** The releases of one install component, for `releaseVersion`. */
export interface ReleaseFacts {
  /** "driver" or "provider", for messages. */
  readonly component: string;
  /** Release tags, oldest first (SemVer order). */
  readonly releases: readonly string[];
  /** The construct's default version. */
  readonly default: string;
}

/**
 * @internal
 * A version that is a release of `own` (its image tag exists), or, with `customImage`, any
 * release-shaped version (a custom or newer build: the version then only says which release it is
 * based on). Errors suggest the right tag: the "v"-prefixed one, the next release, or the other
 * component when the version is one of its releases.
 */
export function releaseVersion(value: string, field: string, own: ReleaseFacts, other: ReleaseFacts, customImage: boolean): Finding | undefined {
  const escape = 'or set `image` too, for a custom build or a release newer than this library knows';
  const ofOther = (version: string) => other.releases.includes(version)
    ? ` (${version === other.releases[other.releases.length - 1] ? `the ${other.component}'s latest is ${version}` : `${version} is a ${other.component} release`}, did you mean the ${other.component}?)`
    : '';
  if (!VERSION.test(value)) {
    const prefixed = `v${value}`;
    if (customImage) {
      return errorAt(field, value, { rule: `must be a version like "${own.default}": the ${own.component} release the image is based on`, fix: `use e.g. "${VERSION.test(prefixed) ? prefixed : own.default}"` });
    }
    const known = own.releases.includes(prefixed);
    return errorAt(field, value, {
      rule: `must be a ${own.component} release tag like "${own.default}" (the image tag)${known ? '' : ofOther(prefixed)}`,
      fix: known ? `use "${prefixed}"` : `use a ${own.component} release tag, e.g. "${own.default}" (the default)`,
    });
  }
  if (customImage || own.releases.includes(value)) return undefined;
  const latest = own.releases[own.releases.length - 1];
  if (compareVersions(value, latest) > 0) {
    return errorAt(field, value, { rule: `the ${own.component}'s releases end at ${latest}${ofOther(value)}`, fix: `use "${latest}" or an older ${own.component} release, ${escape}` });
  }
  const next = own.releases.find(r => compareVersions(r, value) > 0)!;
  const previous = [...own.releases].reverse().find(r => compareVersions(r, value) < 0);
  const nearest = previous ? `the nearest are ${previous} and ${next}` : `the oldest is ${next}`;
  return errorAt(field, value, { rule: `there is no ${own.component} release ${value}, ${nearest}${ofOther(value)}`, fix: `use "${next}", ${escape}` });
}

const DRIVER_RELEASES: ReleaseFacts = { component: 'driver', releases: Driver.RELEASES, default: Driver.VERSION };
const PROVIDER_RELEASES: ReleaseFacts = { component: 'provider', releases: Provider.RELEASES, default: Provider.VERSION };

/** @internal `SecretsStoreCsiDriver.version`: a driver release (any release-shaped version with a custom `image`). */
export function driverVersion(value: string, field: string, customImage: boolean): Finding | undefined {
  return releaseVersion(value, field, DRIVER_RELEASES, PROVIDER_RELEASES, customImage);
}

/** @internal `AzureKeyVaultProvider.version`: a provider release (any release-shaped version with a custom `image`). */
export function providerVersion(value: string, field: string, customImage: boolean): Finding | undefined {
  return releaseVersion(value, field, PROVIDER_RELEASES, DRIVER_RELEASES, customImage);
}
