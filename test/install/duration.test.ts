/**
 * Go duration rendering of the install constructs' intervals: what `time.ParseDuration` reads back
 * is the Duration given, and the text is upstream's compact form.
 */
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { goDuration } from '../../src/install/duration';
import * as rules from '../../src/rules/values';

const UNIT_MILLIS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds of a Go duration made of h, m, s and ms parts (a reading independent of the renderer). */
function parseGoDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|h|m|s)/g)];
  expect(parts.map(p => p[0]).join('')).toBe(text);
  return parts.reduce((sum, [, count, unit]) => sum + Number(count) * UNIT_MILLIS[unit], 0);
}

describe('goDuration', () => {
  test('upstream defaults and mixed units', () => {
    expect(goDuration(Duration.minutes(2))).toBe('2m');
    expect(goDuration(Duration.seconds(5))).toBe('5s');
    expect(goDuration(Duration.seconds(90))).toBe('1m30s');
    expect(goDuration(Duration.millis(1500))).toBe('1s500ms');
    expect(goDuration(Duration.hours(49))).toBe('49h');
  });

  test('any whole number of milliseconds: a valid Go duration that reads back as the same time, units in order', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 * 365 * 24 * 3_600_000 }), millis => {
      const text = goDuration(Duration.millis(millis));
      expect(rules.goDuration(text, 'duration')).toBeUndefined();
      expect(parseGoDuration(text)).toBe(millis);
      const units = [...text.matchAll(/\d+(ms|h|m|s)/g)].map(m => ['h', 'm', 's', 'ms'].indexOf(m[1]));
      expect(units).toEqual([...new Set(units)].sort((a, b) => a - b));
    }));
  });
});
