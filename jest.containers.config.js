// `pnpm test:containers` (scripts/test-containers.sh): the container suite, on its own. It needs a
// Docker engine and the images that script builds, so `npm test` leaves it out (jest.config.js).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/tests/containers'],
  testPathIgnorePatterns: ['/node_modules/'],
  // One Docker engine: one file at a time.
  maxWorkers: 1,
  testTimeout: 300_000,
};
