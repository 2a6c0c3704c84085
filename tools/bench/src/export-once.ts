import { loadConfig } from '@fluxquery/config';
import { EXPORT_SCHEMA_VERSION } from '@fluxquery/export-job';
import type { Compression, ExportFormat } from '@fluxquery/request-rules';
import { createSilentLogger } from '@fluxquery/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { createLocalStorage, createStorage, type Storage } from '@fluxquery/storage';
import { runExport } from '@fluxquery/pipeline';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * One export through the worker's real pipeline (read-only session, encoder, gzip, digest, local
 * or S3 storage), in a process of its own so that its peak RSS is its own. Prints one JSON line.
 * argv: <connection JSON> <sql> <gzip|none> [csv|json|xlsx] [S3 JSON: {"endpoint", "bucket"}]
 */
async function main(): Promise<void> {
  const [connectionJson = '{}', sql = 'SELECT 1', compression = 'none', format = 'csv', s3Json] = process.argv.slice(2);
  const root = await mkdtemp(path.join(tmpdir(), 'fq-bench-'));
  try {
    const started = process.hrtime.bigint();
    const result = await runExport(
      {
        mysql: JSON.parse(connectionJson) as Parameters<typeof runExport>[0]['mysql'],
        storage: s3Json ? s3Storage(JSON.parse(s3Json) as S3Target) : createLocalStorage({ root }),
        logger: createSilentLogger(),
        isCompressedByDefault: false,
        timeoutMs: 3_600_000,
      },
      {
        schemaVersion: EXPORT_SCHEMA_VERSION,
        requestId: 'bench',
        query: sql,
        email: 'bench@example.com',
        format: format as ExportFormat,
        compression: compression as Compression,
        requestedAt: new Date().toISOString(),
      },
      { onProgress: () => undefined },
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(
      JSON.stringify({ ms, rows: result.rows, bytes: result.bytes, sha256: result.sha256, peakRssMb }) + '\n',
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

interface S3Target {
  endpoint: string;
  bucket: string;
}

/** S3 with production's defaults for everything but the address (S3_PART_SIZE, S3_UPLOAD_CONCURRENCY, …). */
function s3Storage(target: S3Target): Storage {
  const { storage } = loadConfig({
    ...process.env,
    STORAGE_TYPE: 's3',
    S3_BUCKET: target.bucket,
    S3_ENDPOINT: target.endpoint,
    S3_PATH_STYLE: 'true',
    S3_PREFIX: 'bench/',
    AWS_REGION: 'us-east-1',
  });
  if (storage.kind !== 's3') throw new Error('STORAGE_TYPE=s3 gave no S3 settings');
  const client = new S3Client({
    endpoint: target.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return createStorage({ ...storage, client });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
