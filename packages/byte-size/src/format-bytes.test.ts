import { formatBytes } from './format-bytes';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [12.34 * 1024 * 1024, '12.3 MB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [5.5 * 1024 ** 3, '5.5 GB'],
    [3 * 1024 ** 4, '3.0 TB'],
  ])('writes %d bytes as %s', (size, text) => {
    expect(formatBytes(size)).toBe(text);
  });
});
