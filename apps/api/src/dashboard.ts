import type { TickQueue } from '@fluxquery/subscriptions';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { QueueAdapterOptions } from '@bull-board/api/typings/app';
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
  /** `read-only` (the default): look only; `full`: every action, editing job data included. */
  mode?: 'read-only' | 'full';
  /** DASHBOARD_RETRY_FAILED: in read-only mode, failed jobs (and only those) may be retried. */
  canRetryFailed?: boolean;
}

// Retrying a failed job re-runs what was sealed and checked at submit; a completed one never runs again.
const RETRY_FAILED_PATH = /^\/api\/queues\/([^/]+)\/retry\/failed$/;
const RETRY_JOB_PATH = /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/;
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
export function createDashboard(
  queues: readonly (ExportQueue | DeliveryQueue | TickQueue)[],
  options: DashboardOptions,
): Router {
  const isFull = options.mode === 'full';
  const canRetryFailed = isFull || options.canRetryFailed === true;
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => {
      // The board's own options decide which buttons it shows: none in read-only mode; only
      // "retry" (never for completed jobs) when failed jobs may be retried.
      // (allowCompletedRetries is read by the base adapter, but missing from BullMQAdapter's type.)
      const board = new BullMQAdapter(queue, {
        readOnlyMode: !canRetryFailed,
        allowRetries: canRetryFailed,
        allowCompletedRetries: isFull,
      } as Partial<QueueAdapterOptions>);
      // Where a worker wrote the file is no business of the board's viewers.
      board.setFormatter('returnValue', withoutLocation);
      return board;
    }),
    serverAdapter: adapter,
  });
  const board = adapter.getRouter() as Express;
  board.disable('x-powered-by');
  const router = express.Router();
  router.use(helmet({ contentSecurityPolicy: BOARD_CSP }));
  router.use(requireBasicAuth(options));
  if (!isFull) router.use(allowOnly(queues, canRetryFailed));
  router.use(board as unknown as Router);
  return router;
}

/**
 * Job data holds SQL, recipients and limits: outside full mode nobody edits, adds, removes or
 * re-runs a job through the board (the worker would refuse a changed job anyway, but it should
 * never get one), except a failed job's retry when DASHBOARD_RETRY_FAILED allows it. A refusal
 * is answered in the board's own error shape (`{error, message}`), so the board can show it.
 */
function allowOnly(queues: readonly (ExportQueue | DeliveryQueue | TickQueue)[], canRetryFailed: boolean) {
  const byName = new Map(queues.map((queue) => [queue.name, queue]));
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    if (canRetryFailed && req.method === 'PUT') {
      if (RETRY_FAILED_PATH.test(req.path)) return next();
      const [, queueName = '', jobId = ''] = RETRY_JOB_PATH.exec(req.path) ?? [];
      const state = await byName.get(decodeURIComponent(queueName))?.getJobState(decodeURIComponent(jobId));
      if (state === 'failed') return next();
    }
    const why = canRetryFailed
      ? 'Only failed jobs may be retried here; DASHBOARD_MODE=full allows every action.'
      : 'Nothing can be changed or re-run here; DASHBOARD_RETRY_FAILED=true allows retrying failed jobs, DASHBOARD_MODE=full every action.';
    res.status(403).json({ error: 'The dashboard is read-only', message: why });
  };
}

function withoutLocation(result: unknown): unknown {
  if (result === null || typeof result !== 'object' || !('location' in result)) return result;
  const { location: _location, ...rest } = result as Record<string, unknown>;
  return rest;
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
