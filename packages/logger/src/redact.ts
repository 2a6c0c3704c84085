import { format } from 'winston';

const SECRET_KEY = /secret|password|passwd|pass$|signature|authorization|cookie|token|dsn|credential/i;
// A URL or DSN with a password in it: scheme://user:PASSWORD@ or user:PASSWORD@tcp(
const INLINE_PASSWORD = /(\/\/[^:/@\s]+:|^[^:/@\s]+:)[^@\s]+@/g;

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.replace(INLINE_PASSWORD, '$1[REDACTED]@');
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[REDACTED]' : redactValue(child, depth + 1);
  }
  return out;
}

/** Replaces the values of secret-looking fields, and passwords inside URLs and DSNs, before any transport sees them. */
const redact = format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = SECRET_KEY.test(key) ? '[REDACTED]' : redactValue(info[key], 0);
  }
  return info;
});

export function redactSecrets(): ReturnType<typeof format.json> {
  return redact();
}

export { redactValue };
