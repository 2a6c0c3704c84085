import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/** This process's open file descriptors on files under `root` (Linux). */
async function openFilesUnder(root: string): Promise<string[]> {
  const targets = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(root));
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
    await storage.check();
    const writer = await storage.createWriter('x.csv', { contentType: 'text/csv', fileName: 'x.csv' });
    writer.stream.write(randomBytes(300 * 1024));
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
    // Past the 256 KiB a file may be held in memory: both are on disk, unfinished.
    const dead = await storage.createWriter('a.csv', { ...options, owner: 'job-1' });
    dead.stream.write(randomBytes(300 * 1024));
    const other = await storage.createWriter('b.csv', { ...options, owner: 'job-2' });
    other.stream.write(randomBytes(300 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await storage.discardUnfinished('job-1')).toBe(1);
    expect((await readdir(path.join(root, '.partial'))).map((n) => n.split('~')[0])).toEqual(['job-2']);
    await other.abort();
    dead.stream.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('writes a small file only when it ends, and one that grows past the held size in order', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
    const storage = createLocalStorage({ root });
    await storage.check();
    const options = { contentType: 'text/csv', fileName: 'x.csv' };
    const small = await storage.createWriter('2026-12-01/small.csv', { ...options, owner: 'job-1' });
    small.stream.write('one\n');
    small.stream.write('1\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await listFiles(root)).toEqual([]);
    small.stream.end();
    expect(await small.commit({ sha256: '' })).toMatchObject({ bytes: 6 });
    expect(await readFile(path.join(root, '2026-12-01/small.csv'), 'latin1')).toBe('one\n1\n');

    // 5 KiB pieces: the file is opened at the 52nd, with the 51 held ones written first.
    const pieces = Array.from({ length: 120 }, () => randomBytes(5 * 1024));
    const grown = await storage.createWriter('2026-12-01/grown.csv', options);
    await pipeline(Readable.from(pieces), grown.stream);
    expect(await grown.commit({ sha256: '' })).toMatchObject({ bytes: 120 * 5 * 1024 });
    expect((await readFile(path.join(root, '2026-12-01/grown.csv'))).equals(Buffer.concat(pieces))).toBe(true);
    expect(await listFiles(root)).toEqual(['2026-12-01/grown.csv', '2026-12-01/small.csv']);
    await rm(root, { recursive: true, force: true });
  });

  it('closes the file when aborted while its first write to disk is under way, and leaves nothing', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'fq-storage-'));
    const storage = createLocalStorage({ root });
    await storage.check();
    for (let i = 0; i < 20; i += 1) {
      const writer = await storage.createWriter(`2026-12-01/big-${i}.csv`, {
        contentType: 'text/csv',
        fileName: 'x.csv',
      });
      writer.stream.write(randomBytes(300 * 1024));
      if (i % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
      await writer.abort();
    }
    expect(await listFiles(root)).toEqual([]);
    expect(await openFilesUnder(root)).toEqual([]);
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
