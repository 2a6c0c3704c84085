// `pnpm test:mutation [target…]`: StrykerJS on the security packages, one target after another
// (sql-guard-walk, sql-guard-lexer, signing, callback-address; tools/mutation/targets.cjs), each failing below 90%.
// Not part of `npm test`: it takes tens of minutes. Scores are summed up at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '../..');
const targets = Object.keys(createRequire(import.meta.url)('./targets.cjs'));
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : targets;
const unknown = chosen.filter((name) => !targets.includes(name));
if (unknown.length > 0) {
  console.error(`unknown target ${unknown.join(', ')}; one of ${targets.join(', ')}`);
  process.exit(2);
}

const summary = [];
let failed = false;
for (const name of chosen) {
  const started = Date.now();
  const run = spawnSync('pnpm', ['exec', 'stryker', 'run', 'tools/mutation/stryker.config.cjs'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FQ_MUTATION_TARGET: name },
  });
  failed ||= run.status !== 0;
  summary.push(`${name}: ${score(name) ?? 'no report'} (${Math.round((Date.now() - started) / 60_000)} min)`);
}
console.log(`\nmutation scores (break below 90%):\n  ${summary.join('\n  ')}`);
process.exit(failed ? 1 : 0);

/** Killed, timed out and (none here) runtime-error mutants over all that were tested. */
function score(name) {
  const file = path.join(root, `reports/mutation/${name}.json`);
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = {};
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const parts = Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return `${((100 * detected) / valid).toFixed(1)}% (${parts})`;
}
