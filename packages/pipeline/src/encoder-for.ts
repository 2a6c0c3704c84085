import {
  createCsvEncoder,
  createJsonLinesEncoder,
  createXlsxEncoder,
  CSV_PROFILES,
  DEFAULT_CSV_OPTIONS,
  type CsvOptions,
  type Encoder,
} from '@fluxquery/encoders';
import { AppError } from '@fluxquery/errors';
import type { ExportJobData } from '@fluxquery/export-job';
import { isValidTimeZone } from '@fluxquery/request-rules';

/**
 * The encoder a job asked for. CSV settings are laid in order: the defaults (or the named
 * profile), then each setting the request gave, then `formulaGuard` if the request set it.
 */
export function encoderFor(data: ExportJobData): Encoder {
  const timeZone = data.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new AppError('INVALID_JOB', `unknown time zone "${timeZone}"`);
  switch (data.format) {
    case 'csv':
      return createCsvEncoder(csvOptionsFor(data, timeZone));
    case 'json':
      return createJsonLinesEncoder({ timeZone });
    case 'xlsx':
      return createXlsxEncoder({ formulaGuard: data.formulaGuard ?? true, timeZone });
  }
}

function csvOptionsFor(data: ExportJobData, timeZone: string): CsvOptions {
  const requested = data.csv ?? {};
  const base: CsvOptions = requested.profile
    ? { ...CSV_PROFILES[requested.profile], timeZone }
    : { ...DEFAULT_CSV_OPTIONS, timeZone };
  return {
    ...base,
    ...(requested.delimiter !== undefined ? { delimiter: requested.delimiter } : {}),
    ...(requested.bom !== undefined ? { bom: requested.bom } : {}),
    ...(requested.nullToken !== undefined ? { nullToken: requested.nullToken } : {}),
    ...(requested.header !== undefined ? { header: requested.header } : {}),
    ...(requested.lineEnding !== undefined ? { lineEnding: requested.lineEnding === 'lf' ? '\n' : '\r\n' } : {}),
    ...(data.formulaGuard !== undefined ? { formulaGuard: data.formulaGuard } : {}),
  };
}
