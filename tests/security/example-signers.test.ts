import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The examples are written from docs/signing.md alone; they must reproduce the published vectors
// that the service's own tests use (packages/signing).
const ROOT = path.join(__dirname, '../..');

describe('the example signers', () => {
  it.each([
    ['node', ['examples/node/check-vectors.mjs']],
    ['bash', ['examples/curl/check-vectors.sh']],
  ])('%s reproduces every vector in docs/signing-vectors.json', (command, args) => {
    const output = execFileSync(command, args, { cwd: ROOT, encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual([
      'ok   v1 POST /export (the ARCHITECTURE.md vector)',
      'ok   v1 GET a job status',
      'ok   v2 POST /export',
      'ok   v2 GET with a query string',
      'ok   v2 a webhook, as the receiver of callback_url checks it',
    ]);
  });
});
