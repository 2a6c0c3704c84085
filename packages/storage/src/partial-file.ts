import { closeSync, fsync, mkdirSync, open, openSync, writev, writevSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { bytesAfter } from './buffer-list';

// A file that ends within this size is held in memory and written by synchronous calls when it
// ends; only its fsync goes to the thread pool. Each hop to the thread pool and back costs about
// 0.1 ms of CPU on the 2-core VM: open, write, fsync, close and rename as five hops took 1.0 ms a
// file (storage alone, two at a time), the same calls with only the fsync as a hop 0.5 ms
// (docs/performance.md, small jobs). A larger file is opened when it passes this size and written
// asynchronously, as fs.WriteStream would.
const HELD_BYTES = 256 * 1024;
const WRITE_BUFFER_BYTES = 1024 * 1024;

const openAsync = promisify(open);
const writevAsync = promisify(writev);
const fsyncAsync = promisify(fsync);

/**
 * An unfinished file (in `.partial/`), created on first write to disk, never over an existing one.
 * It is written in full and fsynced before the stream finishes, so that the rename that commits it
 * cannot leave a short file after a crash; its folder is made again if it was removed.
 */
export class PartialFile extends Writable {
  bytesWritten = 0;
  private fd: number | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  // The open, write or fsync on the thread pool, if one is under way: the file is closed only
  // after it, or a write could land in another file that reused the descriptor.
  private io: Promise<void> | undefined;

  constructor(readonly filePath: string) {
    super({ highWaterMark: WRITE_BUFFER_BYTES });
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    const buffers = chunks.map(({ chunk }) => chunk);
    const size = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    this.bytesWritten += size;
    if (this.fd === undefined && this.heldBytes + size <= HELD_BYTES) {
      this.held.push(...buffers);
      this.heldBytes += size;
      callback();
      return;
    }
    this.track(this.writeOut(buffers), callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.fd === undefined) {
      try {
        this.fd = inFolderOf(this.filePath, () => openSync(this.filePath, 'wx'));
        writeAllSync(this.fd, this.takeHeld());
      } catch (error) {
        callback(error as Error);
        return;
      }
    }
    this.track(fsyncAsync(this.fd), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.takeHeld();
    const close = (): void => {
      const fd = this.fd;
      this.fd = undefined;
      try {
        // After the fsync (or an abort) a close has nothing left to wait for.
        if (fd !== undefined) closeSync(fd);
      } catch (closeError) {
        callback(error ?? (closeError as Error));
        return;
      }
      callback(error);
    };
    if (this.io) void this.io.then(close, close);
    else close();
  }

  private track(io: Promise<void>, callback: (error?: Error | null) => void): void {
    this.io = io;
    io.then(
      () => {
        this.io = undefined;
        callback();
      },
      (error: Error) => {
        this.io = undefined;
        callback(error);
      },
    );
  }

  private async writeOut(buffers: Buffer[]): Promise<void> {
    if (this.fd === undefined) {
      this.fd = await openNew(this.filePath);
      buffers = [...this.takeHeld(), ...buffers];
    }
    let rest = buffers;
    while (rest.length > 0) rest = bytesAfter(rest, (await writevAsync(this.fd, rest)).bytesWritten);
  }

  private takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    return held;
  }
}

/** Runs `action` on `file`; when its folder is missing (ENOENT), makes the folder and runs it once more. */
export function inFolderOf<T>(file: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (!isMissing(error)) throw error;
    mkdirSync(path.dirname(file), { recursive: true });
    return action();
  }
}

async function openNew(file: string): Promise<number> {
  try {
    return await openAsync(file, 'wx');
  } catch (error) {
    if (!isMissing(error)) throw error;
    await mkdir(path.dirname(file), { recursive: true });
    return openAsync(file, 'wx');
  }
}

function writeAllSync(fd: number, buffers: Buffer[]): void {
  let rest = buffers;
  while (rest.length > 0) rest = bytesAfter(rest, writevSync(fd, rest));
}

/** ENOENT: the file, or the folder it should be in, is not there. */
export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
