import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds, from a fast status poll to a 10-minute export. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  rejected: Counter<'code'>;
  /** Sets how jobs are counted at scrape time (queue depth by state). */
  countJobsWith(read: () => Promise<Record<string, Record<string, number>>>): void;
  /** Sets how the oldest waiting export's age is read at scrape time (seconds). */
  ageOldestWaitingWith(read: () => Promise<number>): void;
}

/** The api's metrics, with Node's defaults, on a registry of its own (GET /metrics). */
export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let readCounts: (() => Promise<Record<string, Record<string, number>>>) | undefined;
  let readOldestAge: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'fluxquery_oldest_waiting_export_seconds',
    help: 'How long the oldest export that has not started yet has waited (0: none waits); read from Redis at scrape time',
    registers: [registry],
    async collect() {
      if (!readOldestAge) return;
      const age = await readOldestAge().catch(() => undefined);
      if (age !== undefined) this.set(age);
    },
  });
  new Gauge({
    name: 'fluxquery_jobs',
    help: 'Jobs in each queue by state (read from Redis at scrape time)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      if (!readCounts) return;
      const counts = await readCounts().catch(() => ({}));
      for (const [queue, states] of Object.entries(counts)) {
        for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
      }
    },
  });
  return {
    registry,
    httpRequests: new Counter({
      name: 'fluxquery_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'fluxquery_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'fluxquery_requests_rejected_total',
      help: 'Requests answered with an error, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    countJobsWith(read) {
      readCounts = read;
    },
    ageOldestWaitingWith(read) {
      readOldestAge = read;
    },
  };
}

export interface WorkerMetrics {
  registry: Registry;
  exportsFinished: Counter<'outcome' | 'format' | 'code'>;
  exportDuration: Histogram<'outcome' | 'format'>;
  rows: Counter<'format'>;
  bytes: Counter<'format'>;
  running: Gauge<'key'>;
  parked: Counter<'key'>;
  deliveries: Counter<'outcome' | 'method'>;
  subscriptionRuns: Counter<'outcome'>;
  schedulerRepairs: Counter<'kind'>;
}

/** A worker's metrics, with Node's defaults (served on METRICS_PORT). */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    exportsFinished: new Counter({
      name: 'fluxquery_exports_finished_total',
      help: 'Export attempts that ended, by outcome (completed, failed, cancelled), format and error code',
      labelNames: ['outcome', 'format', 'code'],
      registers: [registry],
    }),
    exportDuration: new Histogram({
      name: 'fluxquery_export_duration_seconds',
      help: 'Time an export attempt took, by outcome and format',
      labelNames: ['outcome', 'format'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    rows: new Counter({
      name: 'fluxquery_export_rows_total',
      help: 'Rows written by completed exports',
      labelNames: ['format'],
      registers: [registry],
    }),
    bytes: new Counter({
      name: 'fluxquery_export_bytes_total',
      help: 'Bytes stored by completed exports',
      labelNames: ['format'],
      registers: [registry],
    }),
    running: new Gauge({
      name: 'fluxquery_exports_running',
      help: 'Exports running in this process, by client key',
      labelNames: ['key'],
      registers: [registry],
    }),
    parked: new Counter({
      name: 'fluxquery_exports_parked_total',
      help: 'Times a job waited because its key already ran max_concurrent_exports',
      labelNames: ['key'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'fluxquery_deliveries_total',
      help: 'Delivery attempts that ended, by outcome (sent, failed, disabled) and method',
      labelNames: ['outcome', 'method'],
      registers: [registry],
    }),
    ...subscriptionMetrics(registry),
  };
}

/** Subscriptions' runs by outcome, and the reconciler's repairs (docs/subscriptions.md). */
function subscriptionMetrics(registry: Registry): Pick<WorkerMetrics, 'subscriptionRuns' | 'schedulerRepairs'> {
  return {
    subscriptionRuns: new Counter({
      name: 'fluxquery_subscription_runs_total',
      help: 'Subscription runs that reached an outcome (delivered, skipped, failed, missed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    schedulerRepairs: new Counter({
      name: 'fluxquery_subscription_scheduler_repairs_total',
      help: 'Job schedulers the reconciler repaired, by kind (missing, changed, stalled, orphan)',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
