import { AppError } from '@fluxquery/errors';
import { parseDeliveryJobData, type DeliveryJob, type DeliveryJobResult } from '@fluxquery/export-job';
import { sendExportEmail, type EmailDeps } from './send-email';
import { failDelivery } from './job-failure';
import { assertFollowUpSealed } from './trusted-job';

/** The delivery job's edge: a 5xx refusal fails at once; a deferral or an outage is retried with backoff. */
export async function processEmailJob(deps: EmailDeps, job: DeliveryJob): Promise<DeliveryJobResult> {
  const logger = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
  try {
    assertFollowUpSealed(deps.sealSecret, job.id, job.data, 'delivery');
    const data = parseDeliveryJobData(job.data);
    const result = await sendExportEmail({ ...deps, logger }, data);
    deps.metrics?.deliveries.inc({ outcome: result.status, method: result.method ?? 'none' });
    logger.info('delivery.done', {
      exportJobId: data.exportJobId,
      outcome: data.outcome,
      status: result.status,
      method: result.method,
    });
    return result;
  } catch (error) {
    throw failDelivery(error, (cause) => new AppError('EMAIL_FAILED', 'the email could not be sent', { cause }), {
      logger,
      metrics: deps.metrics,
      event: 'delivery.failed',
      method: 'none',
    });
  }
}
