import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * `node tools/bench/dist/profile-summary.js FILE.cpuprofile [--top 25]`: where a process spent its
 * CPU, from a `node --cpu-prof` profile (as `pnpm bench --service --profile DIR` writes them): the
 * share of samples by package (or Node's own code), and the functions with the most self time.
 */
function main(): void {
  const [file, flag, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [--top N]');
  const top = flag === '--top' ? Number(count) : 25;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfMs = selfTimes(profile);
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (ms === 0) continue;
    const place = placeOf(node.callFrame.url, node.callFrame.functionName);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const out = (title: string, entries: Map<string, number>, limit: number): void => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, ms] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      process.stdout.write(
        `${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}\n`,
      );
    }
  };
  process.stdout.write(`${path.basename(file)}: ${(total / 1000).toFixed(2)} s sampled\n`);
  out('by package', byPlace, 20);
  out('by function (self time)', byFunction, top);
}

/** Each node's own time in ms, from the sample deltas (hitCount alone misses the sampling interval). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    const id = samples[i] as number;
    times.set(id, (times.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000);
  }
  return times;
}

function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^.*\/(packages|apps)\//, '$1/');
}

// Piped into head: a closed stdout is the reader's choice, not a failure.
process.stdout.on('error', () => process.exit(0));
main();
