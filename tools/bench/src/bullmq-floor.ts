import { connectBenchRedis } from './bench-redis';
import { loadConfig } from '@fluxquery/config';
import { DELIVERY_QUEUE_NAME, EXPORT_QUEUE_NAME, jobOptions, queueKeyPrefix } from '@fluxquery/export-job';
import { Queue, Worker } from 'bullmq';
import type { RedisClient } from '@fluxquery/coordination';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cpuSecondsByProcess } from './cpu-usage';

/**
 * `node tools/bench/dist/bullmq-floor.js [--jobs 3000] [--workers 2]`: what BullMQ alone costs a
 * small export, as the drain of `pnpm bench:api` runs it: the same queues and job options, the same
 * concurrency (WORKER_COUNT exports and 4 deliveries a process, MAX_DB_CONCURRENCY queue-wide), payloads and results of about the
 * same size, and each export job adding its email job; but no query, file, seal or check. The
 * difference to the drain is the service's own work per job.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '3000' },
      workers: { type: 'string', default: '2' },
      child: { type: 'string' },
    },
  });
  const connection = connectBenchRedis({ maxRetriesPerRequest: null });
  const { workerCount, maxDbConcurrency } = loadConfig();
  if (values.child) return runWorkers(connection, values.child, workerCount);

  const prefix = `fqfloor${randomBytes(4).toString('hex')}`;
  const exports = queueFor('export', connection, prefix);
  const deliveries = queueFor('delivery', connection, prefix);
  const jobs = Number(values.jobs);
  const children: ReturnType<typeof fork>[] = [];
  try {
    await exports.setGlobalConcurrency(maxDbConcurrency);
    await exports.pause();
    for (let sent = 0; sent < jobs; sent += 100) {
      await exports.addBulk(
        Array.from({ length: Math.min(100, jobs - sent) }, () => ({ name: 'export', data: PAYLOAD })),
      );
    }
    for (let i = 0; i < Number(values.workers); i += 1) {
      children.push(fork(__filename, ['--child', prefix], { stdio: 'inherit' }));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const match = { workers: new RegExp(`bullmq-floor\\.js --child ${prefix}`), redis: /redis-server/ };
    const before = cpuSecondsByProcess(match);
    const started = Date.now();
    await exports.resume();
    const done = async (queue: Queue) => (await queue.getJobCounts('completed')).completed ?? 0;
    while ((await done(exports)) < jobs || (await done(deliveries)) < jobs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (Date.now() - started) / 1000;
    const after = cpuSecondsByProcess(match);
    const perJob = (label: string) => (((after.get(label) ?? 0) - (before.get(label) ?? 0)) * 1000) / jobs;
    process.stdout.write(
      `BullMQ alone, ${jobs} export jobs and their email jobs, ${values.workers} worker process(es): ` +
        `${Math.round(jobs / seconds)} jobs/s; CPU a job: workers ${perJob('workers').toFixed(2)} ms, ` +
        `redis ${perJob('redis').toFixed(2)} ms\n`,
    );
  } finally {
    for (const child of children) child.kill();
    await exports.obliterate({ force: true }).catch(() => undefined);
    await deliveries.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([exports.close(), deliveries.close()]);
    await connection.quit();
  }
}

// About the size of a sealed export job's payload, and of its result.
const PAYLOAD = { schemaVersion: 2, query: 'SELECT 1 AS one', email: 'bench@example.com', pad: 'x'.repeat(600) };
const RESULT = {
  rows: 1,
  bytes: 6,
  sha256: 'x'.repeat(64),
  key: `2026-12-02/${'y'.repeat(40)}.csv`,
  pad: 'z'.repeat(300),
};

/** A queue by the catalog's name, with the catalog's job options (retention, attempts, backoff). */
function queueFor(job: 'export' | 'delivery', connection: RedisClient, prefix: string): Queue {
  const name = job === 'export' ? EXPORT_QUEUE_NAME : DELIVERY_QUEUE_NAME;
  const defaultJobOptions = jobOptions(job, { ms: 3_600_000, count: 1_000_000 });
  return new Queue(name, { connection, prefix: queueKeyPrefix(prefix, name), defaultJobOptions });
}

function runWorkers(connection: RedisClient, prefix: string, concurrency: number): void {
  const deliveries = queueFor('delivery', connection, prefix);
  new Worker(
    EXPORT_QUEUE_NAME,
    async (job: { id?: string }) => {
      await deliveries.add('email', { exportJobId: job.id, ...RESULT }, { jobId: `email-${job.id}` });
      return RESULT;
    },
    { connection, prefix: queueKeyPrefix(prefix, EXPORT_QUEUE_NAME), concurrency },
  );
  new Worker(DELIVERY_QUEUE_NAME, () => Promise.resolve({ status: 'disabled' }), {
    connection,
    prefix: queueKeyPrefix(prefix, DELIVERY_QUEUE_NAME),
    concurrency: 4,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bullmq-floor failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
