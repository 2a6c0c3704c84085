import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) used so far by each process whose command line matches, by label. */
export function cpuSecondsByProcess(labels: Record<string, RegExp>): Map<string, number> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const totals = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const label = Object.keys(labels).find((name) => labels[name]?.test(cmdline));
      if (!label) continue;
      // Fields after the command name, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      totals.set(label, (totals.get(label) ?? 0) + ticks / ticksPerSecond);
    } catch {
      // The process ended while we looked.
    }
  }
  return totals;
}

/** What each process used between two readings, as "label 1.2 s (34%)" of the interval's two-core… total. */
export function describeCpuBetween(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  return [...after]
    .map(([label, total]) => [label, total - (before.get(label) ?? 0)] as const)
    .filter(([, used]) => used > 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([label, used]) => `${label} ${used.toFixed(1)} s (${Math.round((100 * used) / seconds)}% of a core)`)
    .join(', ');
}
