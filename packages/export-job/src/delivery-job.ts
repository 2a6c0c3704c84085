import { AppError } from '@fluxquery/errors';
import { COMPRESSIONS, EXPORT_FORMATS, RULES, type Compression, type ExportFormat } from '@fluxquery/request-rules';
import Joi from 'joi';
import type { ExportJobData, ExportJobResult } from './export-job';

/**
 * The second stage: once the export's file is committed (or the export has failed for good), a
 * delivery job tells the requester. It runs on its own queue, so a mail failure never re-runs the
 * SQL and never turns a finished export into FAILED.
 */
export const DELIVERY_SCHEMA_VERSION = 1;

/** What the email reports of a finished export, and where its file is. */
export interface DeliveredFile {
  rows: number;
  bytes: number;
  sha256: string;
  format: ExportFormat;
  compression: Compression;
  fileName: string;
  contentType: string;
  key: string;
  durationMs: number;
  finishedAt: string;
}

export interface DeliveryJobData {
  schemaVersion: 1;
  exportJobId: string;
  requestId: string;
  keyId?: string;
  /** Checked by the api, and again by the mailer before it sends. */
  email: string;
  /** `paused`: not an export's end, but a subscription that paused itself (its owner is told why). */
  outcome: 'completed' | 'failed' | 'paused';
  /** With outcome `paused`: why, and since when. */
  pause?: { reason: string; at: string };
  /** A subscription's email: named, with its schedule and a one-click unsubscribe link. */
  subscription?: SubscriptionMailFacts;
  /** With outcome `completed`. */
  file?: DeliveredFile;
  /** With outcome `failed`: the export's code and its plain message, never a stack. */
  failure?: { code: string; message: string };
  /** The producer's HMAC over the rest (job-seal.ts): a planted delivery could mail any file to anyone. */
  seal?: string;
}

/** What a subscription's email says of it. */
export interface SubscriptionMailFacts {
  id: string;
  name: string;
  /** The schedule for people: `0 8 * * 1 (Europe/Berlin)`. */
  schedule: string;
  /** GET pauses it (with an undo link on the page); POST is RFC 8058's one-click unsubscribe. */
  unsubscribeUrl: string;
}

/** `skipped`: a subscription's run whose condition held its file back (docs/subscriptions.md). */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'disabled' | 'skipped';
export type DeliveryMethod = 'attachment' | 'link';

export interface DeliveryJobResult {
  status: 'sent' | 'disabled';
  /** Absent for a failure notice, which carries no file. */
  method?: DeliveryMethod;
  /** `smtp`, or `file` for the development outbox; `none` when mail is disabled. */
  transport: 'smtp' | 'file' | 'none';
  messageId?: string;
  sentAt: string;
}

/** One delivery per export; the id also keeps a repeated enqueue from sending twice. */
export function deliveryJobId(exportJobId: string): string {
  return `email-${exportJobId}`;
}

const deliveryJobDataSchema = Joi.object<DeliveryJobData>({
  schemaVersion: Joi.number().valid(DELIVERY_SCHEMA_VERSION).required(),
  exportJobId: Joi.string().max(100).required(),
  requestId: Joi.string().max(200).required(),
  keyId: Joi.string().max(64),
  email: RULES.email.required(),
  outcome: Joi.string().valid('completed', 'failed', 'paused').required(),
  pause: Joi.object({
    reason: Joi.string().max(2_000).required(),
    at: Joi.string().isoDate().required(),
  }).when('outcome', { is: 'paused', then: Joi.required(), otherwise: Joi.forbidden() }),
  subscription: Joi.object({
    id: Joi.string().max(64).required(),
    name: Joi.string().max(200).required(),
    schedule: Joi.string().max(300).required(),
    unsubscribeUrl: Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .max(2_048)
      .required(),
  }),
  file: Joi.object({
    rows: Joi.number().integer().min(0).required(),
    bytes: Joi.number().integer().min(0).required(),
    sha256: Joi.string().hex().length(64).required(),
    format: Joi.string()
      .valid(...EXPORT_FORMATS)
      .required(),
    compression: Joi.string()
      .valid(...COMPRESSIONS)
      .required(),
    fileName: Joi.string().max(200).required(),
    contentType: Joi.string().max(200).required(),
    key: Joi.string().max(512).required(),
    durationMs: Joi.number().min(0).required(),
    finishedAt: Joi.string().isoDate().required(),
  }).when('outcome', { is: 'completed', then: Joi.required(), otherwise: Joi.forbidden() }),
  failure: Joi.object({
    code: Joi.string().max(64).required(),
    message: Joi.string().max(2_000).required(),
  }).when('outcome', { is: 'failed', then: Joi.required(), otherwise: Joi.forbidden() }),
  seal: Joi.string().hex().length(64),
});

export function parseDeliveryJobData(data: unknown): DeliveryJobData {
  const result = deliveryJobDataSchema.validate(data, { abortEarly: false, convert: false });
  if (result.error) throw new AppError('INVALID_JOB', `the delivery job payload is invalid: ${result.error.message}`);
  return result.value;
}

/** The delivery of a finished export: the file's facts and where it is. */
export function deliveryForResult(exportJobId: string, data: ExportJobData, result: ExportJobResult): DeliveryJobData {
  return {
    ...deliveryBase(exportJobId, data),
    outcome: 'completed',
    file: {
      rows: result.rows,
      bytes: result.bytes,
      sha256: result.sha256,
      format: result.format,
      compression: result.compression,
      fileName: result.fileName,
      contentType: result.contentType,
      key: result.key,
      durationMs: result.durationMs,
      finishedAt: result.finishedAt,
    },
  };
}

/** The notice of an export that ended without a file (failed, or cancelled). */
export function deliveryForFailure(
  exportJobId: string,
  data: ExportJobData,
  failure: { code: string; message: string },
): DeliveryJobData {
  return {
    ...deliveryBase(exportJobId, data),
    outcome: 'failed',
    failure: { code: failure.code, message: failure.message },
  };
}

function deliveryBase(exportJobId: string, data: ExportJobData) {
  return {
    schemaVersion: DELIVERY_SCHEMA_VERSION,
    exportJobId,
    requestId: data.requestId,
    ...(data.keyId ? { keyId: data.keyId } : {}),
    email: data.email,
  } as const;
}
