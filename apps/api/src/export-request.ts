import { AppError } from '@fluxquery/errors';
import { COMPRESSIONS, EXPORT_FORMATS, type Compression, type ExportFormat } from '@fluxquery/export-job';
import Joi from 'joi';

export interface ExportRequest {
  query: string;
  email: string;
  format: ExportFormat;
  compression?: Compression;
}

const schema = Joi.object({
  query: Joi.string().min(1).max(100_000).required(),
  // One plain address: no display name, list, group or line break can re-route the mail.
  email: Joi.string()
    .max(254)
    .email({ tlds: { allow: false }, multiple: false })
    .required(),
  format: Joi.string()
    .valid(...EXPORT_FORMATS)
    .default('csv'),
  compression: Joi.string().valid(...COMPRESSIONS),
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
  const result = schema.validate(json, { abortEarly: false, convert: false }) as Joi.ValidationResult<ExportRequest>;
  if (result.error) {
    const details = result.error.details.map((d) => ({ field: d.path.join('.'), message: d.message }));
    throw new AppError('VALIDATION_FAILED', details.map((d) => d.message).join('; '), { details });
  }
  return result.value;
}
