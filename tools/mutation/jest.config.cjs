// The root jest config, narrowed to one mutation target's tests (FQ_MUTATION_TARGET).
const path = require('node:path');
const root = require('../../jest.config.js');
const targets = require('./targets.cjs');

const target = targets[process.env.FQ_MUTATION_TARGET ?? ''];
if (!target) throw new Error(`FQ_MUTATION_TARGET must be one of ${Object.keys(targets).join(', ')}`);

module.exports = { ...root, rootDir: path.join(__dirname, '../..'), testMatch: target.tests, maxWorkers: 1 };
