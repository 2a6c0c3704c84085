import request from 'supertest';
import { createHarness, pollUntilDone, type Harness } from './harness';

// What scaling and alerts read from the api's /metrics: exports waiting (BullMQ keeps every export
// in its prioritized set, not in the wait list) and how long the oldest has waited.
let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_queue_metrics');
});

afterAll(async () => harness.close());

async function scrape(): Promise<(name: string, labels?: string) => number | undefined> {
  const text = (await request(harness.app).get('/metrics')).text;
  return (name, labels) => {
    const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
}

describe('queue metrics', () => {
  it('counts waiting exports as prioritized, with the oldest one’s age, and clears both once they ran', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await harness.signed(
        'POST',
        '/export',
        JSON.stringify({ query: `SELECT ${i} AS n`, email: 'a@example.com' }),
      );
      expect(res.status).toBe(202);
      ids.push(res.body.job_id as string);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const waiting = await scrape();
    expect(waiting('fluxquery_jobs', 'queue="exports",state="prioritized"')).toBe(3);
    expect(waiting('fluxquery_jobs', 'queue="exports",state="waiting"')).toBe(0);
    expect(waiting('fluxquery_oldest_waiting_export_seconds')).toBeGreaterThanOrEqual(1.4);
    expect(waiting('fluxquery_oldest_waiting_export_seconds')).toBeLessThan(30);

    harness.startWorker();
    for (const id of ids) expect((await pollUntilDone(harness, id)).body.status).toBe('COMPLETED');
    const ran = await scrape();
    expect(ran('fluxquery_jobs', 'queue="exports",state="prioritized"')).toBe(0);
    expect(ran('fluxquery_jobs', 'queue="exports",state="completed"')).toBe(3);
    expect(ran('fluxquery_oldest_waiting_export_seconds')).toBe(0);
  });
});
