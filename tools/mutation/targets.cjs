// What `pnpm test:mutation` mutates, and the tests that must notice each change. Only tests that
// need no database or Redis: the mutants run them thousands of times.
const SQL_GUARD_TESTS = [
  '<rootDir>/packages/sql-guard/src/**/*.test.ts',
  '<rootDir>/tests/security/sql-guard.test.ts',
  '<rootDir>/tests/security/sql-guard-syntax.test.ts',
  '<rootDir>/tests/security/query-shapes.test.ts',
];
const SQL_GUARD_TYPECHECK = [
  'packages/sql-guard/src',
  'tests/security/sql-corpus.ts',
  'tests/security/query-shapes.ts',
];

module.exports = {
  // The SQL guard in two parts, so that each part's score stands on its own: the table walk and
  // the schema rules, then the lexer, the parser-compat rewrites and the deny-lists.
  'sql-guard-walk': {
    mutate: [
      'packages/sql-guard/src/table-walk.ts',
      'packages/sql-guard/src/check-select.ts',
      'packages/sql-guard/src/ast-check.ts',
    ],
    tests: SQL_GUARD_TESTS,
    typecheck: SQL_GUARD_TYPECHECK,
  },
  'sql-guard-lexer': {
    mutate: [
      'packages/sql-guard/src/lexical-check.ts',
      'packages/sql-guard/src/parser-compat.ts',
      'packages/sql-guard/src/rules.ts',
    ],
    // Without check-select.test.ts's deep queries (tens of thousands of tokens): through the
    // instrumented lexer they made each run of these tests take 47 s instead of 5.
    tests: SQL_GUARD_TESTS.filter((file) => !file.endsWith('/src/**/*.test.ts')).concat(
      ['guard-defences', 'table-walk', 'lexical-check', 'parser-compat'].map(
        (name) => `<rootDir>/packages/sql-guard/src/${name}.test.ts`,
      ),
    ),
    typecheck: SQL_GUARD_TYPECHECK,
  },
  signing: {
    mutate: ['packages/signing/src/**/*.ts', '!packages/signing/src/**/*.test.ts'],
    tests: ['<rootDir>/packages/signing/src/**/*.test.ts', '<rootDir>/packages/webhooks/src/webhook-signature.test.ts'],
    typecheck: ['packages/signing/src', 'packages/webhooks/src/webhook-signature.test.ts'],
  },
  'callback-address': {
    mutate: ['packages/webhooks/src/address-policy.ts', 'packages/webhooks/src/callback-url.ts'],
    tests: ['<rootDir>/packages/webhooks/src/callback-url.test.ts'],
    typecheck: [
      'packages/webhooks/src/address-policy.ts',
      'packages/webhooks/src/callback-url.ts',
      'packages/webhooks/src/callback-url.test.ts',
    ],
  },
};
