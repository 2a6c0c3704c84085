import { CHUNK_BYTES, type ByteWriter } from './byte-writer';
import type { EncodeStats, Row } from './encoder';

/**
 * The loop every byte encoder shares: each row is written into `out` (which may already hold a
 * header), and a chunk leaves whenever about CHUNK_BYTES have gathered, plus the rest at the end.
 */
export async function* writeRowChunks(
  batches: AsyncIterable<readonly Row[]>,
  stats: EncodeStats,
  out: ByteWriter,
  writeRow: (row: Row) => void,
): AsyncIterable<Buffer> {
  for await (const batch of batches) {
    for (const row of batch) {
      writeRow(row);
      if (out.length >= CHUNK_BYTES) yield out.take();
    }
    stats.rows += batch.length;
  }
  if (out.length > 0) yield out.take();
}
