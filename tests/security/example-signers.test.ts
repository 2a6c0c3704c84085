import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The examples are written from docs/signing.md alone; they must reproduce the published vectors
// that the service's own tests use (packages/signing).
const ROOT = path.join(__dirname, '../..');
const VECTORS = path.join(ROOT, 'docs/signing-vectors.json');
const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

const SIGNERS: { name: string; command: string; args: string[]; cwd?: string; missing?: string }[] = [
  { name: 'node', command: 'node', args: ['examples/node/check-vectors.mjs'] },
  { name: 'bash', command: 'bash', args: ['examples/curl/check-vectors.sh'] },
  {
    name: 'python',
    command: 'python3',
    args: ['examples/python/export_client.py', '--check-vectors', VECTORS],
    ...(has('python3', ['-V']) ? {} : { missing: 'python3 is not installed' }),
  },
  {
    name: 'go',
    command: 'go',
    args: ['run', '.', '--check-vectors', VECTORS],
    cwd: path.join(ROOT, 'examples/go/export-client'),
    ...(has('go', ['version']) ? {} : { missing: 'go is not installed (apt-get install golang-go; .ci/run does)' }),
  },
  {
    name: 'php',
    command: 'php',
    args: ['examples/php/export-client.php', '--check-vectors', VECTORS],
    ...(has('php', ['-v']) ? {} : { missing: 'php is not installed (apt-get install php-cli php-curl; .ci/run does)' }),
  },
];

describe('the example signers', () => {
  for (const signer of SIGNERS) {
    const test = signer.missing ? it.skip : it;
    test(`${signer.name} reproduces every vector in docs/signing-vectors.json${signer.missing ? ` (skipped: ${signer.missing})` : ''}`, () => {
      const output = execFileSync(signer.command, signer.args, {
        cwd: signer.cwd ?? ROOT,
        encoding: 'utf8',
        env: { ...process.env, GOCACHE: path.join(tmpdir(), 'fq-go-cache') },
      });
      expect(output.trim().split('\n')).toEqual([
        "ok   v1 POST /export (the Go service's example)",
        'ok   v1 GET a job status',
        'ok   v2 POST /export',
        'ok   v2 GET with a query string',
      ]);
    }, 60_000);
  }
});
