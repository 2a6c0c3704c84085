import type { createDeliveryQueue, createExportQueue } from '@fluxquery/export-job';
import { cpuSecondsByProcess, describeCpuBetween } from './cpu-usage';
import type { ServiceUnderTest } from './service-under-test';

export interface DrainLoad {
  /** Small exports (`SELECT 1`). */
  small: number;
  /** Heavy exports among them (`heavyRows` rows of bench_users each), spread evenly. */
  heavy: number;
  heavyRows: number;
}

type Queues = { exports: ReturnType<typeof createExportQueue>; deliveries: ReturnType<typeof createDeliveryQueue> };

/**
 * The load waits in the paused queue while `workers` worker processes start; the clock runs from
 * the queue's resume until every export and every email job (mail is off here: each says
 * "disabled") has finished. Then the count: the workers' own counters must show each export run
 * to completion once (a job run twice would count twice) and exactly the rows the load asked for.
 */
export async function drain(
  service: ServiceUnderTest,
  queues: Queues,
  load: DrainLoad,
  workers: number,
  processes: Record<string, RegExp>,
): Promise<void> {
  await service.stopWorkers();
  await queues.exports.pause();
  await submitLoad(service, load);
  const jobs = load.small + load.heavy;
  for (let i = 0; i < workers; i += 1) await service.startWorker();
  const cpuBefore = cpuSecondsByProcess(processes);
  const started = Date.now();
  await queues.exports.resume();
  const finished = async (queue: Queues['exports'] | Queues['deliveries']) => {
    const counts = await queue.getJobCounts('completed', 'failed');
    return (counts.completed ?? 0) + (counts.failed ?? 0);
  };
  while ((await finished(queues.exports)) < jobs || (await finished(queues.deliveries)) < jobs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = describeCpuBetween(cpuBefore, cpuSecondsByProcess(processes), seconds);
  const peaks = service.workerPeaksMb().map((mb) => `${Math.round(mb)} MB`);
  const failed = (await queues.exports.getJobCounts('failed')).failed ?? 0;
  const what = load.heavy ? `${load.small} small and ${load.heavy} of ${load.heavyRows} rows` : `${load.small} small`;
  process.stdout.write(
    `drain: ${what} exports and their email jobs, ${workers} worker process(es): ${seconds.toFixed(1)} s, ${Math.round(jobs / seconds)} jobs/s (${failed} failed)\n` +
      `  CPU used meanwhile: ${cpu}\n  worker peak RSS: ${peaks.join(', ')}\n` +
      `  ${await countRuns(service, load)}\n`,
  );
  await queues.exports.obliterate({ force: true });
  await queues.deliveries.obliterate({ force: true });
}

async function submitLoad(service: ServiceUnderTest, load: DrainLoad): Promise<void> {
  const jobs = load.small + load.heavy;
  const heavyEvery = load.heavy ? Math.floor(jobs / load.heavy) : Infinity;
  const heavy = `SELECT * FROM bench_users WHERE id <= ${load.heavyRows}`;
  let heavySent = 0;
  const next = (n: number) => {
    const isHeavy = heavySent < load.heavy && n % heavyEvery === 0;
    if (isHeavy) heavySent += 1;
    return isHeavy ? heavy : 'SELECT 1 AS one';
  };
  for (let sent = 0; sent < jobs; sent += 50) {
    const batch = Array.from({ length: Math.min(50, jobs - sent) }, (_, i) => next(sent + i));
    await Promise.all(batch.map((query) => service.client.submit({ query, email: 'bench@example.com' })));
  }
}

/** The workers' counters summed: completed exports and their rows, against what was submitted. */
async function countRuns(service: ServiceUnderTest, load: DrainLoad): Promise<string> {
  const texts = await service.workerMetrics();
  const sum = (pattern: RegExp) =>
    texts
      .flatMap((text) => text.split('\n'))
      .filter((line) => pattern.test(line))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  const completed = sum(/^fluxquery_exports_finished_total\{[^}]*outcome="completed"/);
  const rows = sum(/^fluxquery_export_rows_total\{/);
  const jobs = load.small + load.heavy;
  const expectedRows = load.small + load.heavy * load.heavyRows;
  const verdict = completed === jobs && rows === expectedRows ? 'each once' : 'NOT each once';
  if (verdict !== 'each once') process.exitCode = 1;
  return `runs: ${completed} exports completed in the workers for ${jobs} jobs, ${rows} rows for ${expectedRows} asked: ${verdict}`;
}
