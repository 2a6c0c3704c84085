import type { ExportJobResult } from '@fluxquery/export-job';
import type { WorkerMetrics } from '@fluxquery/metrics';

/** Records one export attempt: running while it runs, then its outcome, time, rows and bytes. */
export function measureExport(metrics: WorkerMetrics | undefined) {
  const startedAt = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - startedAt) / 1e9;
  let runningKey: string | undefined;
  return {
    started(keyId: string): void {
      runningKey = keyId;
      metrics?.running.inc({ key: keyId });
    },
    completed(result: ExportJobResult): void {
      metrics?.exportsFinished.inc({ outcome: 'completed', format: result.format, code: '' });
      metrics?.exportDuration.observe({ outcome: 'completed', format: result.format }, seconds());
      metrics?.rows.inc({ format: result.format }, result.rows);
      metrics?.bytes.inc({ format: result.format }, result.bytes);
    },
    failed(format: string | undefined, code: string): void {
      const outcome = code === 'CANCELLED' ? 'cancelled' : 'failed';
      metrics?.exportsFinished.inc({ outcome, format: format ?? 'unknown', code });
      metrics?.exportDuration.observe({ outcome, format: format ?? 'unknown' }, seconds());
    },
    ended(): void {
      if (runningKey !== undefined) metrics?.running.dec({ key: runningKey });
    },
  };
}
