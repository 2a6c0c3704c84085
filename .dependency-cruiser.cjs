// The import rules of docs/architecture.md ("Packages and apps"), checked by `pnpm lint`
// (dependency-cruiser). Imports of `@fluxquery/*` resolve to each package's src through
// tsconfig.test.json's paths, so a rule sees the file that is really imported.
const LEAVES = [
  'errors',
  'byte-size',
  'request-rules',
  'encoders',
  'storage',
  'signing',
  'mysql-source',
  'coordination',
];

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Dependencies point one way: no file may reach itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'apps-never-import-apps',
      comment: 'An app is a process of its own; what two apps share lives in a package.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'packages-never-import-apps',
      comment: 'Packages are below the apps; nothing points back up.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'only-through-the-entry-point',
      comment: 'Another package is imported through its src/index.ts, never by its files.',
      severity: 'error',
      from: { path: '^(packages|apps|tools|tests)/([^/]+)/' },
      to: { path: '^packages/[^/]+/src/', pathNot: ['^packages/[^/]+/src/index\\.ts$', '^$1/$2/'] },
    },
    {
      name: 'leaf-packages-import-only-errors',
      comment: `Leaf packages (${LEAVES.join(', ')}) import no package of ours but errors.`,
      severity: 'error',
      from: { path: `^packages/(${LEAVES.join('|')})/src/`, pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/', pathNot: ['^packages/$1/', '^packages/errors/', '^packages/testkit/'] },
    },
    {
      name: 'the-guard-and-the-senders-import-only-rules-and-errors',
      comment:
        'sql-guard, mailer and webhooks import request-rules (limits, the address rule) and errors; the mailer byte-size, webhooks signing.',
      severity: 'error',
      from: { path: '^packages/(sql-guard|mailer|webhooks)/src/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^packages/',
        pathNot: [
          '^packages/$1/',
          '^packages/(errors|request-rules|testkit)/',
          '^packages/(signing|byte-size)/src/index\\.ts$',
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|coverage|reports)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
