import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { tooLarge } from './export-limits';

export interface DigestStream {
  stream: Transform;
  /** Bytes seen so far. */
  bytes(): number;
  /** The hex sha256 of everything seen; call once the stream has finished. */
  sha256(): string;
}

/**
 * Passes chunks through unchanged while counting and hashing exactly the bytes that get stored,
 * and fails the export once they would pass `maxBytes`.
 */
export function createDigestStream(maxBytes = Infinity): DigestStream {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (bytes + chunk.length > maxBytes) return callback(tooLarge(`the file grew past ${maxBytes} bytes`));
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, bytes: () => bytes, sha256: () => hash.digest('hex') };
}
