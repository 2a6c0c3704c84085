import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createClient, type ExportStatusBody } from '@fluxquery/client';
import { waitFor } from '@fluxquery/testkit';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { writeTestComposeFile } from './compose-file';
import { parseLogLines } from '../e2e/service-process';
import { docker, runTool, waitUntilHealthy } from './docker';

// The real docker-compose.yml, with deploy/docker/test/compose.yml laid over it (compose-file.ts)
// for what cannot be pulled here
// (MariaDB and Redis from Debian's packages, s3rver in MinIO's place, an SMTP catcher in
// Mailpit's), every container on the host network. What a user of the stack sees: signed exports
// in every format through the api's port, the files in S3, the emails, several workers, a worker
// killed, the api and Redis restarted, and `down -v`.
const ROOT = path.join(__dirname, '../..');
const PROJECT = 'fqcompose';
let files: string[];
const API = 'http://127.0.0.1:18080';
const MAIL = 'http://127.0.0.1:18025/messages';
const BUCKET = 'fluxquery-exports';
const client = createClient({ baseUrl: API, secret: 'devsecret' });
const s3 = new S3Client({
  endpoint: 'http://127.0.0.1:19000',
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
let db: Connection;

interface Mail {
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; content: string }[];
}

const compose = (...args: string[]) => runTool('docker-compose', [...files, ...args], ROOT);

/** The containers of a service, by id. */
const containersOf = async (service: string) => (await compose('ps', '-q', service)).split('\n').filter(Boolean);

/** Waits until every container of each service reports healthy. */
async function healthy(...services: string[]): Promise<void> {
  for (const service of services) await waitUntilHealthy(await containersOf(service), 180_000);
}

/** The JSON log lines of a container, across its restarts. */
const logsOf = async (id: string) => parseLogLines((await docker('logs', id)).split('\n'));

async function objectKeys(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function exportAndWait(fields: Parameters<typeof client.submit>[0]): Promise<ExportStatusBody> {
  const { job_id } = await client.submit(fields);
  return client.wait(job_id, { timeoutMs: 180_000 });
}

async function mailTo(address: string): Promise<Mail> {
  return waitFor(async () => {
    const messages = (await (await fetch(MAIL)).json()) as Mail[];
    return messages.find((message) => message.to === address);
  }, 60_000);
}

beforeAll(async () => {
  const file = await writeTestComposeFile(ROOT, 'deploy/docker/test/compose.yml');
  files = ['-f', file, '--project-directory', ROOT, '-p', PROJECT];
  await compose('down', '-v', '--remove-orphans');
  await compose('up', '-d', '--no-build');
  await healthy('mariadb', 'redis', 'api', 'worker');
  db = await createConnection({ host: '127.0.0.1', port: 13306, user: 'root', database: 'fluxquery_demo' });
}, 400_000);

afterAll(async () => {
  await db?.end();
  await compose('down', '-v', '--remove-orphans').catch(() => undefined);
});

describe('the compose stack', () => {
  it('runs a signed export in each format into S3, and emails it', async () => {
    const query = 'SELECT id, email, is_active FROM users ORDER BY id LIMIT 500';
    const [rows] = await db.query<RowDataPacket[]>(query);
    for (const [format, compression] of [
      ['csv', 'none'],
      ['csv', 'gzip'],
      ['json', 'none'],
      ['xlsx', 'none'],
    ] as const) {
      const email = `${format}-${compression}@example.com`;
      const before = await objectKeys();
      const done = await exportAndWait({ query, email, format, compression });
      expect(done).toMatchObject({ status: 'COMPLETED', result: { rows: 500 } });
      // One new object in S3, with the sha256 the status gives.
      const added = (await objectKeys()).filter((key) => !before.includes(key));
      expect(added).toHaveLength(1);
      const key = added[0];
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const stored = Buffer.from(await object.Body!.transformToByteArray());
      expect(sha256(stored)).toBe(done.result!.sha256);
      if (format === 'csv' && compression === 'none') {
        expect(stored.toString()).toBe(
          ['id,email,is_active', ...rows.map((r) => `${r.id},${r.email},${r.is_active}`), ''].join('\r\n'),
        );
      }
      // The email carries the same bytes, and the link in the status returns them too.
      const mail = await mailTo(email);
      expect(mail.attachments.map((a) => sha256(Buffer.from(a.content, 'base64')))).toEqual([done.result!.sha256]);
      const linked = Buffer.from(await (await fetch(done.result!.download_url)).arrayBuffer());
      expect(sha256(linked)).toBe(done.result!.sha256);
    }
  });

  it('scales to three workers, which share 30 exports', async () => {
    await compose('up', '-d', '--no-build', '--no-recreate', '--scale', 'worker=3');
    await healthy('worker');
    const workers = await containersOf('worker');
    expect(workers).toHaveLength(3);
    const done = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        exportAndWait({ query: `SELECT id FROM users WHERE id <= ${i + 1}`, email: `many-${i}@example.com` }),
      ),
    );
    expect(done.map((d) => [d.status, d.result?.rows])).toEqual(done.map((_, i) => ['COMPLETED', i + 1]));
    const ids = new Set(done.map((d) => d.job_id));
    const ranBy = await Promise.all(
      workers.map(
        async (id) =>
          (await logsOf(id)).filter((l) => l.message === 'export.completed' && ids.has(l.jobId as string)).length,
      ),
    );
    expect(ranBy.reduce((a, b) => a + b, 0)).toBe(30);
    expect(ranBy.filter((count) => count > 0).length).toBeGreaterThan(1);
  }, 300_000);

  it('finishes an export exactly once when the worker running it is killed', async () => {
    // 9,000,000 rows: long enough to kill the worker in the middle; sent as a link (over 25 MB).
    const query = 'SELECT a.id AS a, b.id AS b FROM users a CROSS JOIN users b WHERE b.id <= 900';
    const { job_id } = await client.submit({ query, email: 'big@example.com' });
    const workers = await containersOf('worker');
    const runner = await waitFor<string>(
      async () => {
        for (const id of workers) {
          if ((await logsOf(id)).some((l) => l.message === 'export.started' && l.jobId === job_id)) return id;
        }
        return undefined;
      },
      60_000,
      200,
    );
    await docker('kill', runner);
    const done = await client.wait(job_id, { timeoutMs: 240_000 });
    expect(done).toMatchObject({ status: 'COMPLETED', result: { rows: 9_000_000 } });
    const completions = (await Promise.all(workers.map(logsOf)))
      .flat()
      .filter((l) => l.message === 'export.completed' && l.jobId === job_id);
    expect(completions).toHaveLength(1);
    const mail = await mailTo('big@example.com');
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain(done.result!.download_url);
    expect(sha256(Buffer.from(await (await fetch(done.result!.download_url)).arrayBuffer()))).toBe(done.result!.sha256);
  }, 400_000);

  it('answers earlier statuses after the api restarts, and keeps queued jobs through a Redis restart', async () => {
    const earlier = await exportAndWait({ query: 'SELECT 1 AS one', email: 'before@example.com' });
    await compose('restart', 'api');
    await healthy('api');
    expect(await client.status(earlier.job_id!)).toMatchObject({ status: 'COMPLETED', job_id: earlier.job_id });

    // Queued while no worker runs; Redis restarts (its append-only file); the workers come back.
    await compose('stop', 'worker');
    const queued = await Promise.all(
      Array.from({ length: 5 }, (_, i) => client.submit({ query: `SELECT ${i} AS n`, email: 'queued@example.com' })),
    );
    await compose('restart', 'redis');
    await healthy('redis');
    await compose('start', 'worker');
    const done = await Promise.all(queued.map((q) => client.wait(q.job_id, { timeoutMs: 180_000 })));
    expect(done.map((d) => d.status)).toEqual(Array(5).fill('COMPLETED'));
  }, 400_000);

  it('leaves nothing behind after down -v', async () => {
    await compose('down', '-v', '--remove-orphans');
    const label = `label=com.docker.compose.project=${PROJECT}`;
    expect(await docker('ps', '-a', '-q', '--filter', label)).toBe('');
    expect(await docker('volume', 'ls', '-q', '--filter', label)).toBe('');
  }, 120_000);
});
