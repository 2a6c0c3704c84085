/**
 * Every error the service can report, and what it means on the wire.
 * `retryable` tells the worker whether BullMQ should try the job again.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, retryable: false },
  INVALID_JSON: { status: 400, retryable: false },
  VALIDATION_FAILED: { status: 400, retryable: false },
  INVALID_QUERY: { status: 400, retryable: false },
  INVALID_CALLBACK_URL: { status: 400, retryable: false },
  MISSING_SIGNATURE: { status: 401, retryable: false },
  INVALID_SIGNATURE: { status: 401, retryable: false },
  TIMESTAMP_OUT_OF_WINDOW: { status: 401, retryable: false },
  UNAUTHORIZED: { status: 401, retryable: false },
  REPLAYED_REQUEST: { status: 401, retryable: false },
  UNKNOWN_KEY: { status: 401, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  SCHEMA_NOT_ALLOWED: { status: 403, retryable: false },
  RECIPIENT_NOT_ALLOWED: { status: 403, retryable: false },
  CALLBACK_NOT_ALLOWED: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false },
  IDEMPOTENCY_KEY_REUSED: { status: 409, retryable: false },
  ALREADY_FINISHED: { status: 409, retryable: false },
  SUBSCRIPTION_LIMIT_REACHED: { status: 409, retryable: false },
  RUN_IN_PROGRESS: { status: 409, retryable: true },
  SUBSCRIPTION_ENDED: { status: 409, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  INTERNAL: { status: 500, retryable: false },
  SERVICE_UNAVAILABLE: { status: 503, retryable: true },
  // Job failures: the status is what a caller would have got had the work run inline.
  INVALID_JOB: { status: 400, retryable: false },
  JOB_SEAL_INVALID: { status: 400, retryable: false },
  QUERY_FAILED: { status: 422, retryable: false },
  QUERY_TIMEOUT: { status: 422, retryable: false },
  EXPORT_TOO_LARGE: { status: 422, retryable: false },
  DATABASE_UNAVAILABLE: { status: 503, retryable: true },
  STORAGE_FAILED: { status: 503, retryable: true },
  CANCELLED: { status: 409, retryable: false },
  // Delivery failures: they never change the export's own status.
  EMAIL_REFUSED: { status: 502, retryable: false },
  EMAIL_FAILED: { status: 503, retryable: true },
  WEBHOOK_REFUSED: { status: 502, retryable: false },
  WEBHOOK_FAILED: { status: 503, retryable: true },
  // Download links (GET /download/:token).
  LINK_INVALID: { status: 403, retryable: false },
  LINK_EXPIRED: { status: 410, retryable: false },
  FILE_GONE: { status: 410, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function statusForCode(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
