import type { ApiMetrics } from '@fluxquery/metrics';
import type { NextFunction, Request, Response } from 'express';

/**
 * Counts and times every request by route pattern (`/export/:id`, never the id: labels must stay
 * few), method and status, and every error answer by its code.
 */
export function measureRequests(metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route ? routePattern(req) : routeOf(req);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stop(labels);
      const code = res.locals.errorCode as string | undefined;
      if (code) metrics.rejected.inc({ code });
    });
    next();
  };
}

/** `/export` + `/:id` → `/export/:id`; `/export` + `/` → `/export`. */
function routePattern(req: Request): string {
  const pattern = `${req.baseUrl}${String((req.route as { path: unknown }).path)}`;
  return pattern.length > 1 ? pattern.replace(/\/$/, '') : pattern;
}

/** Requests that never reached a route (refused by middleware, or unknown), by the path's shape. */
function routeOf(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  if (path === '/export') return '/export';
  if (path.startsWith('/export/')) return '/export/:id';
  if (path.startsWith('/download/')) return '/download/:token';
  if (path.startsWith('/admin/queues')) return '/admin/queues';
  return 'unmatched';
}
