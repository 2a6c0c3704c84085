import type { Logger } from '@fluxquery/logger';
import type { AnyStorage } from '@fluxquery/storage';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * Files do not outlive their purpose: local files older than FILE_RETENTION are removed at start
 * and every hour. S3 does this itself with a lifecycle rule on the prefix (docs/delivery.md).
 * Returns a function that stops the sweeps.
 */
export function startRetention(storage: AnyStorage, retentionMs: number, logger: Logger): () => void {
  if (storage.kind !== 'local') {
    logger.info('storage.retention', {
      advice: `set an S3 lifecycle rule that expires objects under the prefix after ${Math.ceil(retentionMs / 86_400_000)} days`,
    });
    return () => undefined;
  }
  const sweep = (): void => {
    storage
      .removeExpired(retentionMs)
      .then((count) => count > 0 && logger.info('storage.expired_removed', { count }))
      .catch((error: unknown) => logger.warn('storage.retention_failed', { error: String(error) }));
  };
  sweep();
  const timer = setInterval(sweep, SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
