import { Duration } from 'cdk8s';

/**
 * Go duration text (`time.ParseDuration`) of a cdk8s `Duration`, written the way upstream writes
 * its defaults ("2m", "5s"): hours, minutes, seconds and milliseconds with the zero parts left
 * out, so Duration.minutes(2) is "2m" and Duration.seconds(90) is "1m30s" (Go's own
 * `Duration.String()` would write "2m0s"). Call only on durations that passed `rules.interval`.
 */
export function goDuration(duration: Duration): string {
  let rest = duration.toMilliseconds({ integral: false });
  const parts: string[] = [];
  for (const [unit, millis] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const count = Math.floor(rest / millis);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * millis;
  }
  return parts.join('') || '0s';
}

/** Milliseconds of a duration, fractions kept (for validation). */
export function millisOf(duration: Duration): number {
  return duration.toMilliseconds({ integral: false });
}
