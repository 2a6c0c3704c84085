import { createLocalStorage, type Storage, type StoredObject } from '@fluxquery/storage';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';

/**
 * Where `fluxquery export` writes, as a Storage the worker's pipeline can use unchanged. A file:
 * the local store in a hidden folder beside it (same disk, so the final rename is atomic; nothing
 * appears under the name until the export is whole). Stdout: the bytes as they come.
 */
export interface OutputTarget {
  storage: Storage;
  /** After the pipeline committed: put the file in its place; returns where it is. */
  place(stored: StoredObject): Promise<string>;
  dispose(): Promise<void>;
}

export async function fileTarget(output: string): Promise<OutputTarget> {
  const folder = await mkdtemp(path.join(path.dirname(path.resolve(output)), '.fluxquery-'));
  return {
    storage: createLocalStorage({ root: folder }),
    async place(stored) {
      await rename(stored.location, output);
      return output;
    },
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}

export function stdoutTarget(stdout: NodeJS.WriteStream = process.stdout): OutputTarget {
  const unsupported = (): never => {
    throw new Error('stdout can only be written');
  };
  const storage: Storage = {
    kind: 'local',
    createWriter(key) {
      let bytes = 0;
      // A reader that went away (| head): the pending write fails, so the pipeline stops.
      let failure: Error | undefined;
      let waiting: ((error?: Error) => void) | undefined;
      const onError = (error: Error) => {
        failure = error;
        waiting?.(error);
        waiting = undefined;
      };
      stdout.on('error', onError);
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (failure) return done(failure);
          bytes += chunk.length;
          if (stdout.write(chunk)) return done();
          waiting = done;
          stdout.once('drain', () => {
            if (waiting !== done) return;
            waiting = undefined;
            done();
          });
        },
        destroy(error, done) {
          stdout.off('error', onError);
          done(error);
        },
      });
      return Promise.resolve({
        stream,
        commit: () => Promise.resolve({ key, location: 'stdout', bytes }),
        abort: () => Promise.resolve(),
      });
    },
    openRead: unsupported,
    size: unsupported,
    exists: unsupported,
    remove: unsupported,
    check: () => Promise.resolve(),
  };
  return { storage, place: () => Promise.resolve('stdout'), dispose: () => Promise.resolve() };
}
