import { createClient } from '@fluxquery/client';
import { keyRoleName } from '@fluxquery/mysql-source';
import { freePort, testServer, waitFor } from '@fluxquery/testkit';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHarness, SECRET, type Harness } from '../e2e/harness';
import { type ServiceProcess, stopServices } from '../e2e/service-process';
import { docker, IMAGE, NODE_IMAGE, removeContainers, runContainer, waitUntilHealthy } from './docker';

// The image the Dockerfile makes, run as production runs it: on the host network, read-only, as
// the node user, against this machine's MariaDB and Redis (a database and a Redis prefix of this
// file's own). What a deployment relies on: its size and contents, its health checks, SIGTERM
// handling, and the CLI inside it.
let harness: Harness;
const processes: ServiceProcess[] = [];
const names = ['fq-image-api', 'fq-image-worker-1', 'fq-image-worker-2'];
let apiPort: number;
// 4,000,000 rows: seconds of work, long enough to stop a worker in the middle.
const BIG = "SELECT a.id AS a, b.id AS b, CONCAT(a.id, '-', b.id) AS ab FROM n a CROSS JOIN n b ORDER BY a.id, b.id";
const MB = 1024 * 1024;

beforeAll(async () => {
  harness = await createHarness('containers_image');
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_2000');
  // The containers run as uid 1000 and write their exports here.
  await chmod(harness.storageRoot, 0o777);
  apiPort = await freePort();
}, 60_000);

afterAll(async () => {
  await removeContainers(names);
  await stopServices(processes);
  await harness?.close();
});

/** Runs `script` with sh in a throw-away container of the image. */
const inImage = (script: string, ...dockerArgs: string[]) =>
  docker('run', '--rm', '--network', 'host', ...dockerArgs, '--entrypoint', 'sh', IMAGE, '-c', script);

