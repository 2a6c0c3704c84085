import { checkSelectQuery } from '@fluxquery/sql-guard';
import { queryShapes, shadowedShapes } from './query-shapes';

// The guard alone, on generated shapes: one key may read `app`, the connection's database is
// `app`, and `secret` belongs to another key.
const policy = { defaultSchema: 'app', allowedSchemas: ['app'] };
const verdict = (sql: string, rules = policy): string => {
  try {
    checkSelectQuery(sql, rules);
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe('generated query shapes', () => {
  // Two levels deep (2,457 queries, and 153 more with other spellings, each way); one under mutation testing, which runs this file for
  // each of a thousand mutants (pnpm test:mutation).
  const depth = process.env.FQ_MUTATION_TARGET ? 1 : 2;
  const forbidden = [...queryShapes('secret.payroll', depth), ...queryShapes('`secret`.`payroll`', 1)];
  const allowed = [...queryShapes('app.users', depth), ...queryShapes('users', 1)];

  it(`refuses every one of ${forbidden.length} shapes around another key's table`, () => {
    const let_through = forbidden.filter((sql) => verdict(sql) !== 'SCHEMA_NOT_ALLOWED');
    expect(let_through).toEqual([]);
  });

  it(`accepts every one of ${allowed.length} shapes around an allowed table`, () => {
    const refused = allowed.map((sql) => [sql, verdict(sql)]).filter(([, v]) => v !== 'accepted');
    expect(refused).toEqual([]);
  });

  it("refuses a table of the connection's database hidden behind a CTE of the same name, out of its scope", () => {
    const otherKey = { defaultSchema: 'app', allowedSchemas: ['secret'] };
    for (const sql of shadowedShapes('users'))
      expect([sql, verdict(sql, otherKey)]).toEqual([sql, 'SCHEMA_NOT_ALLOWED']);
    // In scope, the CTE is what is read: no table of the connection's database.
    expect(verdict('WITH users AS (SELECT 1 AS n) SELECT * FROM users', otherKey)).toBe('accepted');
  });
});
