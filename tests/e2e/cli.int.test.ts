import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort, startTestS3 } from '@fluxquery/testkit';
import { createHarness, SECRET, type Harness } from './harness';
import { type ServiceProcess, startApiAndWorker, stopServices } from './service-process';

// `fluxquery` as a user runs it: the built CLI in a process of its own, in a pipe, with its
// settings in the environment; against the test's database directly, and against a real api and
// worker.
const CLI = path.join(__dirname, '../../apps/cli/dist/main.js');
const VECTORS = JSON.parse(readFileSync(path.join(__dirname, '../../docs/signing-vectors.json'), 'utf8')) as {
  v1: Record<string, string>[];
  v2: Record<string, string>[];
};
let harness: Harness;
let folder: string;
let env: Record<string, string>;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  harness = await createHarness('e2e_cli');
  await harness.testDb.db.query('CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(40))');
  await harness.testDb.db.query(`INSERT INTO t VALUES (1, 'say "hi"'), (2, '=1+2'), (3, NULL)`);
  folder = await mkdtemp(path.join(tmpdir(), 'fq-cli-'));
  const { reader } = harness;
  env = {
    PATH: process.env.PATH ?? '',
    APP_ENV: 'test',
    MYSQL_DSN: `mysql://${reader.user}:${reader.password}@${reader.host}:${reader.port}/${reader.database}`,
    API_SECRET: SECRET,
  };
});

afterAll(async () => {
  await stopServices(processes);
  await harness.close();
  await rm(folder, { recursive: true, force: true });
});

function fluxquery(args: string[], extraEnv: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: folder,
    env: { ...env, ...extraEnv },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr.toString() };
}

