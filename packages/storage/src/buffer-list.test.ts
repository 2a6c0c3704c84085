import { unwritten } from './partial-file';

describe('unwritten: what a short write leaves to write', () => {
  const a = Buffer.from('abc');
  const b = Buffer.from('defg');

  it('drops what went out, splitting the buffer the write stopped in', () => {
    expect(Buffer.concat(unwritten([a, b], 0)).toString()).toBe('abcdefg');
    expect(Buffer.concat(unwritten([a, b], 2)).toString()).toBe('cdefg');
    expect(Buffer.concat(unwritten([a, b], 3)).toString()).toBe('defg');
    expect(Buffer.concat(unwritten([a, b], 5)).toString()).toBe('fg');
    expect(unwritten([a, b], 7)).toEqual([]);
  });

  it('drops empty buffers, so a loop over them ends', () => {
    expect(unwritten([Buffer.alloc(0), Buffer.alloc(0)], 0)).toEqual([]);
    expect(Buffer.concat(unwritten([Buffer.alloc(0), a], 1)).toString()).toBe('bc');
  });
});
