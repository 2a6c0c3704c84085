import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalStorage } from './local-storage';
import { describeStorageContract } from './storage.contract';

describeStorageContract('local', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
  return { storage: createLocalStorage({ root }), teardown: () => rm(root, { recursive: true, force: true }) };
});

describe('local storage', () => {
  it('keeps partial files out of the export folder, and sweeps old ones', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
    const storage = createLocalStorage({ root });
    const writer = await storage.createWriter('x.csv', { contentType: 'text/csv' });
    writer.stream.write('partial');
    expect((await readdir(root)).filter((n) => !n.startsWith('.'))).toEqual([]);
    await writer.abort();

    const stale = path.join(root, '.partial', 'dead-worker.partial');
    await writeFile(stale, 'left by a killed worker');
    await utimes(stale, new Date(0), new Date(0));
    await writeFile(path.join(root, '.partial', 'live.partial'), 'still being written');
    expect(await storage.sweepPartials(60_000)).toBe(1);
    expect(await readdir(path.join(root, '.partial'))).toEqual(['live.partial']);
    await rm(root, { recursive: true, force: true });
  });
});
