import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { signatureHeaders, type SigningScheme } from './sign-request';
import {
  FINAL_STATUSES,
  type ErrorBody,
  type ExportRequestBody,
  type ExportStatusBody,
  type ResultBody,
  type SubmittedBody,
  type SubscriptionBody,
  type SubscriptionChangeBody,
  type SubscriptionListBody,
  type SubscriptionRequestBody,
  type SubscriptionRunBody,
  type SubscriptionRunsBody,
} from './wire-types';

export interface ClientOptions {
  /** Where the api listens, such as http://127.0.0.1:8080. */
  baseUrl: string;
  secret: string;
  /** Default `default` (the key of API_SECRET). */
  keyId?: string;
  /** Default v2; v1 is how the Go service's clients sign (default key only). */
  scheme?: SigningScheme;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/** An error answer from the service (or none at all: status 0). */
export class FluxQueryError extends Error {
  override readonly name = 'FluxQueryError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message);
  }

  /** Worth trying again later: the service or Redis is away, or a rate limit. */
  get isTransient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface WaitOptions {
  /** Give up after this long; default: no limit. */
  timeoutMs?: number;
  /** The first pause between polls; default 1 s (never less: the service counts polls per key). */
  intervalMs?: number;
  /** Pauses grow by half up to this; default 5 s. */
  maxIntervalMs?: number;
  /** Each status seen while waiting, for a progress display. */
  onStatus?(status: ExportStatusBody): void;
  signal?: AbortSignal;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
}

export interface FluxQueryClient {
  submit(request: ExportRequestBody, options?: { idempotencyKey?: string }): Promise<SubmittedBody>;
  status(jobId: string): Promise<ExportStatusBody>;
  /** Polls until the job is COMPLETED, FAILED or CANCELLED, and returns that status. */
  wait(jobId: string, options?: WaitOptions): Promise<ExportStatusBody>;
  /** Cancels a waiting or running job; a finished one is a 409 FluxQueryError. */
  cancel(jobId: string): Promise<{ job_id: string; status: string }>;
  /**
   * Fetches a finished export's file through its download link into a path (written to a
   * temporary name, renamed when whole) or a stream, and checks its sha256.
   */
  download(result: ResultBody, destination: string | Writable): Promise<Downloaded>;
  /** Recurring exports: the key's own subscriptions. */
  subscriptions: SubscriptionsClient;
}

export interface SubscriptionsClient {
  create(request: SubscriptionRequestBody): Promise<SubscriptionBody>;
  list(page?: { offset?: number; limit?: number }): Promise<SubscriptionListBody>;
  show(id: string): Promise<SubscriptionBody>;
  change(id: string, change: SubscriptionChangeBody): Promise<SubscriptionBody>;
  pause(id: string): Promise<SubscriptionBody>;
  resume(id: string): Promise<SubscriptionBody>;
  /** One run now; its `job_id` is an export like any other. */
  run(id: string): Promise<SubscriptionRunBody & { subscription_id: string; status_url: string }>;
  remove(id: string): Promise<{ subscription_id: string; status: 'deleted' }>;
  runs(id: string, page?: { offset?: number; limit?: number }): Promise<SubscriptionRunsBody>;
}

// eslint-disable-next-line max-lines-per-function -- one closure over the options and the signed fetch; each method is short, and split out each would take both
export function createClient(options: ClientOptions): FluxQueryClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const keyId = options.keyId ?? 'default';
  const scheme = options.scheme ?? 'v2';
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call<T>(method: string, url: string, body = '', extra: Record<string, string> = {}): Promise<T> {
    const headers = {
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...signatureHeaders({ scheme, secret: options.secret, keyId, method, url, body }),
      ...extra,
    };
    let response: Response;
    try {
      response = await fetch(baseUrl + url, {
        method,
        headers,
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
      throw new FluxQueryError(0, 'UNREACHABLE', `${baseUrl} did not answer: ${reason}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new FluxQueryError(response.status, 'BAD_ANSWER', `${method} ${url} answered ${response.status}, not JSON`);
    }
    if (!response.ok) {
      const { error } = (json as Partial<ErrorBody>) ?? {};
      throw new FluxQueryError(
        response.status,
        error?.code ?? 'UNKNOWN',
        error?.message ?? `${method} ${url} answered ${response.status}`,
        error?.requestId,
        error?.details,
      );
    }
    return json as T;
  }

  const path = (id: string, rest = '') => `/subscriptions/${encodeURIComponent(id)}${rest}`;
  const pageQuery = (page: { offset?: number; limit?: number } = {}) => {
    const query = new URLSearchParams();
    if (page.offset !== undefined) query.set('offset', String(page.offset));
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    const text = query.toString();
    return text ? `?${text}` : '';
  };
  const subscriptions: SubscriptionsClient = {
    create: (request) => call('POST', '/subscriptions', JSON.stringify(request)),
    list: (page) => call('GET', `/subscriptions${pageQuery(page)}`),
    show: (id) => call('GET', path(id)),
    change: (id, change) => call('PATCH', path(id), JSON.stringify(change)),
    pause: (id) => call('PATCH', path(id), JSON.stringify({ status: 'paused' })),
    resume: (id) => call('PATCH', path(id), JSON.stringify({ status: 'active' })),
    run: (id) => call('POST', path(id, '/run')),
    remove: (id) => call('DELETE', path(id)),
    runs: (id, page) => call('GET', path(id, `/runs${pageQuery(page)}`)),
  };

  const client: FluxQueryClient = {
    subscriptions,
    submit(request, submitOptions = {}) {
      const extra: Record<string, string> = submitOptions.idempotencyKey
        ? { 'Idempotency-Key': submitOptions.idempotencyKey }
        : {};
      return call<SubmittedBody>('POST', '/export', JSON.stringify(request), extra);
    },
    status(jobId) {
      return call<ExportStatusBody>('GET', `/export/${encodeURIComponent(jobId)}`);
    },
    async wait(jobId, waitOptions = {}) {
      const deadline = waitOptions.timeoutMs === undefined ? Infinity : Date.now() + waitOptions.timeoutMs;
      let pause = Math.max(1_000, waitOptions.intervalMs ?? 1_000);
      const maxPause = Math.max(pause, waitOptions.maxIntervalMs ?? 5_000);
      for (;;) {
        waitOptions.signal?.throwIfAborted();
        try {
          const status = await client.status(jobId);
          waitOptions.onStatus?.(status);
          if (FINAL_STATUSES.includes(status.status)) return status;
        } catch (error) {
          // A service that is briefly away (503, 429, no answer) is waited out, like a slow job.
          if (!(error instanceof FluxQueryError) || !error.isTransient) throw error;
        }
        if (Date.now() + pause > deadline) {
          throw new FluxQueryError(0, 'WAIT_TIMEOUT', `job ${jobId} did not finish within ${waitOptions.timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(maxPause, Math.round(pause * 1.5));
      }
    },
    cancel(jobId) {
      return call('DELETE', `/export/${encodeURIComponent(jobId)}`);
    },
    async download(result, destination) {
      // The link carries its own credential (a signed token) and may redirect to S3.
      const response = await fetch(result.download_url, { signal: AbortSignal.timeout(timeoutMs * 20) });
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? 'DOWNLOAD_FAILED';
        throw new FluxQueryError(response.status, code, `the download link answered ${response.status}`);
      }
      const hash = createHash('sha256');
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      const isPath = typeof destination === 'string';
      const partial = isPath ? `${destination}.partial` : '';
      await pipeline(source, count, isPath ? createWriteStream(partial) : destination);
      const sha256 = hash.digest('hex');
      if (sha256 !== result.sha256) {
        if (isPath) await rm(partial, { force: true });
        throw new FluxQueryError(0, 'CHECKSUM_MISMATCH', `the file's sha256 is ${sha256}, not ${result.sha256}`);
      }
      if (isPath) await rename(partial, destination);
      return { bytes, sha256 };
    },
  };
  return client;
}
