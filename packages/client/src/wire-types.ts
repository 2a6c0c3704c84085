// The API's request and answer shapes, as they travel (snake_case). The api builds its answers with
// these types and the client reads them with the same, so the two cannot drift apart unnoticed.

export type ExportStatusName = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type DeliveryStatusName = 'pending' | 'sent' | 'failed' | 'disabled';

/** POST /export. Only `query` and `email` are required. */
export interface ExportRequestBody {
  query: string;
  email: string;
  format?: 'csv' | 'json' | 'jsonl' | 'excel' | 'xlsx';
  compression?: 'gzip' | 'none';
  csv?: {
    profile?: 'rfc4180' | 'excel';
    delimiter?: ',' | ';' | '\t' | 'tab';
    bom?: boolean;
    null?: string;
    header?: boolean;
    line_ending?: 'crlf' | 'lf';
  };
  formula_guard?: boolean;
  time_zone?: string;
  callback_url?: string;
}

/** 202 from POST /export. `status` is absent when an Idempotency-Key replayed an earlier request. */
export interface SubmittedBody {
  job_id: string;
  status?: 'PENDING';
  status_url: string;
}

export interface ProgressBody {
  rows: number;
  bytes: number;
  elapsed_ms: number;
  rows_per_second: number;
  estimated_rows: number | null;
  percent: number | null;
}

export interface ResultBody {
  rows: number;
  bytes: number;
  sha256: string;
  storage: 'local' | 's3';
  storage_key: string;
  download_url: string;
  download_expires_at: string;
  file_name: string;
  content_type: string;
  compression: 'gzip' | 'none';
  duration_ms: number;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

export interface EmailDeliveryBody {
  status: DeliveryStatusName;
  method: 'attachment' | 'link' | null;
  attempts: number;
  error: ErrorInfo | null;
  sent_at: string | null;
}

export interface WebhookDeliveryBody {
  status: DeliveryStatusName;
  attempts: number;
  error: ErrorInfo | null;
  http_status: number | null;
  sent_at: string | null;
}

/** GET /export/:id, and the body of a webhook. */
export interface ExportStatusBody {
  job_id: string | undefined;
  status: ExportStatusName;
  format: 'csv' | 'json' | 'xlsx';
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  progress: ProgressBody;
  result: ResultBody | null;
  error: ErrorInfo | null;
  /** A cancel someone asked for (DELETE), and how it ended; null when nobody did. */
  cancel: CancelBody | null;
  delivery: { email: EmailDeliveryBody; webhook: WebhookDeliveryBody | null };
}

/** `too_late`: DELETE answered 202, but the export finished (or failed for good) before it stopped. */
export interface CancelBody {
  /** When it was first asked for; null for a request an older version recorded without a time. */
  requested_at: string | null;
  outcome: 'pending' | 'cancelled' | 'too_late';
}

/** Every error answer. */
export interface ErrorBody {
  error: ErrorInfo & { requestId?: string; details?: { field: string; message: string }[] };
}

export const FINAL_STATUSES: readonly ExportStatusName[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
