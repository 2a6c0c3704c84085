// StrykerJS for one target (FQ_MUTATION_TARGET; tools/mutation/run.mjs runs each in turn). Notes
// from running it on these 2-core machines: under pnpm its plugin discovery finds nothing, so the
// plugins are named by path; its sandbox copy leaves out the packages' own node_modules, so it runs
// in place; one checker and one runner; per-test coverage makes the jest runner's test-name filter
// an invalid regular expression for some mutants, so coverage analysis is off.
const path = require('node:path');
const targets = require('./targets.cjs');

const name = process.env.FQ_MUTATION_TARGET ?? '';
const target = targets[name];
if (!target) throw new Error(`FQ_MUTATION_TARGET must be one of ${Object.keys(targets).join(', ')}`);
const plugin = (id) => path.join(path.dirname(require.resolve(`${id}/package.json`)), 'dist/src/index.js');

module.exports = {
  packageManager: 'pnpm',
  plugins: [plugin('@stryker-mutator/jest-runner'), plugin('@stryker-mutator/typescript-checker')],
  testRunner: 'jest',
  jest: { configFile: 'tools/mutation/jest.config.cjs', enableFindRelatedTests: false },
  checkers: ['typescript'],
  tsconfigFile: `tools/mutation/tsconfig.${name}.json`,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: target.mutate,
  inPlace: true,
  coverageAnalysis: 'off',
  concurrency: 2,
  // Instrumented, the guard's tests run about ten times slower (its lexer and walk are hot loops);
  // a mutant that loops forever is given up on sooner than Stryker's default factor of 1.5.
  timeoutMS: 5_000,
  timeoutFactor: 1.25,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: `.stryker-tmp-${name}`,
  cleanTempDir: 'always',
};
