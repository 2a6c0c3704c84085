import { AppError } from '@fluxquery/errors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { ApiDeps } from './context';
import { createDashboard, DASHBOARD_PATH } from './dashboard';
import { createErrorHandler } from './middleware/error-handler';
import { measureRequests } from './middleware/measure-requests';
import { assignRequestId } from './middleware/request-id';
import { EXPORTS_PER_MINUTE, rateLimit, REQUESTS_PER_MINUTE } from './middleware/rate-limit';
import { verifySignature } from './middleware/verify-signature';
import { cancelExportRoute } from './routes/cancel-export.route';
import { createExportRoute } from './routes/create-export.route';
import { downloadRoute } from './routes/download.route';
import { getExportRoute } from './routes/get-export.route';
import { healthRoute, metricsRoute, readyRoute } from './routes/health.route';
import { openApiRoutes } from './routes/openapi.route';
import { subscriptionRoutes } from './routes/subscriptions.route';
import { unsubscribeRoutes } from './routes/unsubscribe.route';

const DEFAULT_WINDOW_SECONDS = 300;

/** Builds the HTTP app without listening, so tests hand it real dependencies through supertest. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(assignRequestId);
  if (deps.metrics) app.use(measureRequests(deps.metrics));

  // Mounted before helmet: the board's own page needs its inline assets.
  if (deps.dashboard?.password) {
    const queues = [deps.queue, deps.deliveries, ...(deps.subscriptions ? [deps.subscriptions.ticks] : [])];
    app.use(DASHBOARD_PATH, createDashboard(queues, deps.dashboard));
  }
  app.use(helmet());

  app.get('/healthz', healthRoute);
  app.get('/readyz', readyRoute(deps));
  if (deps.metrics) app.get('/metrics', metricsRoute(deps.metrics));
  if (deps.openApi) app.use(openApiRoutes(deps.openApi, deps.links.publicUrl));
  // Not signed: the token in the path is the credential (an emailed link must work in a browser).
  app.get('/download/:token', downloadRoute(deps));

  const exportsRouter = signedRouter(deps);
  // Every signed request counts toward requests per minute; a new export toward exports per minute
  // too, in the same round trip.
  exportsRouter.post('/', rateLimit(deps.guards, REQUESTS_PER_MINUTE, EXPORTS_PER_MINUTE), createExportRoute(deps));
  exportsRouter.get('/:id', rateLimit(deps.guards, REQUESTS_PER_MINUTE), getExportRoute(deps));
  exportsRouter.delete('/:id', rateLimit(deps.guards, REQUESTS_PER_MINUTE), cancelExportRoute(deps));
  // Any other method or path under /export is still a signed request.
  exportsRouter.use(rateLimit(deps.guards, REQUESTS_PER_MINUTE));
  app.use('/export', exportsRouter);
  const subscriptions = deps.subscriptions;
  if (subscriptions) {
    app.use('/unsubscribe', unsubscribeRoutes(subscriptions, deps.logger));
    const router = signedRouter(deps);
    router.use(
      subscriptionRoutes(
        { ...deps, subscriptions },
        {
          requests: rateLimit(deps.guards, REQUESTS_PER_MINUTE),
          requestsAndExports: rateLimit(deps.guards, REQUESTS_PER_MINUTE, EXPORTS_PER_MINUTE),
        },
      ),
    );
    app.use('/subscriptions', router);
  }

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
  });
  app.use(createErrorHandler(deps.logger));
  return app;
}

/**
 * A router whose requests are signed. The signature covers the raw bytes, so the body is read as
 * bytes (size-capped, never inflated) and parsed only after it has been verified.
 */
function signedRouter(deps: ApiDeps): express.Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: deps.maxBodyBytes, inflate: false }));
  router.use(
    verifySignature({
      clients: deps.clients,
      guards: deps.guards,
      windowSeconds: deps.signatureWindowSeconds ?? DEFAULT_WINDOW_SECONDS,
      now: deps.now ?? Date.now,
    }),
  );
  return router;
}
