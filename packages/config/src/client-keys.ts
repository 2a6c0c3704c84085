import Joi from 'joi';
import { parseDurationMs } from './duration';

export interface ClientLimits {
  /** The export fails once its query returns more rows than this. */
  maxRows: number;
  /** The export fails once the stored file (after compression) would grow past this. */
  maxBytes: number;
  /** The whole export: query, encoding and storage. */
  timeoutMs: number;
  /** POST /export per key per minute, across every api replica. */
  exportsPerMinute: number;
  /** Signed requests of any kind (status polls included) per key per minute. */
  requestsPerMinute: number;
  /** Exports of this key running at once, across every worker process (fairness between keys). */
  maxConcurrentExports: number;
}

export interface ClientKey {
  keyId: string;
  /** Every secret that may sign; two while a key is being rotated. */
  secrets: string[];
  /** Schemas this key's queries may read; by default, the database of MYSQL_DSN. */
  allowedSchemas: string[];
  /** Lower-case domains the key may send exports to; absent: any. */
  allowedRecipientDomains?: string[];
  /** Hosts (exact, or `*.example.com`) the key's webhooks may call; absent: any public host. */
  allowedCallbackHosts?: string[];
  limits: ClientLimits;
}

/** The key v1 requests without X-Key-Id are signed with: API_SECRET. */
export const DEFAULT_KEY_ID = 'default';

interface RawClientKey {
  key_id: string;
  secrets: string[];
  allowed_schemas?: string[];
  allowed_recipient_domains?: string[];
  allowed_callback_hosts?: string[];
  limits?: {
    max_rows?: number;
    max_bytes?: number;
    timeout?: string | number;
    exports_per_minute?: number;
    requests_per_minute?: number;
    max_concurrent_exports?: number;
  };
}

const secretSchema = (minLength: number) => Joi.string().min(minLength).max(512);

const clientKeysSchema = (minSecretLength: number) =>
  Joi.array()
    .items(
      Joi.object<RawClientKey>({
        key_id: Joi.string()
          .pattern(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -')
          .required(),
        secrets: Joi.array().items(secretSchema(minSecretLength)).min(1).max(5).unique().required(),
        allowed_schemas: Joi.array()
          .items(Joi.string().pattern(/^[A-Za-z0-9_$-]{1,64}$/, 'a plain schema name'))
          .min(1),
        allowed_recipient_domains: Joi.array()
          .items(Joi.string().domain({ tlds: false }).lowercase())
          .min(1),
        allowed_callback_hosts: Joi.array()
          .items(
            Joi.string()
              .lowercase()
              .pattern(
                /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
                'a host name or *.domain',
              ),
          )
          .min(1),
        limits: Joi.object({
          max_rows: Joi.number().integer().min(1),
          max_bytes: Joi.number().integer().min(1024),
          timeout: Joi.alternatives(Joi.string(), Joi.number()),
          exports_per_minute: Joi.number().integer().min(1),
          requests_per_minute: Joi.number().integer().min(1),
          max_concurrent_exports: Joi.number().integer().min(1).max(1000),
        }).unknown(false),
      }).unknown(false),
    )
    .unique('key_id');

/**
 * CLIENT_KEYS (JSON text) or CLIENT_KEYS_FILE (a path to the same JSON): a list of keys, each with
 * its own secrets, schemas, recipient domains and limits. Values a key leaves out come from the
 * global settings. docs/security.md shows the format.
 */
export function parseClientKeys(
  text: string,
  source: string,
  defaults: { limits: ClientLimits; allowedSchemas: string[]; minSecretLength: number },
): ClientKey[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  const result = clientKeysSchema(defaults.minSecretLength).validate(json, { abortEarly: false, convert: true });
  if (result.error) throw new Error(`${source}: ${result.error.details.map((d) => d.message).join('; ')}`);
  return result.value.map((raw) => toClientKey(raw, source, defaults));
}

function toClientKey(
  raw: RawClientKey,
  source: string,
  defaults: { limits: ClientLimits; allowedSchemas: string[] },
): ClientKey {
  const limits = raw.limits ?? {};
  const timeoutMs = limits.timeout === undefined ? defaults.limits.timeoutMs : parseDurationMs(String(limits.timeout));
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new Error(`${source}: key ${raw.key_id}: limits.timeout must be seconds or a duration such as 90s, 5m`);
  }
  return {
    keyId: raw.key_id,
    secrets: raw.secrets,
    allowedSchemas: raw.allowed_schemas ?? defaults.allowedSchemas,
    ...(raw.allowed_recipient_domains ? { allowedRecipientDomains: raw.allowed_recipient_domains } : {}),
    ...(raw.allowed_callback_hosts ? { allowedCallbackHosts: raw.allowed_callback_hosts } : {}),
    limits: {
      maxRows: limits.max_rows ?? defaults.limits.maxRows,
      maxBytes: limits.max_bytes ?? defaults.limits.maxBytes,
      timeoutMs,
      exportsPerMinute: limits.exports_per_minute ?? defaults.limits.exportsPerMinute,
      requestsPerMinute: limits.requests_per_minute ?? defaults.limits.requestsPerMinute,
      maxConcurrentExports: limits.max_concurrent_exports ?? defaults.limits.maxConcurrentExports,
    },
  };
}
