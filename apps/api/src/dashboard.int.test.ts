import {
  createDeliveryQueue,
  createExportQueue,
  queueKeyPrefix,
  type DeliveryQueue,
  type ExportQueue,
} from '@fluxquery/export-job';
import { deleteRedisPrefix, connectTestRedis, uniquePrefix, waitFor } from '@fluxquery/testkit';
import { Worker } from 'bullmq';
import express from 'express';
import request from 'supertest';
import { createDashboard, DASHBOARD_PATH, type DashboardOptions } from './dashboard';

// The board on real queues in Redis, holding one completed and one failed export: what each mode
// lets an operator see and do, as the board's own page asks for it.
const prefix = uniquePrefix('dashboard');
const redis = connectTestRedis({ maxRetriesPerRequest: null });
let exportQueue: ExportQueue;
let deliveries: DeliveryQueue;
const ids = { completed: '', failed: '' };

beforeAll(async () => {
  exportQueue = createExportQueue({ connection: redis, prefix, retentionMs: 3_600_000 });
  deliveries = createDeliveryQueue({ connection: redis, prefix, retentionMs: 3_600_000 });
  const data = (query: string) => ({ query }) as never;
  ids.completed = String((await exportQueue.add('export', data('SELECT 1'), { attempts: 1 })).id);
  ids.failed = String((await exportQueue.add('export', data('SELECT 2'), { attempts: 1 })).id);
  const worker = new Worker(
    'exports',
    async (job) => {
      if (job.id === ids.failed) throw new Error('[QUERY_FAILED] no such table');
      return { rows: 1, location: '/var/lib/fluxquery/exports/2026-12-05/secret-path.csv', sha256: 'ab' };
    },
    { connection: redis.duplicate(), prefix: queueKeyPrefix(prefix, 'exports') },
  );
  await waitFor(async () => ((await exportQueue.getJobCounts('completed', 'failed')).failed === 1 ? true : undefined));
  await waitFor(async () => ((await exportQueue.getJobCounts('completed')).completed === 1 ? true : undefined));
  await worker.close();
});

afterAll(async () => {
  await exportQueue.close();
  await deliveries.close();
  await deleteRedisPrefix(prefix);
  redis.disconnect();
});

function board(options: Partial<DashboardOptions> = {}) {
  const app = express();
  app.use(
    DASHBOARD_PATH,
    createDashboard([exportQueue, deliveries], { user: 'ops', password: 'pw-0123456789', ...options }),
  );
  const as = (test: request.Test) => test.auth('ops', 'pw-0123456789');
  return {
    get: (path: string) => as(request(app).get(`${DASHBOARD_PATH}${path}`)),
    put: (path: string) => as(request(app).put(`${DASHBOARD_PATH}${path}`)),
  };
}

const stateOf = async (id: string) => exportQueue.getJobState(id);

// Every action the board's page offers, as it calls it.
const actions = () => [
  `/api/queues/exports/${ids.completed}/retry`,
  '/api/queues/exports/retry/completed',
  `/api/queues/exports/${ids.failed}/retry`,
  '/api/queues/exports/retry/failed',
  `/api/queues/exports/${ids.completed}/clean`,
  '/api/queues/exports/clean/completed',
  '/api/queues/exports/pause',
  '/api/queues/exports/empty',
  '/api/queues/exports/obliterate',
  `/api/queues/exports/${ids.completed}/promote`,
];

describe('the dashboard in read-only mode (the default)', () => {
  it('tells the board to show no actions at all', async () => {
    const res = await board().get('/api/queues');
    expect(res.status).toBe(200);
    for (const queue of res.body.queues as Record<string, unknown>[]) {
      expect(queue).toMatchObject({ readOnlyMode: true, allowRetries: false, allowCompletedRetries: false });
    }
  });

  it('refuses every action in a shape the board shows, and nothing runs again', async () => {
    for (const path of actions()) {
      const res = await board().put(path);
      expect([path, res.status]).toEqual([path, 403]);
      // The board's page reads `error` as the title and `message` as the text of its toast.
      expect(res.body).toEqual({
        error: 'The dashboard is read-only',
        message: expect.stringMatching(/DASHBOARD_RETRY_FAILED/),
      });
    }
    expect([await stateOf(ids.completed), await stateOf(ids.failed)]).toEqual(['completed', 'failed']);
  });

  it('shows a job without the path on a worker disk', async () => {
    const res = await board().get(`/api/queues/exports/${ids.completed}`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('secret-path');
    expect(res.body.job.returnValue).toEqual({ rows: 1, sha256: 'ab' });
  });
});

describe('the dashboard with DASHBOARD_RETRY_FAILED', () => {
  it('offers retries of failed jobs only', async () => {
    const res = await board({ canRetryFailed: true }).get('/api/queues');
    for (const queue of res.body.queues as Record<string, unknown>[]) {
      expect(queue).toMatchObject({ readOnlyMode: false, allowRetries: true, allowCompletedRetries: false });
    }
  });

  it('never re-runs a completed job, one by one or all at once, and refuses everything else', async () => {
    const dashboard = board({ canRetryFailed: true });
    for (const path of actions().filter((p) => !p.includes(ids.failed) && !p.endsWith('retry/failed'))) {
      const res = await dashboard.put(path);
      expect([path, res.status, res.body.message]).toEqual([path, 403, expect.stringMatching(/Only failed jobs/)]);
    }
    expect(await stateOf(ids.completed)).toBe('completed');
  });

  it('retries a failed job', async () => {
    const res = await board({ canRetryFailed: true }).put(`/api/queues/exports/${ids.failed}/retry`);
    expect(res.status).toBe(204);
    expect(await stateOf(ids.failed)).toBe('waiting');
  });
});
