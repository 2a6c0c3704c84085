import { AppError } from '@fluxquery/errors';
import { parseSubscriptionChange, parseSubscriptionRequest } from './subscription-request';

const FIVE_MINUTES = 5 * 60_000;
const NOW = Date.parse('2026-12-05T12:00:00Z');
const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const base = { query: 'SELECT 1', email: 'a@example.com' };

function refusal(value: unknown): AppError {
  try {
    parseSubscriptionRequest(body(value), FIVE_MINUTES, NOW);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('a subscription request', () => {
  it('takes the fields of POST /export and a schedule, with defaults for the rest', () => {
    const parsed = parseSubscriptionRequest(
      body({ ...base, format: 'jsonl', schedule: { cron: '0  8 * * 1-5', time_zone: 'Europe/Berlin', max_runs: 3 } }),
      FIVE_MINUTES,
      NOW,
    );
    expect(parsed).toEqual({
      request: { query: 'SELECT 1', email: 'a@example.com', format: 'json' },
      schedule: { cron: '0 8 * * 1-5', timeZone: 'Europe/Berlin', maxRuns: 3 },
      condition: 'always',
      misfire: 'run_once',
    });
  });

  it('refuses a schedule that fires more often than SUBSCRIPTION_MIN_INTERVAL, irregular ones included', () => {
    for (const cron of ['* * * * *', '*/2 * * * *', '0,1 8 * * *', '58,59 23 31 12 *']) {
      const error = refusal({ ...base, schedule: { cron, time_zone: 'UTC' } });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual([
        { field: 'schedule.cron', message: expect.stringMatching(/at least 5 minutes apart/) },
      ]);
    }
    expect(() =>
      parseSubscriptionRequest(
        body({ ...base, schedule: { cron: '*/5 * * * *', time_zone: 'UTC' } }),
        FIVE_MINUTES,
        NOW,
      ),
    ).not.toThrow();
  });

  it('refuses what no schedule can be, each with its field', () => {
    const cases: [unknown, string][] = [
      [{ cron: '0 0 8 * * *', time_zone: 'UTC' }, 'schedule.cron'],
      [{ cron: '0 25 * * *', time_zone: 'UTC' }, 'schedule.cron'],
      [{ cron: '0 8 * * *', time_zone: '+02:00' }, 'schedule.time_zone'],
      [{ cron: '0 8 * * *', time_zone: 'Mars/Olympus' }, 'schedule.time_zone'],
      [{ cron: '0 8 * * *', time_zone: 'UTC', ends_at: '2026-01-01T00:00:00Z' }, 'schedule.ends_at'],
      [{ cron: '0 8 30 2 *', time_zone: 'UTC' }, 'schedule.cron'],
      [{ cron: '0 8 1 1 *', time_zone: 'UTC', ends_at: '2026-12-20T00:00:00Z' }, 'schedule'],
      [{ cron: '0 8 * * *' }, 'schedule.time_zone'],
    ];
    for (const [schedule, field] of cases) {
      const error = refusal({ ...base, schedule });
      expect(error.status).toBe(400);
      expect((error.details as { field: string }[]).map((d) => d.field)).toEqual([field]);
    }
    expect(refusal({ ...base }).details).toEqual([{ field: 'schedule', message: '"schedule" is required' }]);
    expect(refusal({ ...base, schedule: { cron: '0 8 * * *', time_zone: 'UTC' }, condition: 'sometimes' }).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('changes only what a PATCH names, and nothing unknown', () => {
    expect(parseSubscriptionChange(body({ status: 'paused', callback_url: null }), FIVE_MINUTES, NOW)).toEqual({
      status: 'paused',
      callbackUrl: null,
    });
    expect(() => parseSubscriptionChange(body({}), FIVE_MINUTES, NOW)).toThrow(AppError);
    expect(() => parseSubscriptionChange(body({ format: 'xlsx' }), FIVE_MINUTES, NOW)).toThrow(/not allowed/);
    expect(() => parseSubscriptionChange(body({ status: 'ended' }), FIVE_MINUTES, NOW)).toThrow(/must be one of/);
  });
});
