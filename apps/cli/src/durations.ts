import { parseDurationMs } from '@fluxquery/config';
import { InvalidArgumentError } from 'commander';

/** `90`, `90s`, `5m`, `1h30m`: as the service's settings read durations. */
export function parseDuration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('a duration such as 90s, 10m or 1h');
  return ms;
}
