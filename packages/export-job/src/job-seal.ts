import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Nothing in Redis is trusted: whoever enqueues a job seals its payload with JOB_SEAL_SECRET (an
 * HMAC over the queue, the job id and the payload as queued), and the worker refuses a job whose
 * seal is missing or wrong. A job added straight to Redis, or edited after it was queued (through
 * Bull Board or redis-cli), fails before anything runs. BullMQ keeps the payload as the JSON it was
 * given, key order included, so the same text is signed and checked.
 */
export type Sealed<T> = T & { seal: string };

function mac(secret: string, queue: string, jobId: string, payload: object): Buffer {
  const { seal: _seal, ...rest } = payload as { seal?: unknown };
  return createHmac('sha256', secret)
    .update(`fluxquery-job-v1\n${queue}\n${jobId}\n${JSON.stringify(rest)}`)
    .digest();
}

export function sealJob<T extends object>(secret: string, queue: string, jobId: string, payload: T): Sealed<T> {
  return { ...payload, seal: mac(secret, queue, jobId, payload).toString('hex') };
}

export function hasValidSeal(secret: string, queue: string, jobId: string | undefined, payload: unknown): boolean {
  if (!jobId || payload === null || typeof payload !== 'object') return false;
  const seal = (payload as { seal?: unknown }).seal;
  if (typeof seal !== 'string' || !/^[0-9a-f]{64}$/.test(seal)) return false;
  return timingSafeEqual(Buffer.from(seal, 'hex'), mac(secret, queue, jobId, payload));
}
