import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { AppError } from '@fluxquery/errors';
import type { DeliveryQueue, ExportQueue } from '@fluxquery/export-job';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import { createHash, timingSafeEqual } from 'node:crypto';

export const DASHBOARD_PATH = '/admin/queues';

export interface DashboardOptions {
  user: string;
  password: string;
  /** `read-only` (the default): look and retry; `full`: every action, editing job data included. */
  mode?: 'read-only' | 'full';
}

// Retrying a failed job re-runs what was sealed and checked at submit; nothing else changes a job.
const RETRY_PATH = /^\/api\/queues\/[^/]+\/(retry\/[^/]+|[^/]+\/retry)$/;
// The board's page: its own scripts and styles, inline styles, and Google's fonts.
const BOARD_CSP = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
    fontSrc: ["'self'", 'https://fonts.gstatic.com', 'data:'],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
  },
};

/**
 * Bull Board, mounted by the api rather than run as a third app: it needs the same Redis and
 * queue definition, and one fewer process to deploy. Job data holds SQL and recipients, so it
 * sits behind HTTP Basic authentication.
 */
export function createDashboard(queues: readonly (ExportQueue | DeliveryQueue)[], options: DashboardOptions): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: false, allowRetries: true })),
    serverAdapter: adapter,
  });
  const board = adapter.getRouter() as Express;
  board.disable('x-powered-by');
  const router = express.Router();
  router.use(helmet({ contentSecurityPolicy: BOARD_CSP }));
  router.use(requireBasicAuth(options));
  if ((options.mode ?? 'read-only') === 'read-only') router.use(allowOnlyReadingAndRetries);
  router.use(board as unknown as Router);
  return router;
}

/**
 * Job data holds SQL, recipients and limits: in read-only mode nobody edits, adds or removes a job
 * through the board (the worker would refuse a changed job anyway, but it should never get one).
 */
function allowOnlyReadingAndRetries(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  if (req.method === 'PUT' && RETRY_PATH.test(req.path)) return next();
  next(new AppError('FORBIDDEN', 'the dashboard is read-only; DASHBOARD_MODE=full allows this action'));
}

function requireBasicAuth(credentials: DashboardOptions) {
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
