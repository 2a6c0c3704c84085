import type { DownloadLinkSettings } from '@fluxquery/signing';
import type { StorageConfig } from '@fluxquery/storage';
/** Where files go, how they reach people, and for how long: the settings of docs/delivery.md. */

export interface SmtpSettings {
  host?: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
}

export interface EmailSettings {
  attachFile: boolean;
  /** The encoded message, attachment included, must fit under it. */
  maxMessageBytes: number;
}

export interface DeliveryEnv {
  SERVER_PORT: number;
  STORAGE_TYPE: 'local' | 's3';
  LOCAL_STORAGE_PATH: string;
  S3_BUCKET?: string;
  AWS_REGION?: string;
  S3_ENDPOINT?: string;
  S3_PUBLIC_ENDPOINT?: string;
  S3_PATH_STYLE: boolean;
  S3_PREFIX: string;
  S3_PART_SIZE: number;
  S3_UPLOAD_CONCURRENCY: number;
  S3_SSE: '' | 'AES256' | 'aws:kms';
  S3_SSE_KMS_KEY_ID?: string;
  SMTP_HOST?: string;
  SMTP_PORT: number;
  SMTP_SECURE: boolean;
  SMTP_USER?: string;
  SMTP_PASS?: string;
  SMTP_FROM: string;
  EMAIL_ATTACH_FILE: boolean;
  EMAIL_MAX_ATTACHMENT_BYTES: number;
  DOWNLOAD_LINK_SECRET: string;
  DOWNLOAD_LINK_TTL: number;
  PUBLIC_URL?: string;
  FILE_RETENTION?: number;
  JOB_RETENTION: number;
}

export function readStorage(v: DeliveryEnv, localRoot: string): StorageConfig {
  if (v.STORAGE_TYPE === 'local') return { kind: 'local', root: localRoot };
  const sse =
    v.S3_SSE === 'AES256'
      ? { type: 'AES256' as const }
      : v.S3_SSE === 'aws:kms'
        ? { type: 'aws:kms' as const, ...(v.S3_SSE_KMS_KEY_ID ? { kmsKeyId: v.S3_SSE_KMS_KEY_ID } : {}) }
        : undefined;
  return {
    kind: 's3',
    bucket: v.S3_BUCKET ?? '',
    ...(v.AWS_REGION ? { region: v.AWS_REGION } : {}),
    ...(v.S3_ENDPOINT ? { endpoint: v.S3_ENDPOINT } : {}),
    ...(v.S3_PUBLIC_ENDPOINT ? { publicEndpoint: v.S3_PUBLIC_ENDPOINT } : {}),
    forcePathStyle: v.S3_PATH_STYLE,
    prefix: v.S3_PREFIX,
    partSizeBytes: v.S3_PART_SIZE,
    queueSize: v.S3_UPLOAD_CONCURRENCY,
    ...(sse ? { sse } : {}),
  };
}

export function readSmtp(v: DeliveryEnv): SmtpSettings {
  return {
    ...(v.SMTP_HOST ? { host: v.SMTP_HOST } : {}),
    port: v.SMTP_PORT,
    secure: v.SMTP_SECURE,
    ...(v.SMTP_USER ? { user: v.SMTP_USER } : {}),
    ...(v.SMTP_PASS ? { pass: v.SMTP_PASS } : {}),
    from: v.SMTP_FROM,
  };
}

export function readDownloadLinks(v: DeliveryEnv, fileRetentionMs: number): DownloadLinkSettings {
  const publicUrl = (v.PUBLIC_URL ?? `http://127.0.0.1:${v.SERVER_PORT}`).replace(/\/+$/, '');
  return {
    secret: v.DOWNLOAD_LINK_SECRET,
    ttlMs: Math.min(v.DOWNLOAD_LINK_TTL, v.JOB_RETENTION, fileRetentionMs),
    publicUrl,
  };
}

/** Problems no single variable shows. */
export function checkDeliveryEnv(v: DeliveryEnv, clientSecrets: readonly string[]): string[] {
  const problems: string[] = [];
  if (v.STORAGE_TYPE === 's3' && !v.S3_BUCKET) problems.push('"S3_BUCKET" is required with STORAGE_TYPE=s3');
  if (clientSecrets.includes(v.DOWNLOAD_LINK_SECRET)) {
    problems.push('"DOWNLOAD_LINK_SECRET" must differ from every client key secret (API_SECRET included)');
  }
  if (v.S3_SSE_KMS_KEY_ID && v.S3_SSE !== 'aws:kms') problems.push('"S3_SSE_KMS_KEY_ID" needs S3_SSE=aws:kms');
  if (Boolean(v.SMTP_USER) !== Boolean(v.SMTP_PASS)) problems.push('set both "SMTP_USER" and "SMTP_PASS", or neither');
  return problems;
}
