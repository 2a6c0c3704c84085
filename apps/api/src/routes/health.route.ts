import { AppError } from '@fluxquery/errors';
import type { Request, Response } from 'express';
import type { ApiMetrics } from '@fluxquery/metrics';
import type { ApiDeps } from '../context';
import { withTimeout } from '@fluxquery/coordination';

/** GET /healthz: the process answers. */
export function healthRoute(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

/** GET /readyz: Redis answers, so requests can be queued. */
export function readyRoute(deps: ApiDeps) {
  return async (_req: Request, res: Response): Promise<void> => {
    await withTimeout(deps.pingRedis(), 2_000).catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'Redis is unreachable', { cause: error });
    });
    res.json({ status: 'ready' });
  };
}

/** GET /metrics: Prometheus text. Like /healthz it is not signed: restrict it at the network. */
export function metricsRoute(metrics: ApiMetrics) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
