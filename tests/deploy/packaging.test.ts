import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

// What can be checked of the images and the compose file without a Docker engine.
const ROOT = path.join(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the Dockerfile', () => {
  it('copies only paths that exist in the build context', () => {
    const sources = [...read('Dockerfile').matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((source) => !existsSync(path.join(ROOT, source)))).toEqual([]);
  });

  it('is multi-stage, from the public Node image unless told otherwise, runs as a non-root user and has a health check', () => {
    const text = read('Dockerfile');
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK .* CMD \["node", "apps\/cli\/dist\/healthcheck\.js"\]$/m);
  });
});

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');

  it('starts only programs the build makes (after pnpm run build)', () => {
    const programs = [...compose.matchAll(/(apps\/[a-z]+\/dist\/main\.js)/g)].map((m) => m[1]!);
    expect(new Set(programs)).toEqual(
      new Set(['apps/api/dist/main.js', 'apps/worker/dist/main.js', 'apps/cli/dist/main.js']),
    );
    for (const program of programs) expect(existsSync(path.join(ROOT, program))).toBe(true);
  });

  const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  (hasCompose ? it : it.skip)(
    `parses, with read-only roots and restart policies, and a worker that can scale${hasCompose ? '' : ' (skipped: docker-compose is not installed; apt-get install docker-compose)'}`,
    () => {
      const run = spawnSync('docker-compose', ['config'], { cwd: ROOT, encoding: 'utf8' });
      expect(run.stderr).not.toMatch(/ERROR/);
      expect(run.status).toBe(0);
      const start = run.stdout.indexOf('\n  worker:');
      const end = run.stdout.slice(start + 1).search(/\n {0,2}[a-z_-]+:\n/);
      const worker = run.stdout.slice(start, end < 0 ? undefined : start + 1 + end);
      expect(worker).toMatch(/read_only: true/);
      expect(worker).toMatch(/restart: unless-stopped/);
      expect(worker).not.toMatch(/^\s+(container_name|ports):/m);
    },
  );
});
