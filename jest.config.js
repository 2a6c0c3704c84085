// Tests run on the TypeScript sources: workspace packages resolve to their src/, not to dist/.
const fs = require('node:fs');
const path = require('node:path');

const moduleNameMapper = {};
for (const group of ['packages', 'apps']) {
  for (const name of fs.readdirSync(path.join(__dirname, group))) {
    // Only what can be imported: the CLI has a main.ts and no index.ts.
    if (!fs.existsSync(path.join(__dirname, group, name, 'src', 'index.ts'))) continue;
    moduleNameMapper[`^@fluxquery/${name}$`] = `<rootDir>/${group}/${name}/src`;
  }
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // The container suite needs a Docker engine: pnpm test:containers (jest.containers.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/tests/containers/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  moduleNameMapper,
  // Integration tests share one MariaDB and one Redis on a 2-core machine.
  maxWorkers: 2,
  testTimeout: 60_000,
};
