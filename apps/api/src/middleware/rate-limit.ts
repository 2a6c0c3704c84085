import type { ClientKey, ClientLimits } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import type { NextFunction, Request, Response } from 'express';
import type { RequestGuards } from '../request-guards';

const MINUTE_MS = 60_000;

/**
 * Per client key, in Redis, so the limit holds across api replicas: 429 with Retry-After (whole
 * seconds) once the key has used its requests for the current minute.
 */
export function rateLimit(guards: RequestGuards, name: string, pick: (limits: ClientLimits) => number) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const client = req.client as ClientKey;
    const limit = pick(client.limits);
    const result = await guards.hit(`${name}:${client.keyId}`, limit, MINUTE_MS).catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'the rate limiter is unavailable; try again shortly', { cause: error });
    });
    if (result.isAllowed) return next();
    res.setHeader('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
    next(new AppError('RATE_LIMITED', `this key may send ${limit} ${name} a minute; try again later`));
  };
}
