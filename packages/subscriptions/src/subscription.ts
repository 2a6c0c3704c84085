import type { ExportRequestFields } from '@fluxquery/export-job';
import type { Schedule } from './schedule';

export type SubscriptionStatus = 'active' | 'paused' | 'ended';
/** When a run's file is delivered: always, only with rows, only when its sha256 differs from the last delivered. */
export type Condition = 'always' | 'rows' | 'changed';
/** A tick that everything was down for: recorded as missed, or run once on return (within the grace). */
export type Misfire = 'skip' | 'run_once';
/** Who paused it: its owner (PATCH), its failures, a policy it no longer meets, or its recipient. */
export type PausedBy = 'owner' | 'failures' | 'policy' | 'unsubscribe';

export const CONDITIONS: readonly Condition[] = ['always', 'rows', 'changed'];
export const MISFIRES: readonly Misfire[] = ['skip', 'run_once'];

/** What Redis holds of a subscription, sealed (subscription-store.ts). Times are unix ms. */
export interface Subscription {
  id: string;
  keyId: string;
  name: string;
  /** The export it makes at each tick: the fields of a checked POST /export request. */
  request: ExportRequestFields;
  schedule: Schedule;
  condition: Condition;
  misfire: Misfire;
  status: SubscriptionStatus;
  /** Why it is paused or ended. */
  statusReason?: string;
  statusSince: number;
  pausedBy?: PausedBy;
  createdAt: number;
  updatedAt: number;
  /** Ticks that made an export (max_runs counts these). */
  runCount: number;
  /** Runs that failed one after another; SUBSCRIPTION_MAX_FAILURES of them pause it. */
  consecutiveFailures: number;
  /** The last run whose file was delivered: `changed` compares with its sha256. */
  lastDelivered?: { tickMs: number; sha256: string };
  /** The run whose export has not ended yet: the next tick is skipped while it goes on. */
  activeRun?: { tickMs: number; jobId: string };
}

export type RunOutcome = 'running' | 'delivered' | 'skipped' | 'failed' | 'missed';

/** One tick of a subscription, or one run asked for with POST /subscriptions/:id/run. */
export interface SubscriptionRun {
  tickMs: number;
  trigger: 'schedule' | 'manual';
  outcome: RunOutcome;
  reason?: string;
  jobId?: string;
  /** When the outcome was last written. */
  at: number;
}
