import { checkCron, nextTick, shortestGapMs, ticksBetween, type Schedule } from './schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const ticks = (schedule: Schedule, from: string, to: string) => ticksBetween(schedule, at(from), at(to)).map(iso);

describe('ticks on the wall clock of a zone', () => {
  // New York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
  const newYork = (cron: string): Schedule => ({ cron, timeZone: 'America/New_York' });
  // Berlin: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
  const berlin = (cron: string): Schedule => ({ cron, timeZone: 'Europe/Berlin' });

  it('keeps a daily 08:00 at 08:00 local across both changes, in two zones', () => {
    expect(ticks(newYork('0 8 * * *'), '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      '2026-03-06T13:00:00Z',
      '2026-03-07T13:00:00Z',
      '2026-03-08T12:00:00Z',
      '2026-03-09T12:00:00Z',
    ]);
    expect(ticks(newYork('0 8 * * *'), '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
      '2026-10-31T12:00:00Z',
      '2026-11-01T13:00:00Z',
      '2026-11-02T13:00:00Z',
    ]);
    expect(ticks(berlin('0 8 * * *'), '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      '2026-03-28T07:00:00Z',
      '2026-03-29T06:00:00Z',
      '2026-03-30T06:00:00Z',
    ]);
    expect(ticks(berlin('0 8 * * *'), '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual([
      '2026-10-24T06:00:00Z',
      '2026-10-25T07:00:00Z',
      '2026-10-26T07:00:00Z',
    ]);
  });

  it('runs a tick in a skipped hour once, when the clock jumps', () => {
    expect(ticks(newYork('30 2 * * *'), '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      '2026-03-07T07:30:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-09T06:30:00Z',
    ]);
    expect(ticks(berlin('30 2 * * *'), '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')).toEqual([
      '2026-03-29T01:00:00Z',
      '2026-03-30T00:30:00Z',
    ]);
    // Every quarter of the skipped hour collapses into one tick at 03:00.
    expect(ticks(newYork('*/15 * * * *'), '2026-03-08T06:30:00Z', '2026-03-08T07:30:00Z')).toEqual([
      '2026-03-08T06:45:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-08T07:15:00Z',
      '2026-03-08T07:30:00Z',
    ]);
  });

  it('runs a tick in a repeated hour once, at its first occurrence', () => {
    expect(ticks(newYork('30 1 * * *'), '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
      '2026-10-31T05:30:00Z',
      '2026-11-01T05:30:00Z',
      '2026-11-02T06:30:00Z',
    ]);
    expect(ticks(berlin('30 2 * * *'), '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z')).toEqual([
      '2026-10-25T00:30:00Z',
      '2026-10-26T01:30:00Z',
    ]);
    // Hourly: 01:00 EDT fires, 01:00 EST (the same wall time again) does not.
    expect(ticks(newYork('0 * * * *'), '2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z')).toEqual([
      '2026-11-01T05:00:00Z',
      '2026-11-01T07:00:00Z',
      '2026-11-01T08:00:00Z',
    ]);
    // Asked from inside the second pass, the next tick is still after the moment asked about.
    expect(iso(nextTick(newYork('*/15 * * * *'), at('2026-11-01T06:10:00Z'))!)).toBe('2026-11-01T07:00:00Z');
  });

  it('keeps within starts_at and ends_at', () => {
    const schedule = {
      ...newYork('0 8 * * *'),
      startsAt: at('2026-03-07T13:00:00Z'),
      endsAt: at('2026-03-09T12:00:00Z'),
    };
    expect(ticks(schedule, '2026-03-01T00:00:00Z', '2026-03-20T00:00:00Z')).toEqual([
      '2026-03-07T13:00:00Z',
      '2026-03-08T12:00:00Z',
      '2026-03-09T12:00:00Z',
    ]);
    expect(nextTick(schedule, at('2026-03-09T12:00:00Z'))).toBeUndefined();
  });

  it('measures the shortest gap between ticks, irregular lists included', () => {
    const from = at('2026-01-01T00:00:00Z');
    expect(shortestGapMs({ cron: '*/5 * * * *', timeZone: 'UTC' }, from)).toBe(300_000);
    expect(shortestGapMs({ cron: '0,1 8 * * *', timeZone: 'Europe/Berlin' }, from)).toBe(60_000);
    // The week that holds the spring-forward night is an hour short.
    expect(shortestGapMs({ cron: '0 8 * * 1', timeZone: 'Europe/Berlin' }, from)).toBe(7 * 24 * 3_600_000 - 3_600_000);
    expect(shortestGapMs({ cron: '* * 29 2 *', timeZone: 'UTC' }, from)).toBe(60_000);
  });

  it('accepts five fields only', () => {
    expect(() => checkCron('0 8 * * 1-5')).not.toThrow();
    expect(() => checkCron('0 0 8 * * *')).toThrow(/five fields/);
    expect(() => checkCron('61 * * * *')).toThrow(/not a valid cron expression/);
    expect(() => checkCron('')).toThrow(/five fields/);
  });
});
