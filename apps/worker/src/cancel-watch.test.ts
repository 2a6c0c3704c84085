import { createSilentLogger } from '@fluxquery/logger';
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watchForCancel } from './cancel-watch';

// The flags' own behaviour on Redis is covered end to end (tests/e2e/cancel); here they answer at once.
const flags = (requested: boolean) => ({
  request: async () => undefined,
  isRequested: async () => requested,
  requestedAt: async () => (requested ? new Date().toISOString() : undefined),
});
const logger = createSilentLogger();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function heapAfterGc(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('watchForCancel', () => {
  it('aborts at once for a job already cancelled, and when any upstream signal aborts', async () => {
    const cancelled = await watchForCancel(flags(true), 'job-1', logger);
    expect(cancelled.signal.aborted).toBe(true);
    cancelled.stop();

    const job = new AbortController();
    const shutdown = new AbortController();
    const watch = await watchForCancel(flags(false), 'job-2', logger, [job.signal, undefined, shutdown.signal]);
    expect(watch.signal.aborted).toBe(false);
    shutdown.abort();
    expect(watch.signal.aborted).toBe(true);
    watch.stop();
  });

  it('leaves nothing behind on a long-lived signal after its jobs end (no growth over 50,000 jobs)', async () => {
    const shutdown = new AbortController();
    const run = async (jobs: number) => {
      for (let i = 0; i < jobs; i += 1) {
        const job = new AbortController();
        (await watchForCancel(flags(false), `job-${i}`, logger, [job.signal, shutdown.signal])).stop();
      }
    };
    await run(5_000);
    const before = await heapAfterGc();
    await run(50_000);
    const grown = (await heapAfterGc()) - before;
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    // AbortSignal.any([job, shutdown]) kept about 100 bytes a job reachable from `shutdown` (Node 20).
    expect(grown).toBeLessThan(2_000_000);
  });
});
