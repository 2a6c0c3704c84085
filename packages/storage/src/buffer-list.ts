/**
 * The bytes of `buffers` after the first `count`: what a short write left to write, or what is
 * left once a part was taken from the front. Empty buffers are dropped, so a loop over them ends.
 */
export function bytesAfter(buffers: Buffer[], count: number): Buffer[] {
  let skip = count;
  let index = 0;
  while (index < buffers.length && skip >= buffers[index]!.length) skip -= buffers[index++]!.length;
  const rest = buffers.slice(index);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}
