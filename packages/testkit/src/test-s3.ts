import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** A client with s3rver's fixed credentials, path-style, as an S3-compatible store needs. */
  client: S3Client;
  /** Every request the server saw, as `METHOD path?query`, for asserting what was sent. */
  requests: string[];
  /** The headers of each of those requests, in the same order. */
  requestHeaders: IncomingMessage['headers'][];
  close(): Promise<void>;
}

export interface TestS3Options {
  /**
   * Answers a request instead of s3rver when it returns true: a way to make S3 fail for real,
   * mid-upload. `pass` hands the request to s3rver after all, later: a way to make S3 slow.
   */
  intercept?(req: IncomingMessage, res: ServerResponse, pass: () => void): boolean;
}

/** A real S3-compatible server (s3rver) on 127.0.0.1, with one empty bucket, in this process. */
export async function startTestS3(options: TestS3Options = {}): Promise<TestS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'fq-s3rver-'));
  const bucket = 'fq-test-exports';
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const requests: string[] = [];
  const requestHeaders: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    requestHeaders.push(req.headers);
    const pass = (): void => void handle(req, res);
    if (options.intercept?.(req, res, pass)) return;
    pass();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    bucket,
    client,
    requests,
    requestHeaders,
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
