import type { ClientKey } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import { checkExportPolicy } from '@fluxquery/export-policy';
import {
  pauseSubscription,
  resumeSubscription,
  runView,
  scheduleTicks,
  startRun,
  subscriptionView,
  unscheduleTicks,
  type RunDeps,
  type Subscription,
} from '@fluxquery/subscriptions';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { ApiDeps } from '../context';
import { parseSubscriptionChange, parseSubscriptionRequest, readPage } from '../subscription-request';
import { applyChange } from '../subscription-change';

type Deps = ApiDeps & { subscriptions: RunDeps };

const notFound = () => new AppError('NOT_FOUND', 'no subscription has this id');
const bodyOf = (req: Request) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

/**
 * POST/GET /subscriptions, GET/PATCH/DELETE /subscriptions/:id, POST /subscriptions/:id/run and
 * GET /subscriptions/:id/runs, behind the same signature, replay guard and rate limits as
 * /export. A key sees only its own: to any other, a subscription does not exist (404).
 */
export function subscriptionRoutes(
  deps: Deps,
  limits: { requests: RequestHandler; requestsAndExports: RequestHandler },
): Router {
  const router = Router();
  const { requests, requestsAndExports } = limits;
  router.post('/', requests, (req, res) => create(deps, req, res));
  router.get('/', requests, (req, res) => list(deps, req, res));
  router.get('/:id', requests, async (req, res) => {
    res.json(subscriptionView(await findOwned(deps, req), deps.subscriptions.now()));
  });
  router.patch('/:id', requests, (req, res) => change(deps, req, res));
  router.delete('/:id', requests, (req, res) => remove(deps, req, res));
  // A run now is an export: it counts toward the key's exports per minute too.
  router.post('/:id/run', requestsAndExports, (req, res) => runNow(deps, req, res));
  router.get('/:id/runs', requests, async (req, res) => {
    const subscription = await findOwned(deps, req);
    const { offset, limit } = readPage(req.query, 1_000);
    const runs = await deps.subscriptions.store.runs(subscription.id);
    res.json({ runs: runs.slice(offset, offset + limit).map(runView), total: runs.length });
  });
  // Any other method or path under /subscriptions is still a signed request.
  router.use(requests);
  return router;
}

async function create(deps: Deps, req: Request, res: Response): Promise<void> {
  const client = req.client as ClientKey;
  const runs = deps.subscriptions;
  const now = runs.now();
  const parsed = parseSubscriptionRequest(bodyOf(req), runs.settings.minIntervalMs, now);
  checkExportPolicy(parsed.request, client, deps);
  const id = randomUUID();
  const subscription: Subscription = {
    id,
    keyId: client.keyId,
    name: parsed.name ?? `Subscription ${id.slice(0, 8)}`,
    request: parsed.request,
    schedule: parsed.schedule,
    condition: parsed.condition,
    misfire: parsed.misfire,
    status: 'active',
    statusSince: now,
    createdAt: now,
    updatedAt: now,
    runCount: 0,
    consecutiveFailures: 0,
  };
  if (!(await runs.store.create(subscription, runs.settings.perKey))) {
    throw new AppError(
      'SUBSCRIPTION_LIMIT_REACHED',
      `this key already has ${runs.settings.perKey} subscriptions (SUBSCRIPTIONS_PER_KEY)`,
    );
  }
  await scheduleTicks(runs.ticks, runs.sealSecret, subscription).catch(async (error: unknown) => {
    await runs.store.remove(subscription).catch(() => undefined);
    throw new AppError('SERVICE_UNAVAILABLE', 'the scheduler is unavailable; try again shortly', { cause: error });
  });
  deps.logger.info('subscription.created', {
    requestId: req.requestId,
    subscriptionId: id,
    keyId: client.keyId,
    cron: subscription.schedule.cron,
  });
  res.status(201).location(`/subscriptions/${id}`).json(subscriptionView(subscription, now));
}