describe('the image', () => {
  it('is at most 200 MB above its base, and holds only what runs', async () => {
    const size = async (image: string) => Number(await docker('image', 'inspect', '--format', '{{.Size}}', image));
    const above = (await size(IMAGE)) - (await size(NODE_IMAGE));
    if (process.env.FQ_TEST_REPORT) process.stderr.write(`image: ${(above / MB).toFixed(1)} MB above ${NODE_IMAGE}\n`);
    expect(above).toBeLessThanOrEqual(200 * MB);
    const found = await inImage(
      [
        'cd /app',
        // Sources, tests, the repository, build configuration.
        "find apps packages -name src -o -name '*.test.js' -o -name '*.ts' -o -name 'tsconfig*' -o -name '*.map'",
        'ls -d .git tools tests 2>/dev/null',
        // Development tools and the compiler: none installed.
        'ls node_modules/.pnpm | grep -E "^(typescript|jest|ts-jest|eslint|prettier|@stryker-mutator|s3rver|smtp-server)@"',
        'command -v gcc cc g++ make python3',
        // The SQL parser: the two dialects the guard loads, nothing else.
        'ls node_modules/.pnpm/node-sql-parser@*/node_modules/node-sql-parser/build | grep -v -E "^(mysql|mariadb)\\.js$"',
        // Each check prints what it finds; finding nothing is what passes.
        'true',
      ].join('; '),
    ).catch((error: Error) => error.message);
    expect(found).toBe('');
  });

  it('runs as the node user on a read-only root', async () => {
    expect(await inImage('id -u; touch /app/x 2>&1 || true', '--read-only')).toBe(
      "1000\ntouch: cannot touch '/app/x': Read-only file system",
    );
    expect(await docker('image', 'inspect', '--format', '{{.Config.User}}', IMAGE)).toBe('node');
  });

  it('turns healthy as api and as worker, and runs CSV and XLSX exports whose downloads match', async () => {
    processes.push(
      runContainer('fq-image-api', 'api', harness, { SERVER_PORT: String(apiPort) }),
      runContainer('fq-image-worker-1', 'worker', harness, {
        METRICS_PORT: String(await freePort()),
        WORKER_SHUTDOWN_GRACE: '1s',
      }),
    );
    await waitUntilHealthy(names.slice(0, 2));
    const client = createClient({ baseUrl: `http://127.0.0.1:${apiPort}`, secret: SECRET });
    const folder = await mkdtemp(path.join(tmpdir(), 'fq-image-'));
    try {
      for (const format of ['csv', 'xlsx'] as const) {
        const query = 'SELECT id, id * 2 AS twice FROM n WHERE id <= 100 ORDER BY id';
        const { job_id } = await client.submit({ query, email: 'ops@example.com', format });
        const done = await client.wait(job_id, { timeoutMs: 60_000 });
        expect(done).toMatchObject({ status: 'COMPLETED', result: { rows: 100 } });
        const target = path.join(folder, done.result!.file_name);
        // The client checks the bytes against the sha256 the status gave.
        expect(await client.download(done.result!, target)).toMatchObject({ sha256: done.result!.sha256 });
        if (format === 'csv') {
          const lines = Array.from({ length: 100 }, (_, i) => `${i + 1},${(i + 1) * 2}`);
          expect(await readFile(target, 'utf8')).toBe(['id,twice', ...lines, ''].join('\r\n'));
        }
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('hands a running export back on docker stop within the grace period; another worker finishes it once', async () => {
    const [, first] = processes;
    const client = createClient({ baseUrl: `http://127.0.0.1:${apiPort}`, secret: SECRET });
    const { job_id } = await client.submit({ query: BIG, email: 'ops@example.com' });
    const started = () => first!.logs.some((l) => l.message === 'export.started' && l.jobId === job_id);
    await waitFor(async () => (started() ? true : undefined), 30_000);
    // The second worker starts while the first stops: the job goes back to the queue for it.
    processes.push(runContainer('fq-image-worker-2', 'worker', harness, { METRICS_PORT: String(await freePort()) }));
    const stopping = Date.now();
    await docker('stop', '--time', '60', 'fq-image-worker-1');
    const stopSeconds = (Date.now() - stopping) / 1000;
    // SIGTERM reached node as PID 1: it handed the job back after its 1 s grace and exited 0,
    // long before Docker's 60 s would have killed it (exit code 137).
    expect(await first!.exited).toBe(0);
    expect(stopSeconds).toBeLessThan(20);
    expect(first!.logs.map((l) => l.message)).toContain('export.handed_back');

    const done = await client.wait(job_id, { timeoutMs: 120_000 });
    expect(done).toMatchObject({ status: 'COMPLETED', result: { rows: 4_000_000 } });
    const completions = processes
      .flatMap((p) => p.logs)
      .filter((l) => l.message === 'export.completed' && l.jobId === job_id);
    expect(completions).toHaveLength(1);
    if (process.env.FQ_TEST_REPORT) process.stderr.write(`docker stop of a busy worker: ${stopSeconds.toFixed(1)} s\n`);
    await waitUntilHealthy(['fq-image-worker-2']);

    // PID 1 is node, and after many health checks no process in the container is a zombie.
    expect(await docker('exec', 'fq-image-worker-2', 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline')).toBe(
      'node apps/worker/dist/main.js',
    );
    const states = await docker('exec', 'fq-image-worker-2', 'sh', '-c', 'cut -d" " -f3 /proc/[0-9]*/stat');
    expect(states.split('\n')).not.toContain('Z');
  }, 240_000);

  it('runs the CLI: db seed, db reader, and an export to stdout', async () => {
    const server = testServer();
    const database = `fq_test_cli_image_${randomBytes(4).toString('hex')}`;
    const user = `fq_img_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const at = `${server.host}:${server.port}/${database}`;
    const env = [
      ...['-e', `MYSQL_DSN=mysql://${user}:${password}@${at}`],
      ...['-e', `ADMIN_MYSQL_DSN=mysql://${server.user}:${server.password ?? ''}@${at}`],
      ...['-e', 'APP_ENV=test', '-e', `API_SECRET=${SECRET}`],
    ];
    const cli = (args: string) => inImage(`node apps/cli/dist/main.js ${args} 2>&1`, '--read-only', ...env);
    try {
      expect(await cli('db seed --users 40')).toMatch(
        new RegExp(`^${database}: 40 users and 120 transactions in \\d+ ms$`),
      );
      expect(await cli('db reader')).toBe(
        `the account ${user}@% holds no privileges of its own, and one role per key:\n` +
          `  key default: role ${keyRoleName(user, 'default')}, SELECT on ${database}`,
      );
      const csv = await docker(
        'run',
        '--rm',
        '--network',
        'host',
        '--read-only',
        ...env,
        IMAGE,
        'node',
        'apps/cli/dist/main.js',
        'export',
        '-q',
        'SELECT id, email FROM users ORDER BY id',
        '-o',
        '-',
      );
      const [rows] = (await harness.testDb.db.query(
        `SELECT id, email FROM \`${database}\`.users ORDER BY id`,
      )) as unknown as [{ id: number; email: string }[]];
      expect(rows).toHaveLength(40);
      expect(csv).toBe(['id,email', ...rows.map((r) => `${r.id},${r.email}`)].join('\r\n'));
    } finally {
      await harness.testDb.db.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await harness.testDb.db.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await harness.testDb.db.query(`DROP ROLE IF EXISTS \`${keyRoleName(user, 'default')}\``);
    }
  }, 120_000);
});
