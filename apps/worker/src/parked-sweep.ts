import { SLOT_LEASE_MS, type KeySlots } from '@fluxquery/coordination';
import type { ClientKey } from '@fluxquery/config';
import type { Logger } from '@fluxquery/logger';

/**
 * Every SLOT_LEASE_MS, for each client key, wakes its oldest parked job when the key has a free
 * slot: the wake-up a worker owed when it died holding a slot, whose lease has since run out. One
 * script per key; nothing for a key with nothing parked or no free slot. Returns the stop.
 */
export function startParkedSweep(slots: KeySlots, clients: readonly ClientKey[], logger: Logger): () => void {
  const sweep = async (): Promise<void> => {
    for (const client of clients) {
      await slots.wake(client.keyId, client.limits.maxConcurrentExports);
    }
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => logger.warn('export.parked_sweep_failed', { error }));
  }, SLOT_LEASE_MS);
  timer.unref();
  return () => clearInterval(timer);
}