async function list(deps: Deps, req: Request, res: Response): Promise<void> {
  const { offset, limit } = readPage(req.query);
  const keyId = (req.client as ClientKey).keyId;
  const { items, total } = await deps.subscriptions.store.listOfKey(keyId, offset, limit);
  const now = deps.subscriptions.now();
  res.json({
    subscriptions: items.map((item) => subscriptionView(item, now)),
    total,
    next_offset: offset + items.length < total ? offset + items.length : null,
  });
}

async function change(deps: Deps, req: Request, res: Response): Promise<void> {
  const runs = deps.subscriptions;
  const client = req.client as ClientKey;
  const before = await findOwned(deps, req);
  const parsed = parseSubscriptionChange(bodyOf(req), runs.settings.minIntervalMs, runs.now());
  const { status, ...fields } = parsed;
  // The policy is checked on the record as it will be written, whoever changed it meanwhile.
  let current = await runs.store.update(before.id, (latest) => {
    const next = applyChange(latest, fields, runs.now());
    checkExportPolicy(next.request, client, deps);
    return next;
  });
  if (!current) throw notFound();
  if (status) current = await applyStatus(runs, current, status);
  else if (current.status === 'active' && parsed.schedule) await scheduleTicks(runs.ticks, runs.sealSecret, current);
  deps.logger.info('subscription.changed', {
    requestId: req.requestId,
    subscriptionId: current.id,
    fields: Object.keys(parsed),
  });
  res.json(subscriptionView(current, runs.now()));
}

/** PATCH's status: "paused" by its owner, or "active" again (an ended subscription cannot be). */
async function applyStatus(runs: RunDeps, current: Subscription, status: 'active' | 'paused'): Promise<Subscription> {
  if (status === 'paused') {
    const paused = await pauseSubscription(runs, current.id, {
      by: 'owner',
      reason: 'paused by its owner',
      notify: false,
    });
    return paused ?? current;
  }
  if (current.status === 'ended') {
    const reason = current.statusReason ?? 'ended';
    throw new AppError('SUBSCRIPTION_ENDED', `the subscription has ended (${reason}); create a new one`);
  }
  if (current.status === 'active') return current;
  return (await resumeSubscription(runs, current.id)) ?? current;
}

async function remove(deps: Deps, req: Request, res: Response): Promise<void> {
  const subscription = await findOwned(deps, req);
  await deps.subscriptions.store.remove(subscription);
  await unscheduleTicks(deps.subscriptions.ticks, subscription.id);
  deps.logger.info('subscription.deleted', { requestId: req.requestId, subscriptionId: subscription.id });
  res.json({ subscription_id: subscription.id, status: 'deleted' });
}

/**
 * One run now, checked like a tick (startRun: the key's policy again; a refusal pauses the
 * subscription and is answered), never beside a run still going (409).
 */
async function runNow(deps: Deps, req: Request, res: Response): Promise<void> {
  const runs = deps.subscriptions;
  const subscription = await findOwned(deps, req);
  if (subscription.status === 'ended')
    throw new AppError('SUBSCRIPTION_ENDED', 'the subscription has ended; create a new one');
  if (subscription.activeRun) {
    throw new AppError(
      'RUN_IN_PROGRESS',
      `a run is still going (export ${subscription.activeRun.jobId}); try when it has ended`,
    );
  }
  const run = await startRun(runs, subscription.id, { tickMs: runs.now(), trigger: 'manual' });
  if (!run?.jobId) throw notFound();
  res.status(202).json({ subscription_id: subscription.id, ...runView(run), status_url: `/export/${run.jobId}` });
}

/** The key's own subscription, or 404, the same for an id that does not exist and for another key's. */
async function findOwned(deps: Deps, req: Request): Promise<Subscription> {
  const id = String(req.params.id);
  if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound();
  const subscription = await deps.subscriptions.store.get(id);
  if (!subscription || subscription.keyId !== (req.client as ClientKey).keyId) throw notFound();
  return subscription;
}
