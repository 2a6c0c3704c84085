import { freePort } from '@fluxquery/testkit';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startMetricsServer } from '@fluxquery/worker';
import { createHarness, exportAndWait, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_metrics');
  harness.startWorker();
});

afterAll(async () => harness.close());

/** One sample's value from Prometheus text, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  it('counts the api’s requests by route and status, refusals by code, and jobs by state', async () => {
    const done = await exportAndWait(harness, { query: 'SELECT 1 AS one' });
    const refused = await request(harness.app)
      .post('/export')
      .set('X-Timestamp', '1')
      .set('X-Signature', 'x')
      .send('{}');
    expect(refused.status).toBe(401);

    const scrape = await request(harness.app).get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.text;
    expect(sample(text, 'fluxquery_http_requests_total', 'method="POST",route="/export",status="202"')).toBe(1);
    expect(
      sample(text, 'fluxquery_http_requests_total', 'method="GET",route="/export/:id",status="200"'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'fluxquery_http_requests_total', 'method="POST",route="/export",status="401"')).toBe(1);
    expect(sample(text, 'fluxquery_requests_rejected_total', 'code="TIMESTAMP_OUT_OF_WINDOW"')).toBe(1);
    expect(sample(text, 'fluxquery_jobs', 'queue="exports",state="completed"')).toBe(1);
    expect(text).toContain(
      'fluxquery_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/export",status="202"}',
    );
    expect(text).toContain('process_resident_memory_bytes');
    // No job id or token ever becomes a label.
    expect(text).not.toContain(done.job_id as string);
  });

  it('counts the workers’ exports, rows and bytes, and serves them with readiness on a port of its own', async () => {
    const done = await exportAndWait(harness, { query: 'SELECT 1 AS one UNION ALL SELECT 2' });
    const server = startMetricsServer(
      { host: '127.0.0.1', first: 0, last: 0 },
      harness.workerMetrics,
      { checkReady: () => harness.storage.check() },
      {
        onError: (error) => {
          throw error;
        },
        onListening: () => undefined,
      },
    );
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(
        sample(text, 'fluxquery_exports_finished_total', 'outcome="completed",format="csv",code=""'),
      ).toBeGreaterThanOrEqual(2);
      expect(sample(text, 'fluxquery_export_rows_total', 'format="csv"')).toBeGreaterThanOrEqual(3);
      expect(sample(text, 'fluxquery_export_bytes_total', 'format="csv"')).toBeGreaterThanOrEqual(
        done.result.bytes as number,
      );
      expect(sample(text, 'fluxquery_exports_running', 'key="default"')).toBe(0);
      expect(sample(text, 'fluxquery_deliveries_total', 'outcome="disabled",method="none"')).toBeGreaterThanOrEqual(1);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('says not ready when what the worker needs is out of reach', async () => {
    const server = startMetricsServer(
      { host: '127.0.0.1', first: 0, last: 0 },
      harness.workerMetrics,
      { checkReady: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) },
      { onError: () => undefined, onListening: () => undefined },
    );
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', reason: 'connect ECONNREFUSED 127.0.0.1:1' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  it('takes the first free port of a METRICS_PORT range, and says when none is free', async () => {
    const taken = createServer();
    const first = await freePort();
    await new Promise<void>((resolve) => taken.listen(first, '127.0.0.1', resolve));
    const probes = { checkReady: () => Promise.resolve() };
    const listen = (last: number) =>
      new Promise<{ server: Server; port?: number; error?: string }>((resolve) => {
        const server: Server = startMetricsServer({ host: '127.0.0.1', first, last }, harness.workerMetrics, probes, {
          onListening: (port) => resolve({ server, port }),
          onError: (error) => resolve({ server, error: (error as NodeJS.ErrnoException).code ?? error.message }),
        });
      });
    try {
      const next = await listen(first + 1);
      const other = await listen(first);
      expect(other).toMatchObject({ error: 'EADDRINUSE' });
      // The port the server says it took is the one that answers: not the taken one.
      expect(next.port).toBe(first + 1);
      expect((await fetch(`http://127.0.0.1:${first + 1}/healthz`)).status).toBe(200);
      await new Promise<void>((resolve) => next.server.close(() => resolve()));
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
