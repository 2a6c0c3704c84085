import type { ErrorCode } from '@fluxquery/errors';
import type { JobState } from 'bullmq';

/** What callers see. The existing service had the first four; CANCELLED is ours. */
export type ExportStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export function toExportStatus(state: JobState | 'unknown', failure?: JobFailure): ExportStatus {
  switch (state) {
    case 'active':
      return 'PROCESSING';
    case 'completed':
      return 'COMPLETED';
    case 'failed':
      return failure?.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
    case 'waiting':
    case 'waiting-children':
    case 'delayed':
    case 'prioritized':
    case 'unknown':
      return 'PENDING';
  }
}

export interface JobFailure {
  code: ErrorCode | 'UNKNOWN';
  message: string;
}

// BullMQ keeps a failed job's reason as one string; the code rides in front of it so that
// Bull Board shows it too, and the status endpoint can split it back out.
const FAILURE = /^\[([A-Z_]+)\] ([\s\S]*)$/;

export function formatFailure(code: ErrorCode, message: string): string {
  return `[${code}] ${message}`;
}

export function parseFailure(reason: string | undefined): JobFailure | undefined {
  if (!reason) return undefined;
  const match = FAILURE.exec(reason);
  if (!match) return { code: 'UNKNOWN', message: reason };
  return { code: match[1] as ErrorCode, message: match[2] ?? '' };
}
