// A FluxQuery Export client in Node, on the typed client package (packages/client; build it with
// `pnpm run build`): v2 signatures, polling with backoff from one second, the file checked by its
// sha256.
// Usage: node examples/node/export-client.mjs QUERY [FORMAT] [COMPRESSION]
// Environment: BASE_URL (http://127.0.0.1:8080), API_SECRET (devsecret), KEY_ID (default), EMAIL.
import { createClient, FluxQueryError } from '../../packages/client/dist/index.js';

const client = createClient({
  baseUrl: process.env.BASE_URL ?? `http://127.0.0.1:${process.env.SERVER_PORT ?? 8080}`,
  secret: process.env.API_SECRET ?? 'devsecret',
  keyId: process.env.KEY_ID ?? 'default',
});

const [query = 'SELECT * FROM users LIMIT 10', format = 'csv', compression] = process.argv.slice(2);
try {
  const request = {
    query,
    email: process.env.EMAIL ?? 'admin@example.com',
    format,
    ...(compression ? { compression } : {}),
  };
  const submitted = await client.submit(request);
  console.log('POST /export', submitted);
  const status = await client.wait(submitted.job_id, {
    onStatus: (s) => console.log(s.status, `rows=${s.progress.rows}`),
  });
  if (status.status !== 'COMPLETED') {
    console.error(`the export ended ${status.status}:`, status.error);
    process.exit(1);
  }
  console.log('download link:', status.result.download_url);
  const { bytes } = await client.download(status.result, status.result.file_name);
  console.log(`downloaded ${status.result.file_name}: ${bytes} bytes, sha256 matches`);
} catch (error) {
  console.error(error instanceof FluxQueryError ? `${error.code} (${error.status}): ${error.message}` : error);
  process.exit(1);
}
