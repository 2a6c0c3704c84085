import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The api validates a request with the request rules alone: loading the api and parsing a request
// must not load the mailer's nodemailer or the encoders' yazl (worker-side packages). Read in a
// fresh Node process from the built api, as production starts it (jest has a registry of its own).
const dist = path.join(__dirname, '..', 'dist');

function modulesLoadedBy(script: string): string[] {
  const run = spawnSync(process.execPath, ['-e', `${script};console.log(JSON.stringify(Object.keys(require.cache)))`], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[];
}

describe("the api's module graph", () => {
  it('loads neither nodemailer nor yazl, with the app built and a request parsed', () => {
    const loaded = modulesLoadedBy(`
      require(${JSON.stringify(path.join(dist, 'index.js'))});
      const { parseExportRequest } = require(${JSON.stringify(path.join(dist, 'export-request.js'))});
      parseExportRequest(Buffer.from(JSON.stringify({
        query: 'SELECT 1', email: 'a@example.com', format: 'xlsx', time_zone: 'Europe/Paris', callback_url: 'https://x.test/h',
      })));
    `);
    // The probe is real: the api's own request rules and Express are there.
    expect(loaded.some((file) => file.includes(`${path.sep}request-rules${path.sep}`))).toBe(true);
    expect(loaded.some((file) => file.includes(`${path.sep}express${path.sep}`))).toBe(true);
    expect(loaded.filter((file) => /[\\/](nodemailer|yazl|exceljs)[\\/]/.test(file))).toEqual([]);
    expect(loaded.filter((file) => /[\\/]packages[\\/](mailer|encoders)[\\/]/.test(file))).toEqual([]);
  });
});
