import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@fluxquery/testkit';
import { createHarness, SECRET, type Harness } from './harness';
import { type ServiceProcess, startApiAndWorker, stopServices } from './service-process';

// Each example client, run as a user would, against a real api and worker, with a query full of
// quotes, backslashes and a line break: each must sign, submit, poll, fetch the file and exit 0.
const ROOT = path.join(__dirname, '../..');
const QUERY = `SELECT id, note, 'say "hi" \\\\ bye' AS lit\nFROM t WHERE note <> 'it''s' ORDER BY id`;
const EXPECTED = 'id,note,lit\r\n1,plain,"say ""hi"" \\ bye"\r\n2,"a ""b"", c","say ""hi"" \\ bye"\r\n';
let harness: Harness;
let baseUrl: string;
let work: string;
const processes: ServiceProcess[] = [];

const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

const CLIENTS: { name: string; available: boolean; why: string; command: () => [string, string[]] }[] = [
  {
    name: 'bash (curl + openssl)',
    available: has('curl', ['--version']) && has('openssl', ['version']),
    why: 'curl or openssl is not installed',
    command: () => ['bash', [path.join(ROOT, 'examples/curl/export.sh'), QUERY]],
  },
  {
    name: 'Node (packages/client)',
    available: true,
    why: '',
    command: () => [process.execPath, [path.join(ROOT, 'examples/node/export-client.mjs'), QUERY]],
  },
  {
    name: 'Python (standard library)',
    available: has('python3', ['--version']),
    why: 'python3 is not installed (apt-get install python3)',
    command: () => ['python3', [path.join(ROOT, 'examples/python/export_client.py'), QUERY]],
  },
  {
    name: 'Go (standard library)',
    available: has('go', ['version']),
    why: 'go is not installed (apt-get install golang-go; .ci/run installs it)',
    command: () => [path.join(work, 'go-export-client'), [QUERY]],
  },
  {
    name: 'PHP (curl)',
    available: has('php', ['-r', 'exit(function_exists("curl_init") ? 0 : 1);']),
    why: 'php with curl is not installed (apt-get install php-cli php-curl; .ci/run installs them)',
    command: () => ['php', [path.join(ROOT, 'examples/php/export-client.php'), QUERY]],
  },
];

beforeAll(async () => {
  harness = await createHarness('e2e_examples');
  await harness.testDb.db.query('CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(40))');
  await harness.testDb.db.query(`INSERT INTO t VALUES (1, 'plain'), (2, 'a "b", c'), (3, 'it''s')`);
  work = await mkdtemp(path.join(tmpdir(), 'fq-examples-'));
  if (CLIENTS.find((c) => c.name.startsWith('Go'))?.available) {
    execFileSync('go', ['build', '-o', path.join(work, 'go-export-client'), '.'], {
      cwd: path.join(ROOT, 'examples/go/export-client'),
      env: { ...process.env, GOCACHE: path.join(work, 'go-cache'), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    });
  }
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  processes.push(...(await startApiAndWorker(harness, { SERVER_PORT: String(port) })));
}, 120_000);

afterAll(async () => {
  await stopServices(processes);
  await harness.close();
  await rm(work, { recursive: true, force: true });
});

describe('the example clients, end to end', () => {
  for (const client of CLIENTS) {
    const test = client.available ? it : it.skip;
    test(`${client.name} exports a query with quotes, backslashes and a line break${client.available ? '' : ` (skipped: ${client.why})`}`, async () => {
      const folder = await mkdtemp(path.join(work, 'run-'));
      const [command, args] = client.command();
      const run = spawnSync(command, args, {
        cwd: folder,
        env: { PATH: process.env.PATH ?? '', HOME: work, BASE_URL: baseUrl, API_SECRET: SECRET, KEY_ID: 'default' },
        timeout: 60_000,
      });
      const output = `${run.stdout.toString()}\n${run.stderr.toString()}`;
      expect({ code: run.status, output }).toEqual({ code: 0, output: expect.stringContaining('download link: http') });
      const files = (await readdir(folder)).filter((name) => name.endsWith('.csv'));
      expect(files).toHaveLength(1);
      expect(await readFile(path.join(folder, files[0]!), 'utf8')).toBe(EXPECTED);
    }, 90_000);
  }
});

describe('the subscription example', () => {
  const available = has('curl', ['--version']) && has('openssl', ['version']);
  (available ? it : it.skip)(
    'subscribes with curl, runs it once now, and reads its delivered run',
    () => {
      const run = spawnSync('bash', [path.join(ROOT, 'examples/curl/subscribe.sh'), 'SELECT id, note FROM t'], {
        env: { PATH: process.env.PATH ?? '', BASE_URL: baseUrl, API_SECRET: SECRET, KEY_ID: 'default' },
        timeout: 90_000,
      });
      const output = `${run.stdout.toString()}\n${run.stderr.toString()}`;
      expect({ code: run.status, output }).toEqual({
        code: 0,
        output: expect.stringMatching(/POST \/subscriptions -> 201 /),
      });
      expect(output).toMatch(/the run of job [0-9a-f-]{36}: delivered/);
    },
    120_000,
  );
});
