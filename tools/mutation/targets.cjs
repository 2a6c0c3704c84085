// What `pnpm test:mutation` mutates, and the tests that must notice each change. Only tests that
// need no database or Redis: the mutants run them thousands of times.
module.exports = {
  'sql-guard': {
    mutate: ['packages/sql-guard/src/**/*.ts', '!packages/sql-guard/src/**/*.test.ts'],
    tests: [
      '<rootDir>/packages/sql-guard/src/**/*.test.ts',
      '<rootDir>/tests/security/sql-guard.test.ts',
      '<rootDir>/tests/security/sql-guard-syntax.test.ts',
      '<rootDir>/tests/security/query-shapes.test.ts',
    ],
    typecheck: ['packages/sql-guard/src', 'tests/security/sql-corpus.ts', 'tests/security/query-shapes.ts'],
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
