import { createHash } from 'node:crypto';

/**
 * A run's export job id, derived from the subscription and the tick: the same tick always names
 * the same job, so a tick fired twice adds one export (BullMQ ignores a second add of an id). It
 * has the shape of a UUID (version 8, RFC 9562), so GET /export/:id reads it like any other.
 */
export function runJobId(subscriptionId: string, tickMs: number): string {
  const hex = createHash('sha256').update(`fluxquery-run-v1\n${subscriptionId}\n${tickMs}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