/** The same, without blocking this process (an in-process S3 server must go on answering). */
function fluxqueryAsync(args: string[], extraEnv: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: folder, env: { ...env, ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('fluxquery, on its own', () => {
  it.each([
    [[]],
    [['sign']],
    [['gen-secret']],
    [['submit']],
    [['status']],
    [['wait']],
    [['cancel']],
    [['download']],
    [['export']],
    [['db', 'seed']],
    [['db', 'reader']],
  ])('%j --help explains itself', (command) => {
    const run = fluxquery([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toMatch(/^Usage: fluxquery/);
  });

  it('prints a fresh 256-bit secret', () => {
    const [a, b] = [fluxquery(['gen-secret']), fluxquery(['gen-secret'])];
    expect(a.stdout.toString()).toMatch(/^[0-9a-f]{64}\n$/);
    expect(a.stdout.toString()).not.toBe(b.stdout.toString());
  });

  it('signs as docs/signing-vectors.json says (v2 and v1)', () => {
    const v2 = VECTORS.v2[0]!;
    const withVector = fluxquery([
      'sign',
      ...['--key-id', v2.keyId!, '--secret', v2.secret!, '--method', v2.method!, '--path', v2.path!],
      ...['--body', v2.body!, '--timestamp', v2.timestamp!, '--nonce', v2.nonce!],
    ]);
    expect(withVector.stdout.toString()).toContain(`X-Signature: ${v2.signature}\n`);
    const v1 = VECTORS.v1[0]!;
    const old = fluxquery([
      'sign',
      '--v1',
      ...['--secret', v1.secret!, '--method', v1.method!, '--path', v1.path!],
      ...['--body', v1.body!, '--timestamp', v1.timestamp!],
    ]);
    expect(old.stdout.toString()).toBe(`X-Timestamp: ${v1.timestamp}\nX-Signature: ${v1.signature}\n`);
  });

  it('exports to stdout through the same encoders as the service (formula guard included)', () => {
    const run = fluxquery(['export', '-q', 'SELECT id, note FROM t ORDER BY id', '-o', '-']);
    // First the privileges it reads with: the default key's role (MYSQL_KEY_ROLES).
    expect(run.stderr).toMatch(
      /^reading as fq_r_\w+ with the role fq_r_\w+_default of key default \(SELECT on \w+\)\nstdout: 3 rows, \d+ B, sha256 [0-9a-f]{64}, \d+ ms\n$/,
    );
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toBe(`id,note\r\n1,"say ""hi"""\r\n2,'=1+2\r\n3,\r\n`);
  });

  it('exports to a file, gzipped, or as a workbook', async () => {
    const gz = fluxquery(['export', '-q', 'SELECT id FROM t ORDER BY id', '--gzip', '-o', 'ids.csv.gz']);
    expect(gz.code).toBe(0);
    expect(gunzipSync(await readFile(path.join(folder, 'ids.csv.gz'))).toString()).toBe('id\r\n1\r\n2\r\n3\r\n');
    const xlsx = fluxquery(['export', '-q', 'SELECT id FROM t', '-f', 'xlsx', '-o', 'ids.xlsx']);
    expect(xlsx.code).toBe(0);
    expect((await readFile(path.join(folder, 'ids.xlsx'))).subarray(0, 2).toString()).toBe('PK');
  });

  it('exports to S3 and prints a download URL that serves the file', async () => {
    const s3 = await startTestS3();
    try {
      const run = await fluxqueryAsync(['export', '-q', 'SELECT id FROM t ORDER BY id', '--s3'], {
        STORAGE_TYPE: 's3',
        S3_BUCKET: s3.bucket,
        AWS_REGION: 'us-east-1',
        S3_ENDPOINT: s3.endpoint,
        S3_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
      });
      expect(run.stderr).toMatch(/^s3:\/\/fq-test-exports\/exports\/\S+\.csv: 3 rows/m);
      expect(run.code).toBe(0);
      const file = await fetch(run.stdout.trim());
      expect(await file.text()).toBe('id\r\n1\r\n2\r\n3\r\n');
    } finally {
      await s3.close();
    }
  });

  it('exits 1 with the reason on every error, and leaves no file behind', async () => {
    const before = await readdir(folder);
    const cases: [string[], RegExp][] = [
      [['-q', 'DELETE FROM t'], /^fluxquery: INVALID_QUERY: only SELECT queries can be exported/],
      [['-q', 'SELECT nope FROM t'], /^fluxquery: QUERY_FAILED: MySQL error 1054: Unknown column 'nope'/m],
      [['-q', 'SELECT id FROM t', '--max-rows', '2'], /^fluxquery: EXPORT_TOO_LARGE: /m],
      [['-q', 'SELECT 1', '--key', 'nobody'], /^fluxquery: no client key "nobody"/],
      [['-q', 'SELECT * FROM mysql.user'], /^fluxquery: (INVALID_QUERY|SCHEMA_NOT_ALLOWED): /],
    ];
    for (const [args, message] of cases) {
      const run = fluxquery(['export', ...args, '-o', 'failed.csv']);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(message) });
    }
    expect(await readdir(folder)).toEqual(before);
    expect(fluxquery(['export']).code).toBe(2);
    expect(fluxquery(['export', '-q', 'SELECT 1', '-f', 'pdf']).stderr).toMatch(/Allowed choices are csv, json, xlsx/);
  });
});

describe('fluxquery, against a running service', () => {
  beforeAll(async () => {
    const port = await freePort();
    env.BASE_URL = `http://127.0.0.1:${port}`;
    const serviceEnv = { SERVER_PORT: String(port) };
    processes.push(...(await startApiAndWorker(harness, serviceEnv)));
  });

  it('warns loudly when the api listens on every interface with a development secret (devsecret here)', () => {
    const api = processes[0]!;
    expect(api.logs.find((l) => l.message === 'api.started')).toMatchObject({ host: 'every interface' });
    expect(api.logs.find((l) => l.message === 'config.development_secrets_exposed')).toMatchObject({
      level: 'error',
      settings: ['API_SECRET (or a client key secret)'],
      addresses: ['0.0.0.0'],
    });
    // The worker talks to Redis and MySQL on loopback only, so it has nothing to say.
    expect(processes[1]!.logs.some((l) => l.message === 'config.development_secrets_exposed')).toBe(false);
  });

  it('submits and waits (plain progress in a pipe), then downloads the file', async () => {
    const run = fluxquery(['submit', '-q', 'SELECT id, note FROM t ORDER BY id', '-e', 'ops@example.com', '--wait']);
    expect(run.stderr).toMatch(/^job [0-9a-f-]{36}\n/);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout.toString());
    expect(status).toMatchObject({ status: 'COMPLETED', result: { rows: 3 } });
    expect(JSON.parse(fluxquery(['status', status.job_id]).stdout.toString()).status).toBe('COMPLETED');
    const got = fluxquery(['download', status.job_id, '-o', 'fetched.csv']);
    expect(got.code).toBe(0);
    expect(await readFile(path.join(folder, 'fetched.csv'), 'utf8')).toBe(
      `id,note\r\n1,"say ""hi"""\r\n2,'=1+2\r\n3,\r\n`,
    );
    const again = fluxquery(['cancel', status.job_id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^fluxquery: ALREADY_FINISHED \(409\): /);
  });

  it('says what the service refused, and what a wrong secret gets', () => {
    const refused = fluxquery(['submit', '-q', 'SELECT SLEEP(5)', '-e', 'ops@example.com']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^fluxquery: INVALID_QUERY \(400\): /);
    const wrong = fluxquery(['status', '00000000-0000-4000-8000-000000000000'], { API_SECRET: 'wrong-secret' });
    expect(wrong.stderr).toMatch(/^fluxquery: INVALID_SIGNATURE \(401\): /);
  });
});
