// The API's request and answer shapes, as they travel (snake_case). The api builds its answers with
// these types and the client reads them with the same, so the two cannot drift apart unnoticed.

export type ExportStatusName = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type DeliveryStatusName = 'pending' | 'sent' | 'failed' | 'disabled' | 'skipped';

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

/** A subscription's schedule: five cron fields read on the wall clock of an IANA zone. */
export interface ScheduleBody {
  cron: string;
  time_zone: string;
  starts_at?: string | null;
  ends_at?: string | null;
  max_runs?: number | null;
}

export type SubscriptionCondition = 'always' | 'rows' | 'changed';
export type SubscriptionMisfire = 'skip' | 'run_once';

/** POST /subscriptions: the fields of POST /export, a schedule, and when to deliver. */
export interface SubscriptionRequestBody extends ExportRequestBody {
  name?: string;
  schedule: ScheduleBody;
  condition?: SubscriptionCondition;
  misfire?: SubscriptionMisfire;
}

/** PATCH /subscriptions/:id: any of these. */
export interface SubscriptionChangeBody {
  name?: string;
  schedule?: ScheduleBody;
  condition?: SubscriptionCondition;
  misfire?: SubscriptionMisfire;
  status?: 'active' | 'paused';
  email?: string;
  query?: string;
  callback_url?: string | null;
}

/** 201 from POST /subscriptions, and GET/PATCH /subscriptions/:id. */
export interface SubscriptionBody extends ExportRequestBody {
  subscription_id: string;
  name: string;
  status: 'active' | 'paused' | 'ended';
  status_reason: string | null;
  status_since: string;
  paused_by: 'owner' | 'failures' | 'policy' | 'unsubscribe' | null;
  next_run_at: string | null;
  schedule: Required<ScheduleBody>;
  condition: SubscriptionCondition;
  misfire: SubscriptionMisfire;
  run_count: number;
  consecutive_failures: number;
  running_job_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionListBody {
  subscriptions: SubscriptionBody[];
  total: number;
  next_offset: number | null;
}

/** One tick of a subscription (or one run now); `job_id`'s ordinary status says the rest. */
export interface SubscriptionRunBody {
  scheduled_at: string;
  trigger: 'schedule' | 'manual';
  outcome: 'running' | 'delivered' | 'skipped' | 'failed' | 'missed';
  reason: string | null;
  job_id: string | null;
  updated_at: string;
}

export interface SubscriptionRunsBody {
  runs: SubscriptionRunBody[];
  total: number;
}
