import { AppError } from '@fluxquery/errors';
import type { KeySlots } from './key-slots';

export interface HeldSlot {
  /** Frees the slot (and wakes the key's oldest parked job); never throws. */
  release(): Promise<void>;
}

const RENEW_EVERY_MS = 1_000;

/**
 * One of the key's `max_concurrent_exports` slots for this job, kept alive every second while the
 * export runs; undefined when the key already runs its maximum, and the job must wait.
 */
export async function holdKeySlot(
  slots: KeySlots,
  keyId: string,
  jobId: string,
  max: number,
): Promise<HeldSlot | undefined> {
  const taken = await slots.take(keyId, jobId, max).catch((error: unknown) => {
    throw new AppError('SERVICE_UNAVAILABLE', 'Redis did not answer while the export took its slot', {
      cause: error,
    });
  });
  if (!taken) return undefined;
  // Redis away for a moment must not stop the export: the lease outlives many missed renewals.
  const timer = setInterval(() => void slots.renew(keyId, jobId).catch(() => undefined), RENEW_EVERY_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await slots.release(keyId, jobId).catch(() => undefined);
    },
  };
}
