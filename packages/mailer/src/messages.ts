import escapeHtml from 'escape-html';
import { formatBytes } from '@fluxquery/byte-size';

/** The two emails a requester can get: the export is ready (file attached, or a link), or it failed. */

export interface ReadyFile {
  rows: number;
  bytes: number;
  sha256: string;
  /** csv, json or xlsx; compression says whether it is gzipped. */
  format: string;
  compression: 'gzip' | 'none';
  fileName: string;
  durationMs: number;
}

export type ReadyDelivery = { method: 'attachment' } | { method: 'link'; url: string; expiresAt: Date };

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

// Room for the headers and the text and HTML parts next to the attachment.
const MESSAGE_OVERHEAD_BYTES = 32 * 1024;

/** The size of a message that carries `fileBytes` as an attachment: base64 in 76-character lines. */
export function encodedMessageBytes(fileBytes: number): number {
  const base64 = 4 * Math.ceil(fileBytes / 3);
  return base64 + 2 * Math.ceil(base64 / 76) + MESSAGE_OVERHEAD_BYTES;
}

const FORMAT_NAMES: Record<string, string> = { csv: 'CSV', json: 'JSON Lines', xlsx: 'Excel (.xlsx)' };

export function composeReadyMail(file: ReadyFile, delivery: ReadyDelivery): ComposedMail {
  const format = `${FORMAT_NAMES[file.format] ?? file.format}${file.compression === 'gzip' ? ', gzip' : ''}`;
  const facts: [string, string][] = [
    ['Rows', file.rows.toLocaleString('en-US')],
    ['Size', formatBytes(file.bytes)],
    ['Format', format],
    ['File', file.fileName],
    ['SHA-256', file.sha256],
    ['Time taken', formatDuration(file.durationMs)],
  ];
  const expires = delivery.method === 'link' ? formatUtc(delivery.expiresAt) : '';
  const how =
    delivery.method === 'attachment'
      ? 'The file is attached to this email.'
      : `Download it here (the link works until ${expires}):\n${delivery.url}`;
  const htmlHow =
    delivery.method === 'attachment'
      ? '<p>The file is attached to this email.</p>'
      : `<p><a href="${escapeHtml(delivery.url)}">Download ${escapeHtml(file.fileName)}</a></p>` +
        `<p>The link works until ${escapeHtml(expires)}.</p>`;
  return {
    subject: `Your export is ready: ${file.rows.toLocaleString('en-US')} rows (${format}, ${formatBytes(file.bytes)})`,
    text: ['Your export is ready.', '', ...facts.map(([k, v]) => `${k}: ${v}`), '', how, ''].join('\n'),
    html: page('Your export is ready.', `${table(facts)}${htmlHow}`),
  };
}

export interface FailedExport {
  jobId: string;
  code: string;
  /** The service's own, safe message: never a stack trace or a server's internals. */
  message: string;
}

export function composeFailedMail(failure: FailedExport): ComposedMail {
  const facts: [string, string][] = [
    ['Reason', failure.message],
    ['Code', failure.code],
    ['Job', failure.jobId],
  ];
  return {
    subject: 'Your export failed',
    text: [
      'Your export could not be completed, and no file was made.',
      '',
      ...facts.map(([k, v]) => `${k}: ${v}`),
      '',
      'Change the query or ask the service owner for help, quoting the job id.',
      '',
    ].join('\n'),
    html: page(
      'Your export could not be completed, and no file was made.',
      `${table(facts)}<p>Change the query or ask the service owner for help, quoting the job id.</p>`,
    ),
  };
}

/** What a subscription's emails say of it. */
export interface SubscriptionFacts {
  name: string;
  schedule: string;
  unsubscribeUrl: string;
}

/** A subscription's email names it and its schedule, and says how to stop it (RFC 8058's headers are the mailer's). */
export function withSubscription(mail: ComposedMail, subscription: SubscriptionFacts): ComposedMail {
  const line = `You get this from the subscription "${subscription.name}" (${subscription.schedule}).`;
  return {
    subject: `[${subscription.name}] ${mail.subject}`,
    text: `${mail.text}\n--\n${line}\nTo stop it: ${subscription.unsubscribeUrl}\n`,
    html: mail.html.replace(
      '</body>',
      `<hr><p>${escapeHtml(line)}</p><p><a href="${escapeHtml(subscription.unsubscribeUrl)}">Unsubscribe</a></p></body>`,
    ),
  };
}

/** A subscription that paused itself: why, since when, and how to resume it (withSubscription adds the footer). */
export function composePausedMail(
  subscription: SubscriptionFacts,
  pause: { reason: string; at: string },
): ComposedMail {
  const facts: [string, string][] = [
    ['Subscription', subscription.name],
    ['Schedule', subscription.schedule],
    ['Reason', pause.reason],
    ['Paused at', pause.at],
  ];
  const advice = 'Fix the cause, then resume it with PATCH /subscriptions/:id {"status":"active"}.';
  const title = 'Your subscription is paused: its exports stop until it is resumed.';
  return {
    subject: 'Your subscription is paused',
    text: [title, '', ...facts.map(([k, v]) => `${k}: ${v}`), '', advice, ''].join('\n'),
    html: page(title, `${table(facts)}<p>${escapeHtml(advice)}</p>`),
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html><body style="font-family:sans-serif"><p>${escapeHtml(title)}</p>${body}</body></html>`;
}

function table(rows: [string, string][]): string {
  const cells = rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  return `<table cellpadding="4">${cells.join('')}</table>`;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
