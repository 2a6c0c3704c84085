import type { ChildProcess } from 'node:child_process';

/** SIGTERM to each process still running (a clean Redis shutdown), then waits until all have exited. */
export async function stopProcesses(children: readonly ChildProcess[]): Promise<void> {
  const exits = children.map((child) =>
    child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve(),
  );
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(exits);
}
