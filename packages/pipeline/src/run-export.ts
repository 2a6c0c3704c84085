import type { ExportJobData, ExportJobResult, ExportProgress } from '@fluxquery/export-job';
import type { Compression } from '@fluxquery/request-rules';
import type { Logger } from '@fluxquery/logger';
import {
  openExportQuery,
  type MysqlConnectionOptions,
  type SessionAccess,
  type SessionPool,
} from '@fluxquery/mysql-source';
import type { Storage, StorageWriter } from '@fluxquery/storage';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { createDigestStream } from './digest-stream';
import { createFailureClassifier } from './export-failure';
import { capRows } from './export-limits';
import { encoderFor } from './encoder-for';
import { createExportKey, createFileName } from './export-names';

export interface ExportDeps {
  mysql: MysqlConnectionOptions;
  /** A worker's kept MySQL sessions (session-pool.ts); absent: a new session per export. */
  sessions?: SessionPool;
  /**
   * The database role an export of this key (absent: the `default` key) reads with; absent, or
   * answering undefined: the account's own privileges (MYSQL_KEY_ROLES=off).
   */
  accessFor?: (keyId: string | undefined) => SessionAccess | undefined;
  storage: Storage;
  logger: Logger;
  /** COMPRESSION: used when the request does not say. */
  isCompressedByDefault: boolean;
  /** Used when the job carries no limits of its own (older jobs, the benchmark). */
  timeoutMs: number;
  maxRows?: number;
  maxBytes?: number;
  progressEveryMs?: number;
}

export interface ExportHooks {
  onProgress(progress: ExportProgress): void;
  signal?: AbortSignal;
  /** The job id: names the unfinished file, so that a later attempt can find it. */
  owner?: string;
  /** True when an earlier attempt of `owner` ran (its worker may have died mid-write): its file is discarded first. */
  hasEarlierAttempt?: boolean;
}

// zlib gets 256 KiB output buffers: with our large input chunks, compression runs on the thread
// pool in few, big calls instead of many small ones.
const GZIP_CHUNK_BYTES = 256 * 1024;

/**
 * The export use case: one read-only query, streamed through the encoder, optional gzip and a
 * digest into storage, with backpressure all the way. Either the whole file is committed, or
 * nothing is left behind.
 */
// eslint-disable-next-line max-lines-per-function -- the use case's steps share the abort signal and the clean-up of a file that must be committed whole or not at all
export async function runExport(deps: ExportDeps, data: ExportJobData, hooks: ExportHooks): Promise<ExportJobResult> {
  const startedAt = new Date();
  const compression: Compression = data.compression ?? (deps.isCompressedByDefault ? 'gzip' : 'none');
  const encoder = encoderFor(data);
  const extension = compression === 'gzip' ? `${encoder.extension}.gz` : encoder.extension;
  // A .gz is stored as application/gzip, never with Content-Encoding: clients would unpack it silently.
  const contentType = compression === 'gzip' ? 'application/gzip' : encoder.contentType;

  const limits = {
    maxRows: data.limits?.maxRows ?? deps.maxRows ?? Infinity,
    maxBytes: data.limits?.maxBytes ?? deps.maxBytes ?? Infinity,
    timeoutMs: data.limits?.timeoutMs ?? deps.timeoutMs,
  };

  const query = await openExportQuery({
    connection: deps.mysql,
    sql: data.query,
    timeoutMs: limits.timeoutMs,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
    ...withAccess(deps.accessFor?.(data.keyId)),
  });
  let writer: StorageWriter | undefined;
  const stats = { rows: 0 };
  const digest = createDigestStream(limits.maxBytes);
  const estimate = query.estimatedRows !== undefined ? { estimatedRows: query.estimatedRows } : {};
  const report = (): void => hooks.onProgress({ rows: stats.rows, bytes: digest.bytes(), ...estimate });
  const failures = createFailureClassifier();
  const ticker = setInterval(report, deps.progressEveryMs ?? 1_000);
  try {
    const fileName = createFileName(extension, startedAt);
    if (hooks.owner && hooks.hasEarlierAttempt) await deps.storage.discardUnfinished?.(hooks.owner);
    writer = await deps.storage.createWriter(createExportKey(extension, startedAt), {
      contentType,
      fileName,
      ...(hooks.owner ? { owner: hooks.owner } : {}),
    });
    const batches = Number.isFinite(limits.maxRows) ? capRows(query.batches, limits.maxRows) : query.batches;
    const bytes = failures.watchSource(encoder.encode({ columns: query.columns, batches, stats }));
    if (compression === 'gzip') {
      await pipeline(bytes, createGzip({ level: 6, chunkSize: GZIP_CHUNK_BYTES }), digest.stream, writer.stream);
    } else {
      await pipeline(bytes, digest.stream, writer.stream);
    }
    const sha256 = digest.sha256();
    const stored = await writer.commit({ sha256 });
    // No last progress report: the result carries the final numbers (one Redis write less per export).
    const finishedAt = new Date();
    return {
      rows: stats.rows,
      bytes: stored.bytes,
      ...estimate,
      sha256,
      storage: deps.storage.kind,
      key: stored.key,
      location: stored.location,
      fileName,
      contentType,
      format: data.format,
      compression,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    };
  } catch (error) {
    await writer
      ?.abort()
      .catch((abortError: unknown) => deps.logger.error('export.abort_failed', { error: abortError }));
    throw failures.classify(error);
  } finally {
    clearInterval(ticker);
    await query.close();
  }
}

function withAccess(access: SessionAccess | undefined): { access?: SessionAccess } {
  return access ? { access } : {};
}
