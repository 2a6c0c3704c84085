import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startTestS3, type TestS3 } from '@fluxquery/testkit';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createS3Storage, explainS3Error, type S3Storage } from './s3-storage';
import { describeStorageContract } from './storage.contract';

const MiB = 1024 * 1024;

function s3Storage(s3: TestS3, overrides: Partial<Parameters<typeof createS3Storage>[0]> = {}): S3Storage {
  return createS3Storage({
    bucket: s3.bucket,
    prefix: 'exports/',
    partSizeBytes: 5 * MiB,
    queueSize: 2,
    client: s3.client,
    ...overrides,
  });
}

async function listKeys(s3: TestS3): Promise<string[]> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
}

describeStorageContract('s3', async () => {
  const s3 = await startTestS3();
  return { storage: s3Storage(s3), list: () => listKeys(s3), teardown: () => s3.close() };
});

describe('s3 storage', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => s3.close());

  it('uploads 13 MB in parts while the stream is still being written, with the headers a downloader needs', async () => {
    const storage = s3Storage(s3);
    const body = randomBytes(13 * MiB);
    const digest = createHash('sha256').update(body).digest('hex');
    const writer = await storage.createWriter('2026-12-01/big.csv.gz', {
      contentType: 'application/gzip',
      fileName: 'fluxquery-export-20261201-120000.csv.gz',
    });
    let partsSeenBeforeEnd = 0;
    async function* slowly(): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < body.length; offset += MiB) {
        yield body.subarray(offset, offset + MiB);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      partsSeenBeforeEnd = s3.requests.filter((r) => r.startsWith('PUT ') && r.includes('partNumber=')).length;
    }
    await pipeline(Readable.from(slowly()), writer.stream);
    const stored = await writer.commit({ sha256: digest });

    expect(partsSeenBeforeEnd).toBeGreaterThanOrEqual(2);
    expect(s3.requests.filter((r) => r.includes('partNumber=')).length).toBe(3);
    expect(stored).toEqual({
      key: '2026-12-01/big.csv.gz',
      location: `s3://${s3.bucket}/exports/2026-12-01/big.csv.gz`,
      bytes: body.length,
    });
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: 'exports/2026-12-01/big.csv.gz' }),
    );
    expect(head.ContentType).toBe('application/gzip');
    expect(head.ContentEncoding).toBeUndefined();
    expect(head.ContentDisposition).toBe(
      `attachment; filename="fluxquery-export-20261201-120000.csv.gz"; filename*=UTF-8''fluxquery-export-20261201-120000.csv.gz`,
    );
    expect(head.Metadata).toEqual({ sha256: digest });
    const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'exports/2026-12-01/big.csv.gz' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it("keeps every upload's bytes when uploads run at once and reuse the part buffers others handed back", async () => {
    const storage = s3Storage(s3);
    const upload = async (key: string, body: Buffer): Promise<void> => {
      const writer = await storage.createWriter(key, { contentType: 'text/csv', fileName: 'x.csv' });
      const pieces = Array.from({ length: Math.ceil(body.length / MiB) }, (_, i) =>
        body.subarray(i * MiB, (i + 1) * MiB),
      );
      await pipeline(Readable.from(pieces), writer.stream);
      await writer.commit({ sha256: 'x' });
    };
    const bodies = [0, 1, 2, 3, 4, 5].map(() => randomBytes(11 * MiB + 7));
    for (const round of [0, 3]) {
      await Promise.all([0, 1, 2].map((i) => upload(`reuse-${round + i}.bin`, bodies[round + i]!)));
    }
    for (const [i, body] of bodies.entries()) {
      const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `exports/reuse-${i}.bin` }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
  });

  it('presigns a download that works without credentials, and stops working when it expires', async () => {
    const storage = s3Storage(s3);
    const writer = await storage.createWriter('signed.csv', { contentType: 'text/csv', fileName: 'report.csv' });
    await pipeline(Readable.from([Buffer.from('a,b\r\n1,2\r\n')]), writer.stream);
    await writer.commit({ sha256: 'x' });
    const url = await storage.presignDownload!('signed.csv', {
      fileName: 'report.csv',
      contentType: 'text/csv',
      // Long enough to fetch on a busy machine (the signing time is in whole seconds), short to wait out.
      expiresInSeconds: 3,
    });
    expect(url).toContain('X-Amz-Expires=3');
    const fresh = await fetch(url);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('content-disposition')).toContain('filename="report.csv"');
    expect(await fresh.text()).toBe('a,b\r\n1,2\r\n');
    await new Promise((resolve) => setTimeout(resolve, 4_100));
    expect((await fetch(url)).status).toBe(403);
  });

  it('asks for server-side encryption on every write, the metadata copy included', async () => {
    const storage = s3Storage(s3, { sse: { type: 'aws:kms', kmsKeyId: 'alias/exports' }, partSizeBytes: 5 * MiB });
    const from = s3.requests.length;
    const writer = await storage.createWriter('sse.bin', {
      contentType: 'application/octet-stream',
      fileName: 'sse.bin',
    });
    await pipeline(Readable.from([randomBytes(6 * MiB)]), writer.stream);
    await writer.commit({ sha256: 'x' });
    const writes = s3.requests
      .map((line, i) => ({ line, headers: s3.requestHeaders[i]! }))
      .slice(from)
      .filter(
        ({ line }) =>
          (line.startsWith('POST ') && line.includes('uploads')) ||
          (line.startsWith('PUT ') && !line.includes('partNumber=')),
      );
    expect(writes.map(({ line }) => line.split(' ')[0])).toEqual(['POST', 'PUT']);
    for (const { headers } of writes) {
      expect(headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/exports');
    }
  });

  it('presigns for the public address when browsers reach the store by another one', async () => {
    const storage = s3Storage(s3, {
      publicEndpoint: 'https://files.example.com',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    const url = new URL(
      await storage.presignDownload!('x.csv', { fileName: 'x.csv', contentType: 'text/csv', expiresInSeconds: 60 }),
    );
    expect(url.origin).toBe('https://files.example.com');
    expect(url.pathname).toBe(`/${s3.bucket}/exports/x.csv`);
  });

  it('reports the original error when a part fails mid-stream, and leaves no object', async () => {
    let parts = 0;
    const failing = await startTestS3({
      intercept(req, res) {
        if (req.method === 'PUT' && req.url?.includes('partNumber=') && ++parts >= 2) {
          req.resume();
          res.writeHead(403, { 'content-type': 'application/xml' });
          res.end('<Error><Code>AccessDenied</Code><Message>part refused by the test</Message></Error>');
          return true;
        }
        return false;
      },
    });
    try {
      const storage = s3Storage(failing);
      const writer = await storage.createWriter('fails.csv', { contentType: 'text/csv', fileName: 'f.csv' });
      const body = randomBytes(16 * MiB);
      // The refusal surfaces while the stream is written or, once it is all buffered, at commit.
      const writeAndCommit = async (): Promise<void> => {
        await pipeline(Readable.from([body.subarray(0, 8 * MiB), body.subarray(8 * MiB)]), writer.stream);
        await writer.commit({ sha256: 'x' });
      };
      await expect(writeAndCommit()).rejects.toThrow('part refused by the test');
      // s3rver has no AbortMultipartUpload: the abort reports that, and nothing else is lost.
      await expect(writer.abort()).rejects.toThrow(/AbortMultipartUpload/);
      expect(failing.requests.some((r) => r.startsWith('DELETE ') && r.includes('uploadId='))).toBe(true);
      expect(await listKeys(failing)).toEqual([]);
    } finally {
      await failing.close();
    }
  });

  describe('while the store is slow to take parts', () => {
    let slow: TestS3;
    let held: (() => void)[];
    let holding: boolean;
    beforeEach(async () => {
      held = [];
      holding = true;
      slow = await startTestS3({
        intercept(req, _res, pass) {
          if (!(holding && req.method === 'PUT' && req.url?.includes('partNumber='))) return false;
          held.push(pass);
          return true;
        },
      });
    });
    afterEach(async () => slow.close());

    /** Writes `body` in 256 KiB pieces as fast as the writer takes them; counts what it took. */
    function writeAll(stream: NodeJS.WritableStream, body: Buffer): { accepted: () => number; done: Promise<void> } {
      let accepted = 0;
      const done = (async () => {
        for (let offset = 0; offset < body.length; offset += 256 * 1024) {
          const piece = body.subarray(offset, offset + 256 * 1024);
          accepted += piece.length;
          if (!stream.write(piece)) await once(stream, 'drain');
        }
        stream.end();
        await finished(stream);
      })();
      return { accepted: () => accepted, done };
    }

    async function heldParts(count: number): Promise<void> {
      while (held.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    it('takes no more than the parts in flight and one more, then stores every byte', async () => {
      // 5 MiB parts, 2 at once
      const writer = await s3Storage(slow).createWriter('slow.bin', { contentType: 'text/csv', fileName: 's.csv' });
      const body = randomBytes(32 * MiB);
      const writing = writeAll(writer.stream, body);
      await heldParts(2);
      expect(held).toHaveLength(2);
      // Two parts held by the store, a third gathered, and the pieces that filled it and the writable's buffer.
      expect(writing.accepted()).toBeGreaterThanOrEqual(15 * MiB);
      expect(writing.accepted()).toBeLessThanOrEqual(15 * MiB + 512 * 1024);
      holding = false;
      held.forEach((pass) => pass());
      await writing.done;
      await writer.commit({ sha256: 'x' });
      const got = await slow.client.send(new GetObjectCommand({ Bucket: slow.bucket, Key: 'exports/slow.bin' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    });

    it('cancels the parts under way on abort, without waiting for the store, and leaves no object', async () => {
      const writer = await s3Storage(slow).createWriter('abandoned.bin', {
        contentType: 'text/csv',
        fileName: 'a.csv',
      });
      const writing = writeAll(writer.stream, randomBytes(32 * MiB));
      writing.done.catch(() => undefined);
      await heldParts(2);
      const started = Date.now();
      // s3rver has no AbortMultipartUpload: the abort reports that, and nothing else.
      await expect(writer.abort()).rejects.toThrow(/AbortMultipartUpload/);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await listKeys(slow)).toEqual([]);
    });
  });

  it('explains a missing bucket and an unreachable endpoint at start-up', async () => {
    await expect(s3Storage(s3, { bucket: 'no-such-bucket' }).check()).rejects.toThrow(
      /S3 bucket "no-such-bucket" cannot be used: the bucket does not exist/,
    );
    const closed = await startTestS3();
    const client = closed.client;
    await closed.close();
    const storage = s3Storage(closed, { client });
    await expect(storage.check()).rejects.toThrow(/cannot be used/);
    expect(explainS3Error(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toMatch(/check S3_ENDPOINT/);
  });
});
