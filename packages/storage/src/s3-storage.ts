import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { S3Upload } from './s3-upload';
import { assertSafeKey, contentDisposition, type Storage, type StorageWriter, type WriteOptions } from './storage';

export interface S3StorageOptions {
  bucket: string;
  region?: string;
  /** An S3-compatible store (MinIO, Ceph, R2, …); absent: AWS. */
  endpoint?: string;
  /** The address presigned download URLs name, when browsers reach the store by another one. */
  publicEndpoint?: string;
  forcePathStyle?: boolean;
  /** Every key is written under it (S3_PREFIX, default `exports/`). */
  prefix: string;
  /** Bytes per multipart part (S3_PART_SIZE); at least 5 MiB, S3's minimum. */
  partSizeBytes: number;
  /** Parts uploaded at once (S3_UPLOAD_CONCURRENCY). Memory is about partSizeBytes × (this + 1). */
  queueSize: number;
  sse?: { type: 'AES256' } | { type: 'aws:kms'; kmsKeyId?: string };
  /** Tests hand in a client with fixed credentials; otherwise the SDK's default chain supplies them. */
  client?: S3Client;
}

// A single CopyObject stops at 5 GiB; past that the sha256 stays in the job's status only.
const MAX_COPY_BYTES = 5 * 1024 ** 3;

export type S3Storage = Storage & { readonly kind: 's3'; readonly client: S3Client };

// eslint-disable-next-line max-lines-per-function -- the Storage interface's methods over one S3 client and bucket, each short
export function createS3Storage(options: S3StorageOptions): S3Storage {
  const client = options.client ?? createS3Client(options);
  // Signing needs no connection: a second client only builds URLs for the public address.
  const presigner = options.publicEndpoint
    ? createS3Client({ ...options, endpoint: options.publicEndpoint }, client.config.credentials)
    : client;
  const Bucket = options.bucket;
  const objectKey = (key: string): string => {
    assertSafeKey(key);
    return `${options.prefix}${key}`;
  };
  const encryption = sseParams(options.sse);

  return {
    kind: 's3',
    client,

    // async although nothing is awaited: an unsafe key must reject, like every other store's.
    // eslint-disable-next-line @typescript-eslint/require-await
    async createWriter(key, writeOptions): Promise<StorageWriter> {
      const Key = objectKey(key);
      const headers = objectHeaders(writeOptions);
      const upload = new S3Upload({
        client,
        params: { Bucket, Key, ...headers, ...encryption },
        partSize: options.partSizeBytes,
        queueSize: options.queueSize,
      });
      let isCommitted = false;

      return {
        stream: upload,
        async commit(info) {
          await upload.complete();
          const bytes = upload.bytesWritten;
          if (bytes <= MAX_COPY_BYTES) {
            // The digest is known only now; a copy onto itself sets it as metadata (S3 metadata cannot be edited in place).
            await client.send(
              new CopyObjectCommand({
                Bucket,
                Key,
                CopySource: `${Bucket}/${encodeURIComponent(Key).replace(/%2F/g, '/')}`,
                MetadataDirective: 'REPLACE',
                Metadata: { sha256: info.sha256 },
                ...headers,
                ...encryption,
              }),
            );
          }
          isCommitted = true;
          return { key, location: `s3://${Bucket}/${Key}`, bytes };
        },
        async abort() {
          upload.destroy();
          await upload.settled();
          const problems: string[] = [];
          if (upload.uploadId) {
            await client
              .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: upload.uploadId }))
              .catch((error: unknown) => problems.push(`AbortMultipartUpload: ${describe(error)}`));
          }
          // A failure after the upload completed (the metadata copy) leaves an object: remove it.
          if (!isCommitted) {
            await client
              .send(new DeleteObjectCommand({ Bucket, Key }))
              .catch((error: unknown) => problems.push(`DeleteObject: ${describe(error)}`));
          }
          if (problems.length > 0) throw new Error(`s3://${Bucket}/${Key}: ${problems.join('; ')}`);
        },
      };
    },

    async openRead(key, range) {
      const response = await client.send(
        new GetObjectCommand({
          Bucket,
          Key: objectKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return response.Body as Readable;
    },

    async size(key) {
      return headSize(client, Bucket, objectKey(key)).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
    },

    async exists(key) {
      return (await this.size(key)) !== undefined;
    },

    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },

    async presignDownload(key, download) {
      const command = new GetObjectCommand({
        Bucket,
        Key: objectKey(key),
        ResponseContentType: download.contentType,
        ResponseContentDisposition: contentDisposition(download.fileName),
      });
      return getSignedUrl(presigner, command, { expiresIn: download.expiresInSeconds });
    },

    async check() {
      const where = options.endpoint ? ` at ${options.endpoint}` : '';
      await client.send(new HeadBucketCommand({ Bucket })).catch((error: unknown) => {
        throw new Error(`S3 bucket "${Bucket}"${where} cannot be used: ${explainS3Error(error)}`);
      });
    },
  };
}

function createS3Client(options: S3StorageOptions, credentials?: S3Client['config']['credentials']): S3Client {
  return new S3Client({
    ...(credentials ? { credentials } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    // S3-compatible stores differ in which of AWS's newer checksum headers they accept; send
    // them only where an operation requires one.
    ...(options.endpoint
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}

function objectHeaders(options: WriteOptions) {
  // A .gz is application/gzip with no Content-Encoding: browsers and fetch would unpack it silently.
  return { ContentType: options.contentType, ContentDisposition: contentDisposition(options.fileName) };
}

function sseParams(sse: S3StorageOptions['sse']): {
  ServerSideEncryption?: ServerSideEncryption;
  SSEKMSKeyId?: string;
} {
  if (!sse) return {};
  if (sse.type === 'AES256') return { ServerSideEncryption: 'AES256' };
  return { ServerSideEncryption: 'aws:kms', ...(sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}) };
}

async function headSize(client: S3Client, Bucket: string, Key: string): Promise<number> {
  const head = await client.send(new HeadObjectCommand({ Bucket, Key }));
  return head.ContentLength ?? 0;
}

interface S3ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(error: unknown): boolean {
  const e = error as S3ErrorShape;
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/** What an operator needs to hear, in plain words, for the usual ways a bucket is out of reach. */
export function explainS3Error(error: unknown): string {
  const e = error as S3ErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchBucket') return 'the bucket does not exist';
  if (status === 403 || e.name === 'Forbidden' || e.name === 'AccessDenied') {
    return 'access denied: check the credentials (AWS_ACCESS_KEY_ID, profile or role) and the bucket policy';
  }
  if (status === 301 || e.name === 'PermanentRedirect') return 'the bucket is in another region: check AWS_REGION';
  if (e.name === 'CredentialsProviderError') return `no AWS credentials found (${e.message ?? ''})`;
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT') {
    return `the endpoint cannot be reached (${e.code}): check S3_ENDPOINT`;
  }
  return describe(error);
}

function describe(error: unknown): string {
  const e = error as S3ErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`;
}
