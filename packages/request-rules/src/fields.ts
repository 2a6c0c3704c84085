// The fields of an export request: their limits, the values each may take, and the names the
// wire uses for them. The api's request parser and the export job's schema both read them here.

export const MAX_QUERY_LENGTH = 100_000;
/** RFC 5321's limit for a forward path, less its angle brackets. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_CALLBACK_URL_LENGTH = 2048;
export const MAX_TIME_ZONE_LENGTH = 64;
export const MAX_NULL_TOKEN_LENGTH = 32;

export const EXPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** What requests may say, and the format each name means. */
export const FORMAT_ALIASES: Record<string, ExportFormat> = {
  csv: 'csv',
  json: 'json',
  jsonl: 'json',
  excel: 'xlsx',
  xlsx: 'xlsx',
};

export const COMPRESSIONS = ['gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const CSV_PROFILE_NAMES = ['rfc4180', 'excel'] as const;
export type CsvProfileName = (typeof CSV_PROFILE_NAMES)[number];
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export const LINE_ENDINGS = ['crlf', 'lf'] as const;

/** CSV settings as the request gave them; the worker lays them over the profile. */
export interface CsvRequestOptions {
  profile?: CsvProfileName;
  delimiter?: (typeof CSV_DELIMITERS)[number];
  bom?: boolean;
  nullToken?: string;
  header?: boolean;
  lineEnding?: (typeof LINE_ENDINGS)[number];
}
