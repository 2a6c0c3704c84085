import type { ClientKey, ClientLimits } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import type { NextFunction, Request, Response } from 'express';
import type { RequestGuards } from '@fluxquery/coordination';

const MINUTE_MS = 60_000;

export interface RateLimit {
  /** In the message, and the bucket's name: "requests", "exports". */
  name: string;
  pick: (limits: ClientLimits) => number;
}

export const REQUESTS_PER_MINUTE: RateLimit = { name: 'requests', pick: (limits) => limits.requestsPerMinute };
export const EXPORTS_PER_MINUTE: RateLimit = { name: 'exports', pick: (limits) => limits.exportsPerMinute };

/**
 * Per client key, in Redis, so the limits hold across api replicas: 429 with Retry-After (whole
 * seconds) once the key has used one of them up for the current minute. Every limit a request
 * meets is counted in one round trip, in the order given.
 */
export function rateLimit(guards: RequestGuards, ...limits: RateLimit[]) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const client = req.client as ClientKey;
    const buckets = limits.map((limit) => ({ name: limit.name, limit: limit.pick(client.limits) }));
    const result = await guards.hit(client.keyId, buckets, MINUTE_MS).catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'the rate limiter is unavailable; try again shortly', { cause: error });
    });
    if (result.isAllowed) return next();
    const refused = result.refused ?? 0;
    res.setHeader('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
    const message = `this key may send ${buckets[refused]?.limit} ${limits[refused]?.name} a minute; try again later`;
    next(new AppError('RATE_LIMITED', message));
  };
}
