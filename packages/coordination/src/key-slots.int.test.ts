import { deleteRedisPrefix, connectTestRedis, uniquePrefix } from '@fluxquery/testkit';
import { Queue } from 'bullmq';
import { holdKeySlot } from './hold-key-slot';
import { createKeySlots } from './key-slots';

// A key's slots on real Redis, as every worker process shares them.
const prefix = uniquePrefix('key_slots');
const redis = connectTestRedis({ maxRetriesPerRequest: null });
// Any BullMQ queue parks and wakes jobs alike, under a hash-tagged prefix as the service's are.
const queue = new Queue('exports', { connection: redis, prefix: `{${prefix}:exports}` });
const slots = createKeySlots(redis, queue, `${prefix}:fq`, 1_500);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  await queue.close();
  await redis.quit();
  await deleteRedisPrefix(prefix);
});

describe("a key's export slots", () => {
  it('admits up to the key’s maximum, admits a job that already holds one again, and keeps keys apart', async () => {
    expect(await slots.take('a', 'job-1', 2)).toBe(true);
    expect(await slots.take('a', 'job-2', 2)).toBe(true);
    expect(await slots.take('a', 'job-3', 2)).toBe(false);
    // A job retaken after its worker died still holds its own slot.
    expect(await slots.take('a', 'job-1', 2)).toBe(true);
    expect(await slots.take('b', 'job-4', 2)).toBe(true);
    await slots.release('a', 'job-1');
    expect(await slots.take('a', 'job-3', 2)).toBe(true);
  });

  it("frees a dead worker's slot when its lease runs out, and not while it is renewed", async () => {
    const held = await holdKeySlot(slots, 'c', 'alive', 1);
    expect(held).toBeDefined();
    expect(await slots.take('d', 'dead', 1)).toBe(true);
    await sleep(2_000);
    // 'dead' was never renewed; 'alive' was, every second.
    expect(await slots.take('d', 'next', 1)).toBe(true);
    expect(await slots.take('c', 'other', 1)).toBe(false);
    await held?.release();
    expect(await slots.take('c', 'other', 1)).toBe(true);
  });

  it('wakes the oldest parked job the moment a slot frees', async () => {
    const add = (id: string) => queue.add('export', {}, { jobId: id, delay: 3_600_000 });
    await add('parked-1');
    await add('parked-2');
    expect(await slots.take('e', 'running', 1)).toBe(true);
    await slots.park('e', 'parked-1');
    await slots.park('e', 'parked-2');
    // Parked twice (its own timer brought it back, and it parked again): still one place in line.
    await slots.park('e', 'parked-1');

    await slots.release('e', 'running');
    expect(await queue.getJobState('parked-1')).toBe('waiting');
    expect(await queue.getJobState('parked-2')).toBe('delayed');
  });

  it('skips parked jobs that are gone, and stops waking once one is promoted', async () => {
    await queue.add('export', {}, { jobId: 'parked-3', delay: 3_600_000 });
    expect(await slots.take('f', 'running', 1)).toBe(true);
    await slots.park('f', 'cancelled-meanwhile');
    await slots.park('f', 'parked-3');
    await slots.release('f', 'running');
    expect(await queue.getJobState('parked-3')).toBe('waiting');
  });
});
