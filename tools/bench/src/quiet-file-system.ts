import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// On ext4 without a journal (this VM's), making a file in the minute after many were deleted costs
// up to 20 times the CPU (44 µs against 860–990 µs a file; docs/performance.md). A drain started
// right after another bench deleted its storage would measure that, not the service.
const MARKER = path.join(tmpdir(), 'fluxquery-bench-deleted-at');
const QUIET_MS = 90_000;

/** Records that a bench has just deleted its storage folder. */
export async function noteDeletedFiles(): Promise<void> {
  await writeFile(MARKER, String(Date.now())).catch(() => undefined);
}

/** Waits, and says so, until QUIET_MS have passed since a bench last deleted its storage folder. */
export async function waitForQuietFileSystem(): Promise<void> {
  const deletedAt = Number(await readFile(MARKER, 'utf8').catch(() => '0'));
  const waitMs = deletedAt + QUIET_MS - Date.now();
  if (!(waitMs > 0)) return;
  process.stdout.write(
    `waiting ${Math.ceil(waitMs / 1000)} s: an earlier bench deleted its files, and new files are slow ` +
      'to make for a minute after that on some file systems (docs/performance.md)\n',
  );
  await new Promise((resolve) => setTimeout(resolve, waitMs));
}
