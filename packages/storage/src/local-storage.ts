import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { assertSafeKey, type Storage, type StorageWriter } from './storage';

// Unfinished files live here, on the same file system as the finished ones, so that the final
// rename is atomic and a reader never sees half a file.
const PARTIAL_DIR = '.partial';
const WRITE_BUFFER_BYTES = 1024 * 1024;

export interface LocalStorageOptions {
  root: string;
}

export function createLocalStorage(
  options: LocalStorageOptions,
): Storage & { sweepPartials(olderThanMs: number): Promise<number> } {
  const root = path.resolve(options.root);
  const partialDir = path.join(root, PARTIAL_DIR);
  const resolveKey = (key: string): string => {
    assertSafeKey(key);
    return path.join(root, key);
  };

  return {
    kind: 'local',

    async createWriter(key): Promise<StorageWriter> {
      const finalPath = resolveKey(key);
      await mkdir(partialDir, { recursive: true });
      const partialPath = path.join(partialDir, `${randomUUID()}.partial`);
      // flush: fsync before close, so a crash after the rename cannot leave a short file.
      const stream = createWriteStream(partialPath, { flags: 'wx', highWaterMark: WRITE_BUFFER_BYTES, flush: true });
      return {
        stream,
        async commit() {
          if (!stream.closed) await finished(stream);
          await mkdir(path.dirname(finalPath), { recursive: true });
          await rename(partialPath, finalPath);
          return { key, location: finalPath, bytes: (await stat(finalPath)).size };
        },
        async abort() {
          // The file is being thrown away: a write error from here on has no one to tell.
          stream.on('error', () => undefined);
          // Wait for the close: a stream destroyed while still opening would create the file afterwards.
          if (!stream.closed) {
            const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
            stream.destroy();
            await closed;
          }
          await unlink(partialPath).catch(ignoreMissing);
        },
      };
    },

    async openRead(key) {
      const stream = createReadStream(resolveKey(key));
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      return stream;
    },

    async exists(key) {
      return stat(resolveKey(key)).then(
        (stats) => stats.isFile(),
        () => false,
      );
    },

    async remove(key) {
      await unlink(resolveKey(key)).catch(ignoreMissing);
    },

    /** Removes partial files left by a worker that died mid-export; returns how many. */
    async sweepPartials(olderThanMs) {
      const names = await readdir(partialDir).catch(() => [] as string[]);
      let removed = 0;
      for (const name of names) {
        const file = path.join(partialDir, name);
        const stats = await stat(file).catch(() => undefined);
        if (stats && Date.now() - stats.mtimeMs > olderThanMs) {
          await unlink(file).catch(ignoreMissing);
          removed += 1;
        }
      }
      return removed;
    },
  };
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
