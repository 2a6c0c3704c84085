import { envSchema } from './config-schema';

interface Described {
  type?: string;
  flags?: { default?: string | number | boolean; description?: string; only?: boolean; presence?: string };
  allow?: unknown[];
  rules?: { name: string; args?: { limit?: number; options?: { scheme?: string[] } } }[];
  whens?: { then?: Described; otherwise?: Described }[];
}

const HEADER = `# Configuration

Every setting is an environment variable (a \`.env\` file in the working folder is read too). The
api, the workers and the CLI read the same ones and refuse to start on a bad value, listing every
problem at once. In production (\`APP_ENV=production\`) secrets and addresses have no defaults.

This file is generated from the configuration schema (\`packages/config/src/config-schema.ts\`) by
\`pnpm docs:config\`; a test fails when it is out of date. Client keys (\`CLIENT_KEYS\`) are described
in [security.md](security.md#client-keys).

| variable | default | rule | what it does |
| --- | --- | --- | --- |
`;

/** docs/configuration.md: every variable, its default, its rule and what it does. */
export function renderSettingsDoc(): string {
  const keys = (envSchema.describe() as { keys: Record<string, Described> }).keys;
  const rows = Object.entries(keys).map(([name, described]) => {
    const cells = [`\`${name}\``, defaultOf(described), ruleOf(described), described.flags?.description ?? ''];
    return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  });
  return `${HEADER}${rows.join('\n')}\n`;
}

function defaultOf(described: Described): string {
  const value = described.flags?.default ?? described.whens?.[0]?.otherwise?.flags?.default;
  if (value === undefined || value === '') return 'none';
  if (described.whens?.[0]?.otherwise?.flags?.default !== undefined && described.flags?.default === undefined) {
    return `\`${String(value)}\` (not in production)`;
  }
  // Durations are the one alternatives schema (seconds or `90s`); their defaults are milliseconds.
  if (described.type === 'alternatives' && typeof value === 'number') return `\`${formatDuration(value)}\``;
  return `\`${String(value)}\``;
}

function ruleOf(described: Described): string {
  const parts: string[] = [];
  const type = described.type === 'alternatives' ? 'duration' : (described.type ?? 'any');
  if (described.flags?.only && described.allow) {
    parts.push(`one of ${described.allow.map((v) => (v === '' ? '(empty)' : `\`${String(v)}\``)).join(', ')}`);
  } else {
    parts.push(type === 'boolean' ? 'true/false (1/0, yes/no, on/off)' : type);
  }
  for (const rule of described.rules ?? []) {
    if (rule.name === 'min') parts.push(`≥ ${rule.args?.limit}`);
    if (rule.name === 'max') parts.push(`≤ ${rule.args?.limit}`);
    if (rule.name === 'integer') parts.push('whole');
    if (rule.name === 'uri') parts.push(`${(rule.args?.options?.scheme ?? []).join('/')} URL`);
  }
  const production = described.whens?.[0]?.then;
  if (production?.flags?.presence === 'required') parts.push('required in production');
  const productionMin = production?.rules?.find((rule) => rule.name === 'min')?.args?.limit;
  if (productionMin) parts.push(`≥ ${productionMin} characters in production`);
  return parts.join(', ');
}

function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
