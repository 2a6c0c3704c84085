import { AppError } from '@fluxquery/errors';
import { CronExpressionParser } from 'cron-parser';

/** When a subscription fires: a five-field cron expression read on the wall clock of an IANA zone. */
export interface Schedule {
  cron: string;
  timeZone: string;
  /** Unix ms; no tick before it. */
  startsAt?: number;
  /** Unix ms; no tick after it. */
  endsAt?: number;
  /** At most this many runs (ticks that made an export). */
  maxRuns?: number;
}

const MINUTE = 60_000;

/**
 * The first tick strictly after `afterMs`, or undefined when the schedule has none (past its end).
 *
 * Ticks are wall-clock times in the zone: cron-parser finds the next matching local time (read as
 * if it were UTC, so that it never sees a daylight-saving change), and `toInstant` maps it to a
 * moment. A local time that a change skips (02:30 on a spring-forward night) becomes the first
 * moment after the change (03:00), once, whatever number of ticks fell in the gap; a local time
 * that happens twice (01:30 on a fall-back night) fires at its first occurrence only.
 */
export function nextTick(schedule: Schedule, afterMs: number): number | undefined {
  const from = Math.max(afterMs, (schedule.startsAt ?? 0) - 1);
  let local = toLocalMs(from, schedule.timeZone);
  // A few turns at most: in a repeated hour, local times already passed in its first pass.
  for (let turn = 0; turn < 1_000; turn += 1) {
    local = nextLocalMatch(schedule.cron, local);
    const instant = toInstant(local, schedule.timeZone);
    if (instant <= from) continue;
    return schedule.endsAt !== undefined && instant > schedule.endsAt ? undefined : instant;
  }
  return undefined;
}

/** Every tick in (fromMs, toMs], oldest first, at most `max` of them. */
export function ticksBetween(schedule: Schedule, fromMs: number, toMs: number, max = 1_000): number[] {
  const ticks: number[] = [];
  for (let tick = nextTick(schedule, fromMs); tick !== undefined && tick <= toMs; tick = nextTick(schedule, tick)) {
    ticks.push(tick);
    if (ticks.length >= max) break;
  }
  return ticks;
}

/**
 * The shortest time between two of the next 500 ticks: what the per-key minimum interval is
 * checked against, so that `0,1 8 * * *` is caught as well as `* * * * *`, and `* * 29 2 *` (every
 * minute of a day years away) too. A day's ticks repeat from one firing day to the next, so the
 * first 500 show every gap a schedule has, or a gap under three minutes.
 */
export function shortestGapMs(schedule: Schedule, fromMs: number): number | undefined {
  const ticks = ticksBetween({ ...schedule, endsAt: undefined }, fromMs, Number.POSITIVE_INFINITY, 500);
  let shortest: number | undefined;
  for (let i = 1; i < ticks.length; i += 1) {
    const gap = ticks[i]! - ticks[i - 1]!;
    shortest = shortest === undefined ? gap : Math.min(shortest, gap);
  }
  return shortest;
}

/** Five fields, each as cron-parser reads it; anything else is the request's 400. */
export function checkCron(cron: string): void {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw invalidSchedule('schedule.cron', `"schedule.cron" must have five fields (minute hour day month weekday)`);
  }
  try {
    CronExpressionParser.parse(cron, { tz: 'UTC' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidSchedule('schedule.cron', `"schedule.cron" is not a valid cron expression: ${reason}`);
  }
}

export function invalidSchedule(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { details: [{ field, message }] });
}

function nextLocalMatch(cron: string, localMs: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(localMs), tz: 'UTC' })
    .next()
    .getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's wall clock at `ms`, as milliseconds of a UTC date with the same fields. */
function toLocalMs(ms: number, timeZone: string): number {
  const parts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type in parts) parts[part.type as keyof typeof parts] = Number(part.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall + (((ms % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  return toLocalMs(ms, timeZone) - ms;
}

/**
 * The moment a local wall-clock time happens: its first occurrence when it happens twice, and the
 * moment the clock jumps when a change skips it.
 */
function toInstant(localMs: number, timeZone: string): number {
  const before = offsetAt(localMs - 24 * 3_600_000, timeZone);
  const after = offsetAt(localMs + 24 * 3_600_000, timeZone);
  const candidates = [localMs - before, localMs - after].filter((ms) => offsetAt(ms, timeZone) === localMs - ms);
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped: the first whole minute with the later offset lies between the two readings.
  let low = Math.min(localMs - before, localMs - after);
  let high = Math.max(localMs - before, localMs - after);
  while (high - low > MINUTE) {
    const middle = low + Math.max(1, Math.floor((high - low) / 2 / MINUTE)) * MINUTE;
    if (offsetAt(middle, timeZone) === after) high = middle;
    else low = middle;
  }
  return high;
}
