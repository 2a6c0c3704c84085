// The rules of an export request, in one place: each field's limits and values (fields.ts), the
// one-plain-address rule, the time-zone check, and each field's joi rule (rules.ts), which the
// api's request parser and the export job's schema are both built from. Imports nothing of ours,
// and no package heavier than joi: the api validates a request without loading the mailer or the
// encoders.
export {
  MAX_QUERY_LENGTH,
  MAX_EMAIL_LENGTH,
  MAX_CALLBACK_URL_LENGTH,
  MAX_TIME_ZONE_LENGTH,
  MAX_NULL_TOKEN_LENGTH,
  EXPORT_FORMATS,
  FORMAT_ALIASES,
  COMPRESSIONS,
  CSV_PROFILE_NAMES,
  CSV_DELIMITERS,
  LINE_ENDINGS,
  type ExportFormat,
  type Compression,
  type CsvProfileName,
  type CsvRequestOptions,
} from './fields';
export { PLAIN_ADDRESS, isPlainAddress } from './plain-address';
export { isValidTimeZone } from './time-zone';
export { RULES } from './rules';
