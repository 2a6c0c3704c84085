import { bytesAfter } from './buffer-list';

describe('bytesAfter: what a short write leaves to write', () => {
  const a = Buffer.from('abc');
  const b = Buffer.from('defg');

  it('drops what went out, splitting the buffer the write stopped in', () => {
    expect(Buffer.concat(bytesAfter([a, b], 0)).toString()).toBe('abcdefg');
    expect(Buffer.concat(bytesAfter([a, b], 2)).toString()).toBe('cdefg');
    expect(Buffer.concat(bytesAfter([a, b], 3)).toString()).toBe('defg');
    expect(Buffer.concat(bytesAfter([a, b], 5)).toString()).toBe('fg');
    expect(bytesAfter([a, b], 7)).toEqual([]);
  });

  it('drops empty buffers, so a loop over them ends', () => {
    expect(bytesAfter([Buffer.alloc(0), Buffer.alloc(0)], 0)).toEqual([]);
    expect(Buffer.concat(bytesAfter([Buffer.alloc(0), a], 1)).toString()).toBe('bc');
  });
});
