import { uniqueColumnNames } from './column-names';

describe('uniqueColumnNames', () => {
  it('suffixes repeats with the lowest free number, keeping order', () => {
    expect(uniqueColumnNames(['id', 'name', 'id', 'id'])).toEqual(['id', 'name', 'id_2', 'id_3']);
  });
  it('skips suffixes that a real column already uses', () => {
    expect(uniqueColumnNames(['id', 'id_2', 'id'])).toEqual(['id', 'id_2', 'id_3']);
  });
});
