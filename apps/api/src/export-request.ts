import { AppError } from '@fluxquery/errors';
import type { ExportRequestFields } from '@fluxquery/export-job';
import { FORMAT_ALIASES, RULES, type CsvRequestOptions } from '@fluxquery/request-rules';
import type { ExportRequestBody } from '@fluxquery/client';
import Joi from 'joi';

/** A checked request: the job's own fields, before the api adds its bookkeeping. */
export type ExportRequest = ExportRequestFields;

/** The body as it travels: the same type the client package sends. */
type RawRequest = ExportRequestBody;

// The wire's names over the rules the job schema also uses (packages/request-rules); a
// subscription's request has the same fields (subscription-request.ts).
export const EXPORT_FIELDS = {
  query: RULES.query.required(),
  email: RULES.email.required(),
  format: Joi.string()
    .valid(...Object.keys(FORMAT_ALIASES))
    .default('csv'),
  compression: RULES.compression,
  csv: Joi.object({
    profile: RULES.csvProfile,
    delimiter: Joi.alternatives(RULES.csvDelimiter, Joi.string().valid('tab')),
    bom: Joi.boolean(),
    null: RULES.csvNullToken,
    header: Joi.boolean(),
    line_ending: RULES.lineEnding,
  }).when('format', {
    not: 'csv',
    then: Joi.forbidden().messages({ 'any.unknown': '"csv" options apply to format csv only' }),
  }),
  formula_guard: Joi.boolean(),
  time_zone: RULES.timeZone,
  // Checked further (scheme, addresses, the key's hosts) by the route, which knows the key.
  callback_url: RULES.callbackUrl,
};

const schema = Joi.object<RawRequest>(EXPORT_FIELDS).required().unknown(false);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict: valid UTF-8, one JSON object, known fields only. Every problem is listed in `details`. */
export function parseExportRequest(body: Buffer): ExportRequest {
  return toExportRequest(validateBody(schema, readJsonObject(body)));
}

/** The body as one JSON object: valid UTF-8, valid JSON, an object. */
export function readJsonObject(body: Buffer): object {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new AppError('INVALID_JSON', 'the request body is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_JSON', 'the request body is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new AppError('VALIDATION_FAILED', 'the request body must be a JSON object');
  }
  return json;
}

/** The schema's value, or a 400 that lists every problem in `details`. */
export function validateBody<T>(rules: Joi.ObjectSchema<T>, json: object): T {
  const result = rules.validate(json, { abortEarly: false, convert: false });
  if (result.error) {
    const details = result.error.details.map((d) => ({ field: d.path.join('.'), message: d.message }));
    throw new AppError('VALIDATION_FAILED', details.map((d) => d.message).join('; '), { details });
  }
  return result.value;
}

export function toExportRequest(raw: RawRequest): ExportRequest {
  const format = FORMAT_ALIASES[raw.format ?? 'csv'] ?? 'csv';
  const csv = raw.csv ? toCsvOptions(raw.csv) : undefined;
  return {
    query: raw.query,
    email: raw.email,
    format,
    ...(raw.compression ? { compression: raw.compression } : {}),
    ...(csv ? { csv } : {}),
    ...(raw.formula_guard !== undefined ? { formulaGuard: raw.formula_guard } : {}),
    ...(raw.time_zone ? { timeZone: raw.time_zone } : {}),
    ...(raw.callback_url ? { callbackUrl: raw.callback_url } : {}),
  };
}

function toCsvOptions(raw: NonNullable<RawRequest['csv']>): CsvRequestOptions {
  const delimiter = raw.delimiter === 'tab' ? '\t' : raw.delimiter;
  // Every profile's delimiter is a comma, so that is what a token must avoid when none is given.
  if (raw.null?.includes(delimiter ?? ',')) {
    throw new AppError('VALIDATION_FAILED', '"csv.null" must not contain the delimiter', {
      details: [{ field: 'csv.null', message: '"csv.null" must not contain the delimiter' }],
    });
  }
  return {
    ...(raw.profile ? { profile: raw.profile } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(raw.bom !== undefined ? { bom: raw.bom } : {}),
    ...(raw.null !== undefined ? { nullToken: raw.null } : {}),
    ...(raw.header !== undefined ? { header: raw.header } : {}),
    ...(raw.line_ending ? { lineEnding: raw.line_ending } : {}),
  };
}
