import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { assertSafeKey, type Storage, type StorageWriter } from './storage';

// Unfinished files live here, on the same file system as the finished ones, so that the final
// rename is atomic and a reader never sees half a file.
const PARTIAL_DIR = '.partial';
const WRITE_BUFFER_BYTES = 1024 * 1024;
// Export keys start with the day they were written (export-names.ts); retention walks these folders.
const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;

export interface LocalStorageOptions {
  root: string;
}

export type LocalStorage = Storage & {
  readonly kind: 'local';
  discardUnfinished(owner: string): Promise<number>;
  /** Removes partial files left by a worker that died mid-export; returns how many. */
  sweepPartials(olderThanMs: number): Promise<number>;
  /** Removes finished files older than `olderThanMs` (FILE_RETENTION); returns how many. */
  removeExpired(olderThanMs: number): Promise<number>;
};

export function createLocalStorage(options: LocalStorageOptions): LocalStorage {
  const root = path.resolve(options.root);
  const partialDir = path.join(root, PARTIAL_DIR);
  const resolveKey = (key: string): string => {
    assertSafeKey(key);
    return path.join(root, key);
  };

  return {
    kind: 'local',

    async createWriter(key, options): Promise<StorageWriter> {
      const finalPath = resolveKey(key);
      const partialPath = path.join(partialDir, `${partialPrefix(options.owner)}${randomUUID()}.partial`);
      // Folders are made only when a call finds one missing (check() made .partial; retention
      // removes empty day folders): a worker draining small exports made two mkdir calls (each with
      // a stat) per file, which found the folder there every time.
      const handle = await whenFolderMissing(
        () => open(partialPath, 'wx'),
        () => mkdir(partialDir, { recursive: true }),
      );
      // flush: fsync before close, so a crash after the rename cannot leave a short file.
      const stream = createWriteStream(partialPath, { fd: handle, highWaterMark: WRITE_BUFFER_BYTES, flush: true });
      return {
        stream,
        async commit() {
          if (!stream.closed) await finished(stream);
          await whenFolderMissing(
            () => rename(partialPath, finalPath),
            () => mkdir(path.dirname(finalPath), { recursive: true }),
          );
          return { key, location: finalPath, bytes: stream.bytesWritten };
        },
        async abort() {
          // The file is being thrown away: a write error from here on has no one to tell.
          stream.on('error', () => undefined);
          // Wait for the close: no write may land after the unlink.
          if (!stream.closed) {
            const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
            stream.destroy();
            await closed;
          }
          await unlink(partialPath).catch(ignoreMissing);
        },
      };
    },

    async openRead(key, range) {
      const stream = createReadStream(resolveKey(key), range ? { start: range.start, end: range.end } : {});
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      return stream;
    },

    async size(key) {
      const stats = await stat(resolveKey(key)).catch(() => undefined);
      return stats?.isFile() ? stats.size : undefined;
    },

    async exists(key) {
      return (await this.size(key)) !== undefined;
    },

    async remove(key) {
      await unlink(resolveKey(key)).catch(ignoreMissing);
    },

    async check() {
      await mkdir(partialDir, { recursive: true });
      await access(partialDir, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
        throw new Error(`LOCAL_STORAGE_PATH ${root} is not writable (${error.code ?? error.message})`);
      });
    },

    async discardUnfinished(owner) {
      const prefix = partialPrefix(owner);
      const names = (await readdir(partialDir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix));
      for (const name of names) await unlink(path.join(partialDir, name)).catch(ignoreMissing);
      return names.length;
    },

    async sweepPartials(olderThanMs) {
      return removeFilesOlderThan(partialDir, olderThanMs);
    },

    async removeExpired(olderThanMs) {
      const days = (await readdir(root).catch(() => [] as string[])).filter((name) => DAY_FOLDER.test(name));
      let removed = 0;
      for (const day of days) {
        const folder = path.join(root, day);
        removed += await removeFilesOlderThan(folder, olderThanMs);
        // Only an empty folder goes; one still being written into stays (rmdir refuses).
        await rmdir(folder).catch(() => undefined);
      }
      return removed;
    },
  };
}

async function removeFilesOlderThan(folder: string, olderThanMs: number): Promise<number> {
  const names = await readdir(folder).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const file = path.join(folder, name);
    const stats = await stat(file).catch(() => undefined);
    if (stats?.isFile() && Date.now() - stats.mtimeMs > olderThanMs) {
      await unlink(file).catch(ignoreMissing);
      removed += 1;
    }
  }
  return removed;
}

/** `<owner>~` (an owner is a job id: letters, digits, dashes), or nothing. */
function partialPrefix(owner: string | undefined): string {
  if (owner === undefined) return '';
  if (!/^[A-Za-z0-9-]{1,100}$/.test(owner)) throw new Error(`unsafe owner: ${JSON.stringify(owner)}`);
  return `${owner}~`;
}

/** Runs `action`; when it fails for a missing folder (ENOENT), makes the folder and runs it once more. */
async function whenFolderMissing<T>(action: () => Promise<T>, makeFolder: () => Promise<unknown>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await makeFolder();
    return action();
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
