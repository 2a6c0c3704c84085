import type { ExportJobData, ExportJobResult, ExportProgress } from '@fluxquery/export-job';
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
import { createDigestStream, type DigestStream } from './digest-stream';
import { createFailureClassifier } from './export-failure';
import { capRows } from './export-limits';
import { createExportKey, createFileName } from './export-names';
import { planExport, type ExportPlan, type PlanDefaults } from './export-plan';

export interface ExportDeps extends PlanDefaults {
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
export async function runExport(deps: ExportDeps, data: ExportJobData, hooks: ExportHooks): Promise<ExportJobResult> {
  const startedAt = new Date();
  const plan = planExport(deps, data);
  const query = await openExportQuery({
    connection: deps.mysql,
    sql: data.query,
    timeoutMs: plan.limits.timeoutMs,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
    ...withAccess(deps.accessFor?.(data.keyId)),
  });
  let writer: StorageWriter | undefined;
  const stats = { rows: 0 };
  const digest = createDigestStream(plan.limits.maxBytes);
  const estimate = query.estimatedRows !== undefined ? { estimatedRows: query.estimatedRows } : {};
  const report = (): void => hooks.onProgress({ rows: stats.rows, bytes: digest.bytes(), ...estimate });
  const failures = createFailureClassifier();
  const ticker = setInterval(report, deps.progressEveryMs ?? 1_000);
  try {
    const fileName = createFileName(plan.extension, startedAt);
    writer = await openWriter(deps.storage, plan, fileName, startedAt, hooks);
    const { maxRows } = plan.limits;
    const batches = Number.isFinite(maxRows) ? capRows(query.batches, maxRows) : query.batches;
    const bytes = failures.watchSource(plan.encoder.encode({ columns: query.columns, batches, stats }));
    await writeFile(bytes, plan, digest, writer);
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
      contentType: plan.contentType,
      format: data.format,
      compression: plan.compression,
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

/** The unfinished file, named after the job; an earlier attempt's (its worker may have died mid-write) discarded first. */
async function openWriter(
  storage: Storage,
  plan: ExportPlan,
  fileName: string,
  startedAt: Date,
  hooks: ExportHooks,
): Promise<StorageWriter> {
  if (hooks.owner && hooks.hasEarlierAttempt) await storage.discardUnfinished?.(hooks.owner);
  return storage.createWriter(createExportKey(plan.extension, startedAt), {
    contentType: plan.contentType,
    fileName,
    ...(hooks.owner ? { owner: hooks.owner } : {}),
  });
}

/** The encoder's bytes, gzipped when asked, through the digest (and its byte cap) into the writer. */
async function writeFile(
  bytes: AsyncIterable<Buffer>,
  plan: ExportPlan,
  digest: DigestStream,
  writer: StorageWriter,
): Promise<void> {
  if (plan.compression === 'gzip') {
    await pipeline(bytes, createGzip({ level: 6, chunkSize: GZIP_CHUNK_BYTES }), digest.stream, writer.stream);
  } else {
    await pipeline(bytes, digest.stream, writer.stream);
  }
}

function withAccess(access: SessionAccess | undefined): { access?: SessionAccess } {
  return access ? { access } : {};
}
