// A complete client in plain Node (no dependencies), written from the signing spec alone.
// Usage: node examples/node/export-client.mjs "SELECT * FROM users LIMIT 10" [csv] [gzip|none]
import { createHmac } from 'node:crypto';

const baseUrl = process.env.BASE_URL ?? `http://127.0.0.1:${process.env.SERVER_PORT ?? 8080}`;
const secret = process.env.API_SECRET ?? 'devsecret';

/** v1: lowercase hex HMAC-SHA256 of METHOD + PATH + BODY + TIMESTAMP, no separators. */
export function sign(method, path, body, timestamp) {
  return createHmac('sha256', secret).update(`${method}${path}${body}${timestamp}`).digest('hex');
}

async function call(method, path, body = '') {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      'Content-Type': 'application/json',
      'X-Timestamp': timestamp,
      'X-Signature': sign(method, path, body, timestamp),
    },
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
    process.exit(json.status === 'COMPLETED' ? 0 : 1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
