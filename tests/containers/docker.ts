import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '@fluxquery/testkit';
import type { Harness } from '../e2e/harness';
import { serviceEnvironment, type ServiceProcess, watchProcess } from '../e2e/service-process';

// The container suite's handles on Docker: the image scripts/test-containers.sh built, and the
// containers each test starts from it, as a deployment would (host network, read-only root).

/** The service's image, built from the repository's Dockerfile. */
export const IMAGE = process.env.FQ_IMAGE ?? 'fluxquery-export:test';
/** The base it was built on (NODE_IMAGE). */
export const NODE_IMAGE = process.env.FQ_NODE_IMAGE ?? 'node:20-bookworm-slim';

const run = promisify(execFile);

/** `docker …`; resolves with its stdout, trimmed; fails with its stderr. */
export function docker(...args: string[]): Promise<string> {
  return runTool('docker', args);
}

/** A command-line tool (docker, docker-compose): its stdout, trimmed; fails with its stderr. */
export async function runTool(program: string, args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run(program, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${program} ${args.join(' ')}: ${stderr ?? String(error)}`, { cause: error });
  }
}

/**
 * One program of the image in a container of its own, attached (its JSON log lines arrive on
 * stdout), as production runs it: host network, read-only root, a tmpfs /tmp, the test's storage
 * folder as the exports volume. The health check runs every 2 s instead of 10 s, to keep the test short.
 */
export function runContainer(
  name: string,
  app: 'api' | 'worker',
  harness: Harness,
  env: Record<string, string> = {},
): ServiceProcess {
  const settings = serviceEnvironment(harness, { ...env, LOCAL_STORAGE_PATH: '/app/exports' });
  const child = spawn(
    'docker',
    [
      ...['run', '--rm', '--name', name, '--network', 'host', '--read-only', '--tmpfs', '/tmp'],
      ...['-v', `${harness.storageRoot}:/app/exports`, '--health-interval', '2s', '--health-start-period', '0s'],
      ...Object.entries(settings).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      ...[IMAGE, 'node', `apps/${app}/dist/main.js`],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return watchProcess(child);
}

/** Waits until Docker reports each container healthy (its HEALTHCHECK passed). */
export async function waitUntilHealthy(names: string[], timeoutMs = 60_000): Promise<void> {
  const isHealthy = async (name: string) =>
    (await docker('inspect', '--format', '{{.State.Health.Status}}', name).catch(() => '')) === 'healthy';
  await waitFor(
    async () => (names.length > 0 && (await Promise.all(names.map(isHealthy))).every(Boolean) ? true : undefined),
    timeoutMs,
    500,
  );
}

/** Removes the containers, running or not; those already gone are no error. */
export async function removeContainers(names: string[]): Promise<void> {
  await Promise.all(names.map((name) => docker('rm', '-f', name).catch(() => undefined)));
}
