import type { ExportRequestBody } from '@fluxquery/client';
import { AppError } from '@fluxquery/errors';
import type { ExportRequestFields } from '@fluxquery/export-job';
import { RULES } from '@fluxquery/request-rules';
import {
  checkCron,
  CONDITIONS,
  invalidSchedule,
  MISFIRES,
  nextTick,
  shortestGapMs,
  type Condition,
  type Misfire,
  type Schedule,
} from '@fluxquery/subscriptions';
import Joi from 'joi';
import { EXPORT_FIELDS, readJsonObject, toExportRequest, validateBody } from './export-request';

interface RawSchedule {
  cron: string;
  time_zone: string;
  starts_at?: string;
  ends_at?: string;
  max_runs?: number;
}

type RawCreate = ExportRequestBody & { name?: string; schedule: RawSchedule; condition?: Condition; misfire?: Misfire };

interface RawChange {
  name?: string;
  schedule?: RawSchedule;
  condition?: Condition;
  misfire?: Misfire;
  status?: 'active' | 'paused';
  email?: string;
  query?: string;
  callback_url?: string | null;
}

/** A zone of the IANA database (or UTC): ticks follow its wall clock, so an offset such as +02:00 is refused. */
const ianaZone = Joi.string()
  .max(64)
  .custom((value: string, helpers) => {
    if (/^[+-]\d{2}:\d{2}$/.test(value))
      return helpers.message({ custom: '"{{#label}}" must be an IANA time zone such as Europe/Berlin, not an offset' });
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return value;
    } catch {
      return helpers.message({ custom: '"{{#label}}" is not a time zone of the IANA database' });
    }
  });

const SCHEDULE = Joi.object<RawSchedule>({
  cron: Joi.string().max(200).required(),
  time_zone: ianaZone.required(),
  starts_at: Joi.string().isoDate(),
  ends_at: Joi.string().isoDate(),
  max_runs: Joi.number().integer().min(1).max(1_000_000),
}).unknown(false);

const NAME = Joi.string().trim().min(1).max(200);
const CONDITION = Joi.string().valid(...CONDITIONS);
const MISFIRE = Joi.string().valid(...MISFIRES);

const CREATE = Joi.object<RawCreate>({
  ...EXPORT_FIELDS,
  name: NAME,
  schedule: SCHEDULE.required(),
  condition: CONDITION,
  misfire: MISFIRE,
})
  .required()
  .unknown(false);

const CHANGE = Joi.object<RawChange>({
  name: NAME,
  schedule: SCHEDULE,
  condition: CONDITION,
  misfire: MISFIRE,
  status: Joi.string().valid('active', 'paused'),
  email: RULES.email,
  query: RULES.query,
  callback_url: RULES.callbackUrl.allow(null),
})
  .min(1)
  .required()
  .unknown(false);

export interface SubscriptionRequest {
  name?: string;
  request: ExportRequestFields;
  schedule: Schedule;
  condition: Condition;
  misfire: Misfire;
}

/** POST /subscriptions: the export's fields as POST /export takes them, a schedule, a condition, a misfire policy. */
export function parseSubscriptionRequest(body: Buffer, minIntervalMs: number, nowMs: number): SubscriptionRequest {
  const raw = validateBody(CREATE, readJsonObject(body));
  const { name, schedule, condition, misfire, ...exportFields } = raw;
  return {
    ...(name ? { name } : {}),
    request: toExportRequest(exportFields),
    schedule: checkSchedule(schedule, minIntervalMs, nowMs),
    condition: condition ?? 'always',
    misfire: misfire ?? 'run_once',
  };
}

export type SubscriptionChange = Omit<RawChange, 'schedule' | 'callback_url'> & {
  schedule?: Schedule;
  callbackUrl?: string | null;
};

/** PATCH /subscriptions/:id: any of schedule, condition, misfire, name, status, recipient, query, callback_url. */
export function parseSubscriptionChange(body: Buffer, minIntervalMs: number, nowMs: number): SubscriptionChange {
  const { schedule, callback_url, ...rest } = validateBody(CHANGE, readJsonObject(body));
  return {
    ...rest,
    ...(schedule ? { schedule: checkSchedule(schedule, minIntervalMs, nowMs) } : {}),
    ...(callback_url !== undefined ? { callbackUrl: callback_url } : {}),
  };
}

/** Five fields, a window that holds a tick, and no two ticks closer than SUBSCRIPTION_MIN_INTERVAL. */
function checkSchedule(raw: RawSchedule, minIntervalMs: number, nowMs: number): Schedule {
  checkCron(raw.cron);
  const schedule: Schedule = {
    cron: raw.cron.trim().split(/\s+/).join(' '),
    timeZone: raw.time_zone,
    ...(raw.starts_at ? { startsAt: Date.parse(raw.starts_at) } : {}),
    ...(raw.ends_at ? { endsAt: Date.parse(raw.ends_at) } : {}),
    ...(raw.max_runs !== undefined ? { maxRuns: raw.max_runs } : {}),
  };
  if (schedule.endsAt !== undefined && schedule.endsAt <= Math.max(nowMs, schedule.startsAt ?? 0)) {
    throw invalidSchedule(
      'schedule.ends_at',
      '"schedule.ends_at" must be later than now and than "schedule.starts_at"',
    );
  }
  const from = Math.max(nowMs, schedule.startsAt ?? 0);
  if (firstTick(schedule, from) === undefined) {
    throw invalidSchedule('schedule', 'the schedule has no tick (its cron never matches, or it ends first)');
  }
  const gap = shortestGapMs(schedule, from);
  if (gap !== undefined && gap < minIntervalMs) {
    throw invalidSchedule(
      'schedule.cron',
      `"schedule.cron" fires ${describeGap(gap)} apart at times; ticks must be at least ${describeGap(minIntervalMs)} apart (SUBSCRIPTION_MIN_INTERVAL)`,
    );
  }
  return schedule;
}

function firstTick(schedule: Schedule, fromMs: number): number | undefined {
  try {
    return nextTick(schedule, fromMs);
  } catch {
    return undefined;
  }
}

function describeGap(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return `${Number(minutes.toFixed(1))} minute${minutes === 1 ? '' : 's'}`;
  return `${Number((minutes / 60).toFixed(1))} hours`;
}

/** A list's page: `?limit=` (1 to 100, default 20) and `?offset=`. */
export function readPage(query: Record<string, unknown>, maxLimit = 100): { offset: number; limit: number } {
  const number = (name: string, fallback: number, max: number) => {
    const value = query[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) > max) {
      throw new AppError('VALIDATION_FAILED', `"${name}" must be a whole number from 0 to ${max}`, {
        details: [{ field: name, message: `"${name}" must be a whole number from 0 to ${max}` }],
      });
    }
    return Number(value);
  };
  const limit = number('limit', Math.min(20, maxLimit), maxLimit);
  return { offset: number('offset', 0, 1_000_000), limit: Math.max(limit, 1) };
}
