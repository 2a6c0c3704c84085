import {
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { setMaxListeners } from 'node:events';
import { Writable } from 'node:stream';
import { bytesAfter } from './buffer-list';

// S3 refuses a multipart upload of more parts.
const MAX_PARTS = 10_000;

/**
 * Part buffers that finished uploads handed back, for the next upload in this process, by size. A
 * part buffer lives as long as its upload, so V8 moves it to its old generation, where a dead one
 * is freed only by a full collection: a worker that took new buffers for every upload held earlier
 * uploads' too, and crept from 193 to 237 MB over eight 1 M-row CSV exports to S3 in one process
 * (2026-12-02). One upload's worth (`queueSize` buffers) is kept.
 */
const idleBuffers = new Map<number, Buffer[]>();

function takeIdleBuffer(size: number): Buffer | undefined {
  return idleBuffers.get(size)?.pop();
}

function handBackBuffers(buffers: Buffer[], size: number, keep: number): void {
  const idle = idleBuffers.get(size) ?? [];
  idleBuffers.set(size, idle);
  while (buffers.length > 0 && idle.length < keep) idle.push(buffers.pop()!);
  buffers.length = 0;
}

export interface S3UploadOptions {
  client: S3Client;
  /** Bucket, Key, and the headers and encryption the object is created with. */
  params: Omit<PutObjectCommandInput, 'Body'> & { Bucket: string; Key: string };
  partSize: number;
  /** Parts uploaded at once. */
  queueSize: number;
}

/**
 * A stream's bytes as one S3 object, uploaded in parts while they are written: one PutObject for
 * a file that fits in a part, otherwise CreateMultipartUpload, UploadPart and
 * CompleteMultipartUpload, the requests @aws-sdk/lib-storage's `Upload` makes.
 *
 * Written here instead of using `Upload` for its memory. `Upload` joins each part's chunks with
 * `Buffer.concat` into a new buffer, and the remainder it carries keeps that buffer alive until the
 * next part's, so every part made 16 MiB of garbage at the default 8 MiB that V8 freed late: a
 * 1 M-row CSV export to S3 peaked at 216–221 MB against 117 MB to local disk (2026-12-02), over the
 * workers' 200 MB bound. Here a part is copied into one of at most `queueSize` buffers, reused
 * for the whole upload (and then by the next one), and a write waits while all of them are in
 * flight: at most `partSize × (queueSize + 1)` bytes are held (the part being gathered, and those
 * uploading).
 *
 * The object is made by `complete()`, after the stream finished. An error from any request
 * destroys the stream with that error, so the export stops at once; a part that fails after the
 * last write surfaces there. Destroying the stream cancels the requests under way; once
 * `settled()` resolves, `uploadId` says whether an unfinished upload is left to abort.
 */
export class S3Upload extends Writable {
  /** Set once CreateMultipartUpload answered: what an abort must cancel. */
  uploadId: string | undefined;
  /** Every byte written to the stream: the object's size once it is complete. */
  bytesWritten = 0;
  private readonly cancel = new AbortController();
  private gathered: Buffer[] = [];
  private gatheredBytes = 0;
  private readonly spare: Buffer[] = [];
  private readonly uploading = new Set<Promise<void>>();
  private readonly parts: CompletedPart[] = [];
  private partsStarted = 0;
  private creating: Promise<string> | undefined;
  private finishing: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly options: S3UploadOptions) {
    // Not destroyed when it finishes: the object is made after that (complete), and destroying
    // the stream cancels every request under way.
    super({ autoDestroy: false });
    // One abort listener per request under way: the parts, and the upload's creation or completion.
    setMaxListeners(options.queueSize + 2, this.cancel.signal);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.gathered.push(chunk);
    this.gatheredBytes += chunk.length;
    this.bytesWritten += chunk.length;
    // A part goes only once more than a part's bytes are here, so the last part is never empty.
    if (this.gatheredBytes <= this.options.partSize) {
      callback();
      return;
    }
    this.sendFullParts().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.cancel.abort();
    this.handBackSpare();
    callback(error);
  }

  /**
   * Uploads what is left and makes the object: call once the stream has finished. Nothing is
   * visible under the key before.
   */
  async complete(): Promise<void> {
    this.finishing ??= this.finish().finally(() => this.handBackSpare());
    await this.finishing;
  }

  /** Resolves once no request is under way: after destroying the stream, before cleaning up. */
  async settled(): Promise<void> {
    await Promise.allSettled([this.creating, this.finishing, ...this.uploading]);
  }

  private async sendFullParts(): Promise<void> {
    while (this.gatheredBytes > this.options.partSize) await this.sendPart(this.options.partSize);
  }

  private async finish(): Promise<void> {
    const { client, params } = this.options;
    const request = { abortSignal: this.cancel.signal };
    this.throwIfFailed();
    if (!this.writableFinished) throw new Error('the upload is complete only once its stream finished');
    if (!this.creating) {
      const body = this.gathered.length === 1 ? this.gathered[0]! : Buffer.concat(this.gathered);
      await client.send(new PutObjectCommand({ ...params, Body: body }), request);
      return;
    }
    if (this.gatheredBytes > 0) await this.sendPart(this.gatheredBytes);
    await Promise.all(this.uploading);
    this.throwIfFailed();
    this.parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
    const { Bucket, Key } = params;
    const UploadId = await this.creating;
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: this.parts } }),
      request,
    );
  }

  /** Copies `bytes` of the gathered chunks into a part buffer and starts its upload, once one may start. */
  private async sendPart(bytes: number): Promise<void> {
    while (this.uploading.size >= this.options.queueSize) {
      await Promise.race(this.uploading);
      this.throwIfFailed();
    }
    const partNumber = ++this.partsStarted;
    if (partNumber > MAX_PARTS) {
      throw new Error(
        `the file is larger than S3 takes in ${MAX_PARTS} parts of S3_PART_SIZE (${this.options.partSize} bytes): raise S3_PART_SIZE`,
      );
    }
    const { partSize } = this.options;
    const buffer = this.spare.pop() ?? takeIdleBuffer(partSize) ?? Buffer.allocUnsafeSlow(partSize);
    this.copyGathered(buffer, bytes);
    const uploadId = await this.createUpload();
    const uploading: Promise<void> = this.uploadPart(uploadId, partNumber, buffer.subarray(0, bytes))
      // The buffer is free again only now: the SDK may send it again on a retry until the part is stored.
      .then(
        () => void this.spare.push(buffer),
        (error: unknown) => this.fail(error),
      )
      .finally(() => this.uploading.delete(uploading));
    this.uploading.add(uploading);
  }

  private async uploadPart(UploadId: string, PartNumber: number, Body: Buffer): Promise<void> {
    const { Bucket, Key } = this.options.params;
    const command = new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body });
    const stored = await this.options.client.send(command, { abortSignal: this.cancel.signal });
    if (!stored.ETag) throw new Error(`S3 answered part ${PartNumber} without an ETag`);
    const { ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256 } = stored;
    this.parts.push({ PartNumber, ETag: stored.ETag, ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256 });
  }

  private createUpload(): Promise<string> {
    this.creating ??= (async () => {
      const { client, params } = this.options;
      // As lib-storage does: AWS computes a CRC32 of every part by default, and refuses the parts
      // of an upload that was not created with that algorithm.
      const checksums = await client.config.requestChecksumCalculation();
      const created = await client.send(
        new CreateMultipartUploadCommand({
          ...params,
          ...(checksums === 'WHEN_SUPPORTED' ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}),
        }),
        { abortSignal: this.cancel.signal },
      );
      if (!created.UploadId) throw new Error('S3 answered CreateMultipartUpload without an upload id');
      this.uploadId = created.UploadId;
      return created.UploadId;
    })();
    return this.creating;
  }

  /** Moves the first `bytes` of the gathered chunks into `buffer`; the rest stays gathered. */
  private copyGathered(buffer: Buffer, bytes: number): void {
    let offset = 0;
    for (const chunk of this.gathered) {
      if (offset === bytes) break;
      offset += chunk.copy(buffer, offset, 0, Math.min(chunk.length, bytes - offset));
    }
    this.gathered = bytesAfter(this.gathered, bytes);
    this.gatheredBytes -= bytes;
  }

  /** The buffers of the parts already stored, for the next upload: no request holds them any more. */
  private handBackSpare(): void {
    handBackBuffers(this.spare, this.options.partSize, this.options.queueSize);
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.destroy(this.failure);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
    if (this.destroyed) throw new Error('the upload was stopped');
  }
}
