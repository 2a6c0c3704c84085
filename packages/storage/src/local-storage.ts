import { randomUUID } from 'node:crypto';
import { createReadStream, renameSync } from 'node:fs';
import { access, constants, mkdir, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { inFolderOf, isMissing, PartialFile } from './partial-file';
import { assertSafeKey, type Storage, type StorageWriter } from './storage';

// Unfinished files live here, on the same file system as the finished ones, so that the final
// rename is atomic and a reader never sees half a file.
const PARTIAL_DIR = '.partial';
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

// eslint-disable-next-line max-lines-per-function -- the Storage interface's methods over one root folder, each short
export function createLocalStorage(options: LocalStorageOptions): LocalStorage {
  const root = path.resolve(options.root);
  const partialDir = path.join(root, PARTIAL_DIR);
  const resolveKey = (key: string): string => {
    assertSafeKey(key);
    return path.join(root, key);
  };

  return {
    kind: 'local',

    // async with nothing to wait for: the file is opened by its first write to disk (partial-file.ts),
    // and an unsafe key still rejects, as in every store.
    // eslint-disable-next-line @typescript-eslint/require-await
    async createWriter(key, options): Promise<StorageWriter> {
      const finalPath = resolveKey(key);
      const stream = new PartialFile(path.join(partialDir, `${partialPrefix(options.owner)}${randomUUID()}.partial`));
      return {
        stream,
        async commit() {
          if (!stream.closed) await finished(stream);
          // Synchronous, as the small file's own calls (partial-file.ts): a rename within one
          // folder tree waits for no data. The day folder is made only when the rename finds it
          // missing (first file of a day; retention removes empty ones).
          inFolderOf(finalPath, () => renameSync(stream.filePath, finalPath));
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
          await unlink(stream.filePath).catch(ignoreMissing);
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

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}
