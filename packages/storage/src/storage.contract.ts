import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Storage } from './storage';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The behaviour every storage adapter must show; each adapter's test file runs it. */
export function describeStorageContract(
  name: string,
  setup: () => Promise<{ storage: Storage; teardown: () => Promise<void> }>,
): void {
  describe(`${name} storage contract`, () => {
    let storage: Storage;
    let teardown: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, teardown } = await setup());
    });
    afterAll(async () => teardown());

    it('stores the exact bytes under the key only after commit', async () => {
      const body = randomBytes(3 * 1024 * 1024 + 17);
      const writer = await storage.createWriter('exports/a.csv', { contentType: 'text/csv' });
      await pipeline(Readable.from([body.subarray(0, 1000), body.subarray(1000)]), writer.stream);
      expect(await storage.exists('exports/a.csv')).toBe(false);
      const stored = await writer.commit();
      expect(stored.bytes).toBe(body.length);
      expect((await readAll(await storage.openRead('exports/a.csv'))).equals(body)).toBe(true);
    });

    it('leaves nothing under the key after abort', async () => {
      const writer = await storage.createWriter('exports/b.csv', { contentType: 'text/csv' });
      writer.stream.write(Buffer.from('half a file'));
      await writer.abort();
      expect(await storage.exists('exports/b.csv')).toBe(false);
    });

    it('removes an object', async () => {
      const writer = await storage.createWriter('c.csv', { contentType: 'text/csv' });
      await pipeline(Readable.from([Buffer.from('x')]), writer.stream);
      await writer.commit();
      await storage.remove('c.csv');
      expect(await storage.exists('c.csv')).toBe(false);
    });

    it.each(['../escape.csv', '/abs.csv', 'a/../../b', '', 'with space.csv'])(
      'refuses the unsafe key %j',
      async (key) => {
        await expect(storage.createWriter(key, { contentType: 'text/csv' })).rejects.toThrow(/unsafe storage key/);
      },
    );
  });
}
