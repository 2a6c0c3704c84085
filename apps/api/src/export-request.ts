import { isValidTimeZone } from '@fluxquery/encoders';
import { AppError } from '@fluxquery/errors';
import {
  COMPRESSIONS,
  CSV_PROFILE_NAMES,
  FORMAT_ALIASES,
  type CsvRequestOptions,
  type ExportJobData,
} from '@fluxquery/export-job';
import { PLAIN_ADDRESS } from '@fluxquery/mailer';
import { MAX_QUERY_LENGTH } from '@fluxquery/sql-guard';
import { MAX_CALLBACK_URL_LENGTH } from '@fluxquery/webhooks';
import type { ExportRequestBody } from '@fluxquery/client';
import Joi from 'joi';

/** A checked request: the job's own fields, before the api adds its bookkeeping. */
export type ExportRequest = Omit<ExportJobData, 'schemaVersion' | 'requestId' | 'requestedAt'>;

/** The body as it travels: the same type the client package sends. */
type RawRequest = ExportRequestBody;

const timeZone = Joi.string()
  .max(64)
  .custom((value: string, helpers) =>
    isValidTimeZone(value)
      ? value
      : helpers.message({ custom: '"time_zone" must be UTC, ±HH:MM or an IANA zone name' }),
  );

const schema = Joi.object<RawRequest>({
  query: Joi.string().min(1).max(MAX_QUERY_LENGTH).required(),
  // One plain address (the mailer's own rule, which it checks again before sending): no display
  // name, list, group or line break can re-route the mail.
  email: Joi.string()
    .max(254)
    .email({ tlds: { allow: false }, multiple: false })
    .pattern(PLAIN_ADDRESS, 'one plain ASCII address')
    .required(),
  format: Joi.string()
    .valid(...Object.keys(FORMAT_ALIASES))
    .default('csv'),
  compression: Joi.string().valid(...COMPRESSIONS),
  csv: Joi.object({
    profile: Joi.string().valid(...CSV_PROFILE_NAMES),
    delimiter: Joi.string().valid(',', ';', '\t', 'tab'),
    bom: Joi.boolean(),
    // The NULL token must not be confused with a quoted field or break a line.
    null: Joi.string()
      .allow('')
      .max(32)
      // eslint-disable-next-line no-control-regex
      .pattern(/^[^"\r\n\u0000]*$/, 'no quotes, line breaks or NUL'),
    header: Joi.boolean(),
    line_ending: Joi.string().valid('crlf', 'lf'),
  }).when('format', {
    not: 'csv',
    then: Joi.forbidden().messages({ 'any.unknown': '"csv" options apply to format csv only' }),
  }),
  formula_guard: Joi.boolean(),
  time_zone: timeZone,
  // Checked further (scheme, addresses, the key's hosts) by the route, which knows the key.
  callback_url: Joi.string().min(1).max(MAX_CALLBACK_URL_LENGTH),
})
  .required()
  .unknown(false);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict: valid UTF-8, one JSON object, known fields only. Every problem is listed in `details`. */
export function parseExportRequest(body: Buffer): ExportRequest {
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
  const result = schema.validate(json, { abortEarly: false, convert: false });
  if (result.error) {
    const details = result.error.details.map((d) => ({ field: d.path.join('.'), message: d.message }));
    throw new AppError('VALIDATION_FAILED', details.map((d) => d.message).join('; '), { details });
  }
  return toExportRequest(result.value);
}

function toExportRequest(raw: RawRequest): ExportRequest {
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
