import type { DownloadLinkSettings } from '@fluxquery/signing';
import { AppError } from '@fluxquery/errors';
import type { DeliveredFile, DeliveryJobData, DeliveryJobResult, DeliveryMethod } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import type { WorkerMetrics } from '@fluxquery/metrics';
import {
  composeFailedMail,
  composePausedMail,
  composeReadyMail,
  withSubscription,
  encodedMessageBytes,
  MailError,
  type Mailer,
  type MailMessage,
} from '@fluxquery/mailer';
import { createDownloadLink } from '@fluxquery/signing';
import type { Storage } from '@fluxquery/storage';

export interface EmailDeps {
  /** JOB_SEAL_SECRET: a delivery runs only when the api or a worker queued it unchanged. */
  sealSecret: string;
  /** Prometheus metrics (METRICS_PORT); absent: none are kept. */
  metrics?: WorkerMetrics;
  storage: Storage;
  mailer: Mailer;
  logger: Logger;
  links: DownloadLinkSettings;
  /** EMAIL_ATTACH_FILE. */
  attachFile: boolean;
  /** EMAIL_MAX_ATTACHMENT_BYTES: the whole encoded message must fit under it. */
  maxMessageBytes: number;
}

/**
 * Tells the requester how the export ended: the file attached when the encoded message fits, a
 * download link otherwise, or what went wrong. Storage is read only to attach, and as a stream.
 */
export async function sendExportEmail(deps: EmailDeps, data: DeliveryJobData): Promise<DeliveryJobResult> {
  const sentAt = () => new Date().toISOString();
  if (deps.mailer.transport === 'none') return { status: 'disabled', transport: 'none', sentAt: sentAt() };
  const subscription = data.subscription;
  if (data.outcome === 'paused' && data.pause && subscription) {
    const sent = await send(deps, { to: data.email, ...composePausedMail(subscription, data.pause) }, subscription);
    return { status: 'sent', ...sent, sentAt: sentAt() };
  }

  if (data.outcome === 'failed' || !data.file) {
    const failure = data.failure ?? { code: 'UNKNOWN', message: 'the export failed' };
    const mail = composeFailedMail({ jobId: data.exportJobId, ...failure });
    const sent = await send(deps, { to: data.email, ...mail }, subscription);
    return { status: 'sent', ...sent, sentAt: sentAt() };
  }

  const file = data.file;
  const canAttach = deps.attachFile && encodedMessageBytes(file.bytes) <= deps.maxMessageBytes;
  if (canAttach) {
    try {
      const sent = await send(deps, await attachmentMessage(deps, data, file), subscription);
      return { status: 'sent', method: 'attachment', ...sent, sentAt: sentAt() };
    } catch (error) {
      // A server whose limit is lower than ours says so with 552: the link still reaches the person.
      if (!(error instanceof AppError && (error.cause as MailError | undefined)?.responseCode === 552)) throw error;
      deps.logger.warn('delivery.attachment_too_large', { jobId: data.exportJobId, bytes: file.bytes });
    }
  }
  const sent = await send(deps, linkMessage(deps, data, file), subscription);
  return { status: 'sent', method: 'link' satisfies DeliveryMethod, ...sent, sentAt: sentAt() };
}

async function attachmentMessage(deps: EmailDeps, data: DeliveryJobData, file: DeliveredFile): Promise<MailMessage> {
  const content = await deps.storage.openRead(file.key).catch((error: unknown) => {
    throw new AppError('FILE_GONE', 'the export file is no longer in storage', { cause: error });
  });
  return {
    to: data.email,
    ...composeReadyMail(file, { method: 'attachment' }),
    attachment: { fileName: file.fileName, contentType: file.contentType, content },
  };
}

function linkMessage(deps: EmailDeps, data: DeliveryJobData, file: DeliveredFile): MailMessage {
  const link = createDownloadLink(deps.links, data.exportJobId, Date.parse(file.finishedAt));
  return { to: data.email, ...composeReadyMail(file, { method: 'link', ...link }) };
}

/**
 * A subscription's email names it and carries its unsubscribe link, in the text and in RFC 8058's
 * headers, which let a mail client offer one-click unsubscribe.
 */
async function send(deps: EmailDeps, plain: MailMessage, subscription: DeliveryJobData['subscription']) {
  const message: MailMessage = subscription
    ? {
        ...plain,
        ...withSubscription(plain, subscription),
        headers: {
          'List-Unsubscribe': `<${subscription.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      }
    : plain;
  try {
    const sent = await deps.mailer.send(message);
    if (sent.file) deps.logger.info('delivery.written_to_file', { file: sent.file, to: message.to });
    return { transport: sent.transport, ...(sent.messageId ? { messageId: sent.messageId } : {}) };
  } catch (error) {
    if (!(error instanceof MailError)) throw error;
    throw new AppError(error.isPermanent ? 'EMAIL_REFUSED' : 'EMAIL_FAILED', error.message, { cause: error });
  }
}
