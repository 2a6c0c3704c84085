import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface DigestStream {
  stream: Transform;
  /** Bytes seen so far. */
  bytes(): number;
  /** The hex sha256 of everything seen; call once the stream has finished. */
  sha256(): string;
}

/** Passes chunks through unchanged while counting and hashing exactly the bytes that get stored. */
export function createDigestStream(): DigestStream {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, bytes: () => bytes, sha256: () => hash.digest('hex') };
}
