import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalStorage } from './local-storage';
import { describeStorageContract } from './storage.contract';

/** Every file under `root`, partial ones included, relative to it. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

describeStorageContract('local', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
  return {
    storage: createLocalStorage({ root }),
    list: () => listFiles(root),
    teardown: () => rm(root, { recursive: true, force: true }),
  };
});

describe('local storage', () => {
  it('keeps partial files out of the export folder, and sweeps old ones', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
    const storage = createLocalStorage({ root });
    const writer = await storage.createWriter('x.csv', { contentType: 'text/csv', fileName: 'x.csv' });
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

  it('makes its folders again when they were removed while it runs (retention, an operator)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
    const storage = createLocalStorage({ root });
    await storage.check();
    const options = { contentType: 'text/csv', fileName: 'x.csv' };
    const first = await storage.createWriter('2026-12-01/a.csv', options);
    first.stream.end('first');
    expect(await first.commit({ sha256: '' })).toMatchObject({ bytes: 5 });
    await rm(path.join(root, '2026-12-01'), { recursive: true });
    await rm(path.join(root, '.partial'), { recursive: true });
    const second = await storage.createWriter('2026-12-01/b.csv', options);
    second.stream.end('second file');
    expect(await second.commit({ sha256: '' })).toMatchObject({ key: '2026-12-01/b.csv', bytes: 11 });
    expect(await listFiles(root)).toEqual(['2026-12-01/b.csv']);
    await rm(root, { recursive: true, force: true });
  });

  it('discards what an earlier attempt of the same job left unfinished, and nothing else', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
    const storage = createLocalStorage({ root });
    const options = { contentType: 'text/csv', fileName: 'x.csv' };
    const dead = await storage.createWriter('a.csv', { ...options, owner: 'job-1' });
    dead.stream.write('left by a killed worker');
    const other = await storage.createWriter('b.csv', { ...options, owner: 'job-2' });
    other.stream.write('another job, still running');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await storage.discardUnfinished('job-1')).toBe(1);
    expect((await readdir(path.join(root, '.partial'))).map((n) => n.split('~')[0])).toEqual(['job-2']);
    await other.abort();
    dead.stream.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('removes finished files past their retention, and nothing else', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
    const storage = createLocalStorage({ root });
    await mkdir(path.join(root, '2026-01-01'));
    await mkdir(path.join(root, '2026-11-30'));
    await mkdir(path.join(root, 'not-ours'));
    for (const file of ['2026-01-01/old.csv', '2026-11-30/old.csv', 'not-ours/old.csv']) {
      await writeFile(path.join(root, file), 'x');
      await utimes(path.join(root, file), new Date(0), new Date(0));
    }
    await writeFile(path.join(root, '2026-11-30/new.csv'), 'x');
    expect(await storage.removeExpired(3_600_000)).toBe(2);
    expect(await listFiles(root)).toEqual(['2026-11-30/new.csv', 'not-ours/old.csv']);
    await rm(root, { recursive: true, force: true });
  });
});
