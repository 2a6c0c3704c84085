import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { AppError } from '@fluxquery/errors';
import type { DeliveryQueue, ExportQueue } from '@fluxquery/export-job';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board, mounted by the api rather than run as a third app: it needs the same Redis and
 * queue definition, and one fewer process to deploy. Job data holds SQL and recipients, so it
 * sits behind HTTP Basic authentication.
 */
export function createDashboard(
  queues: readonly (ExportQueue | DeliveryQueue)[],
  credentials: { user: string; password: string },
): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: false })),
    serverAdapter: adapter,
  });
  const router = express.Router();
  router.use(requireBasicAuth(credentials));
  router.use(adapter.getRouter() as Router);
  return router;
}

function requireBasicAuth(credentials: { user: string; password: string }) {
  const expected = digest(`${credentials.user}:${credentials.password}`);
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    // Compare fixed-length digests, so the comparison takes the same time whatever was sent.
    if (given && timingSafeEqual(digest(given), expected)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="fluxquery-dashboard", charset="UTF-8"');
    next(new AppError('UNAUTHORIZED', 'the dashboard needs a user name and password'));
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
