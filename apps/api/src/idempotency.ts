import { AppError } from '@fluxquery/errors';
import { createHash } from 'node:crypto';
import type { RequestGuards } from '@fluxquery/coordination';

// Printable ASCII, as Stripe and the IETF draft use it: a UUID or any client-made token.
const KEY = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentClaim {
  /** The job an earlier request with this key made, when there was one. */
  existingJobId?: string;
  /** Undoes the claim when the job could not be queued, so that a retry can try again. */
  release(): Promise<void>;
}

/**
 * `Idempotency-Key`: a client that retries a POST /export (a time-out, a lost answer) gets the job
 * its first request made instead of a second heavy export. Keys are scoped to the client key and
 * kept as long as finished jobs (JOB_RETENTION). The same key with another body is a mistake: 409.
 */
export async function claimIdempotencyKey(
  guards: RequestGuards,
  input: { keyId: string; idempotencyKey: string; body: Buffer; jobId: string; ttlMs: number },
): Promise<IdempotentClaim> {
  if (!KEY.test(input.idempotencyKey)) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 printable ASCII characters', {
      details: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }],
    });
  }
  const id = `idem:${input.keyId}:${sha256(input.idempotencyKey)}`;
  const bodyHash = sha256(input.body);
  const previous = await guards
    .claim(id, `${input.jobId} ${bodyHash}`, Math.ceil(input.ttlMs / 1000))
    .catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'the idempotency store is unavailable; try again shortly', {
        cause: error,
      });
    });
  const release = () => guards.release(id).catch(() => undefined);
  if (previous === null) return { release };
  const [existingJobId = '', existingHash] = previous.split(' ');
  if (existingHash !== bodyHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request body');
  }
  return { existingJobId, release: () => Promise.resolve() };
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
