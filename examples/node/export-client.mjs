// A complete client in plain Node (no dependencies), written from docs/signing.md alone: v2
// signatures, a fresh nonce per request. KEY_ID and API_SECRET name the key (default: "default").
// Usage: node examples/node/export-client.mjs "SELECT * FROM users LIMIT 10" [csv] [gzip|none]
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { v2Headers } from './sign.mjs';

const baseUrl = process.env.BASE_URL ?? `http://127.0.0.1:${process.env.SERVER_PORT ?? 8080}`;
const secret = process.env.API_SECRET ?? 'devsecret';
const keyId = process.env.KEY_ID ?? 'default';

async function call(method, path, body = '') {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...v2Headers({ secret, keyId, method, url: path, body }) },
    body: body || undefined,
  });
  return { status: response.status, json: await response.json() };
}

const [query = 'SELECT * FROM users LIMIT 10', format = 'csv', compression] = process.argv.slice(2);
const request = { query, email: 'admin@example.com', format, ...(compression ? { compression } : {}) };
const created = await call('POST', '/export', JSON.stringify(request));
console.log('POST /export', created.status, created.json);
if (created.status !== 202) process.exit(1);

for (;;) {
  const { json } = await call('GET', `/export/${created.json.job_id}`);
  console.log(json.status, json.progress);
  if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(json.status)) {
    console.log(JSON.stringify(json, null, 2));
    if (json.status !== 'COMPLETED') process.exit(1);
    // The link needs no signature (the token in it is the credential) and may redirect to S3.
    const file = Buffer.from(await (await fetch(json.result.download_url)).arrayBuffer());
    const isIntact = createHash('sha256').update(file).digest('hex') === json.result.sha256;
    await writeFile(json.result.file_name, file);
    console.log(
      `downloaded ${json.result.file_name}: ${file.length} bytes, sha256 ${isIntact ? 'matches' : 'DIFFERS'}`,
    );
    process.exit(isIntact ? 0 : 1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
