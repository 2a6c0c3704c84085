import type { EncodeStats, Row } from './encoder';

// Output leaves in chunks of about this many characters. One write per row through zlib and the
// file system made gzip 5× slower here; 256 Ki characters keeps syscalls and zlib calls rare while
// holding well under a megabyte per chunk.
export const CHUNK_CHARS = 256 * 1024;

export interface TextEncoding {
  head: string;
  encodeRow(row: Row): string;
  tail: string;
}

/** Runs a row-to-text function over batches of rows and yields UTF-8 chunks of about CHUNK_CHARS. */
export async function* encodeTextChunks(
  batches: AsyncIterable<readonly Row[]>,
  stats: EncodeStats,
  encoding: TextEncoding,
): AsyncIterable<Buffer> {
  let pending = encoding.head;
  for await (const batch of batches) {
    for (const row of batch) {
      pending += encoding.encodeRow(row);
      if (pending.length >= CHUNK_CHARS) {
        yield Buffer.from(pending, 'utf8');
        pending = '';
      }
    }
    stats.rows += batch.length;
  }
  pending += encoding.tail;
  if (pending.length > 0) yield Buffer.from(pending, 'utf8');
}
