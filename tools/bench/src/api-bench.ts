import { connectBenchRedis } from './bench-redis';
import { signatureHeaders } from '@fluxquery/client';
import { loadConfig } from '@fluxquery/config';
import { createDeliveryQueue, createExportQueue } from '@fluxquery/export-job';
import autocannon from 'autocannon';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DATABASE, prepareBenchDatabase } from './bench-table';
import { cpuSecondsByProcess, describeCpuBetween } from './cpu-usage';
import { drain } from './drain';
import { waitForQuietFileSystem } from './quiet-file-system';
import { startServiceUnderTest, type ServiceUnderTest } from './service-under-test';

// Where the CPU goes while workers drain: every process of the service, and what it leans on.
const PROCESSES = {
  worker: /apps\/worker\/dist\/main\.js/,
  api: /apps\/api\/dist\/main\.js/,
  'bench (this process)': /api-bench\.js/,
  redis: /redis-server/,
  mariadb: /mariadbd/,
};

const SMALL = JSON.stringify({ query: 'SELECT 1 AS one', email: 'bench@example.com' });

/**
 * `pnpm bench:api [--seconds 10] [--connections 32] [--jobs 2000] [--heavy 0] [--heavy-rows 100000] [--drain-workers 1,2] [--profile DIR] [--set KEY=VALUE]`:
 * the api under a real load tool (autocannon, in this process, on the same 2 cores), then how fast
 * one and two worker processes drain small jobs (with heavy exports among them, when asked; each
 * drain checks that every export ran to completion once), then the small-export latency at a
 * steady 20 jobs a second. The service runs as production runs it (`service-under-test.ts`), with
 * rate limits raised so that they do not answer for it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      jobs: { type: 'string', default: '2000' },
      // Heavy exports mixed into each drain, and the rows of bench_users each reads.
      heavy: { type: 'string', default: '0' },
      'heavy-rows': { type: 'string', default: '100000' },
      // Worker processes for each drain, in turn.
      'drain-workers': { type: 'string', default: '1,2' },
      profile: { type: 'string' },
      // More settings for the api and the workers, as KEY=VALUE (WORKER_COUNT=4, …).
      set: { type: 'string', multiple: true, default: [] },
    },
  });
  const config = loadConfig();
  await waitForQuietFileSystem();
  const load = { small: Number(values.jobs), heavy: Number(values.heavy), heavyRows: Number(values['heavy-rows']) };
  await prepareBenchDatabase(config.mysql, load.heavy ? load.heavyRows : 0);
  const service = await startServiceUnderTest(config.mysql, BENCH_DATABASE, {
    workers: 0,
    ...(values.profile ? { profileDir: path.resolve(values.profile) } : {}),
    env: {
      EXPORTS_PER_MINUTE: '10000000',
      REQUESTS_PER_MINUTE: '10000000',
      JOB_RETENTION_COUNT: '1000000',
      // One key sends everything here: its fairness limit (2 by default) would park half the jobs
      // that MAX_DB_CONCURRENCY (4) lets run, as several keys would not.
      MAX_CONCURRENT_EXPORTS_PER_KEY: '4',
      ...Object.fromEntries(
        values.set.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      ),
    },
  });
  const redis = connectBenchRedis({ maxRetriesPerRequest: null });
  const queue = createExportQueue({ connection: redis, prefix: service.prefix, retentionMs: 3_600_000 });
  const deliveries = createDeliveryQueue({ connection: redis, prefix: service.prefix, retentionMs: 3_600_000 });
  try {
    await loadTheApi(service, Number(values.seconds), Number(values.connections));
    await queue.obliterate({ force: true });
    for (const workers of values['drain-workers'].split(',').map(Number)) {
      await drain(service, { exports: queue, deliveries }, load, workers, PROCESSES);
    }
    await steadyLatency(service, 20, 15);
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await deliveries.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([queue.close(), deliveries.close()]);
    await redis.quit();
    await service.close();
  }
}

async function loadTheApi(service: ServiceUnderTest, seconds: number, connections: number): Promise<void> {
  const cpuBefore = cpuSecondsByProcess(PROCESSES);
  const result = await autocannon({
    url: service.baseUrl,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/export',
        // A fresh timestamp and nonce per request: the replay guard would refuse a repeat.
        setupRequest: (request) => ({
          ...request,
          body: SMALL,
          headers: {
            'content-type': 'application/json',
            ...signatureHeaders({
              scheme: 'v2',
              secret: service.secret,
              keyId: 'default',
              method: 'POST',
              url: '/export',
              body: SMALL,
            }),
          },
        }),
      },
    ],
  });
  const byStatus = Object.entries(result.statusCodeStats ?? {})
    .map(([code, { count }]) => `${code}: ${count}`)
    .join(', ');
  process.stdout.write(
    `POST /export, ${connections} connections, ${seconds} s: ${Math.round(result.requests.average)} requests/s, ` +
      `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; answers ${byStatus}; errors ${result.errors}, timeouts ${result.timeouts}\n` +
      `  CPU used meanwhile: ${describeCpuBetween(cpuBefore, cpuSecondsByProcess(PROCESSES), seconds)}\n`,
  );
}

async function steadyLatency(service: ServiceUnderTest, perSecond: number, seconds: number): Promise<void> {
  const ids: string[] = [];
  const submitted = Array.from({ length: perSecond * seconds }, (_, i) =>
    new Promise<void>((resolve) => setTimeout(resolve, (i * 1000) / perSecond)).then(async () => {
      ids.push((await service.client.submit({ query: 'SELECT 1 AS one', email: 'bench@example.com' })).job_id);
    }),
  );
  await Promise.all(submitted);
  const latencies: number[] = [];
  for (const id of ids) {
    const status = await service.client.wait(id);
    latencies.push(Date.parse(status.finished_at ?? '') - Date.parse(status.created_at ?? ''));
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  process.stdout.write(
    `steady ${perSecond} small jobs/s for ${seconds} s, 2 workers: enqueue → finished p50 ${at(50)} ms, p99 ${at(99)} ms\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
