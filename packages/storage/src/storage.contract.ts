import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Storage } from './storage';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (body: Buffer): string => createHash('sha256').update(body).digest('hex');
const options = { contentType: 'text/csv', fileName: 'export.csv' };

/** Yields `body` in chunks, then fails: a stream that breaks half way, as a lost database would. */
async function* breaksAfter(body: Buffer): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < body.length; offset += 256 * 1024) yield body.subarray(offset, offset + 256 * 1024);
  throw new Error('the rows stopped coming');
}

/** The behaviour every storage adapter must show; each adapter's test file runs it. */
export function describeStorageContract(
  name: string,
  setup: () => Promise<{ storage: Storage; list: () => Promise<string[]>; teardown: () => Promise<void> }>,
): void {
  describe(`${name} storage contract`, () => {
    let storage: Storage;
    let list: () => Promise<string[]>;
    let teardown: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, list, teardown } = await setup());
    });
    afterAll(async () => teardown());

    it('stores the exact bytes under the key only after commit, with their size', async () => {
      const body = randomBytes(3 * 1024 * 1024 + 17);
      const writer = await storage.createWriter('2026-01-01/a.csv', options);
      await pipeline(Readable.from([body.subarray(0, 1000), body.subarray(1000)]), writer.stream);
      expect(await storage.exists('2026-01-01/a.csv')).toBe(false);
      const stored = await writer.commit({ sha256: sha256(body) });
      expect(stored.bytes).toBe(body.length);
      expect(await storage.size('2026-01-01/a.csv')).toBe(body.length);
      expect((await readAll(await storage.openRead('2026-01-01/a.csv'))).equals(body)).toBe(true);
    });

    it('reads a byte range', async () => {
      const body = randomBytes(100_000);
      const writer = await storage.createWriter('range.bin', options);
      await pipeline(Readable.from([body]), writer.stream);
      await writer.commit({ sha256: sha256(body) });
      const part = await readAll(await storage.openRead('range.bin', { start: 10, end: 99_999 }));
      expect(part.equals(body.subarray(10))).toBe(true);
      const middle = await readAll(await storage.openRead('range.bin', { start: 5, end: 5 }));
      expect(middle.equals(body.subarray(5, 6))).toBe(true);
    });

    it('stores an empty file', async () => {
      const writer = await storage.createWriter('empty.csv', options);
      await pipeline(Readable.from([]), writer.stream);
      expect((await writer.commit({ sha256: sha256(Buffer.alloc(0)) })).bytes).toBe(0);
      expect(await storage.size('empty.csv')).toBe(0);
    });

    it('leaves nothing after abort', async () => {
      const before = await list();
      const writer = await storage.createWriter('exports/b.csv', options);
      writer.stream.write(Buffer.from('half a file'));
      await writer.abort().catch(() => undefined);
      expect(await storage.exists('exports/b.csv')).toBe(false);
      expect(await list()).toEqual(before);
    });

    it('leaves nothing when the stream fails in the middle', async () => {
      const before = await list();
      const writer = await storage.createWriter('broken.csv', options);
      const body = randomBytes(7 * 1024 * 1024);
      await expect(pipeline(Readable.from(breaksAfter(body)), writer.stream)).rejects.toThrow(
        'the rows stopped coming',
      );
      await writer.abort().catch(() => undefined);
      expect(await storage.exists('broken.csv')).toBe(false);
      expect(await list()).toEqual(before);
    });

    it('removes an object, and says it is gone', async () => {
      const writer = await storage.createWriter('c.csv', options);
      await pipeline(Readable.from([Buffer.from('x')]), writer.stream);
      await writer.commit({ sha256: sha256(Buffer.from('x')) });
      await storage.remove('c.csv');
      expect(await storage.exists('c.csv')).toBe(false);
      expect(await storage.size('c.csv')).toBeUndefined();
      await expect(storage.openRead('c.csv')).rejects.toThrow();
    });

    it('passes its own start-up check', async () => {
      await expect(storage.check()).resolves.toBeUndefined();
    });

    it.each(['../escape.csv', '/abs.csv', 'a/../../b', '', 'with space.csv'])(
      'refuses the unsafe key %j',
      async (key) => {
        await expect(storage.createWriter(key, options)).rejects.toThrow(/unsafe storage key/);
      },
    );
  });
}
