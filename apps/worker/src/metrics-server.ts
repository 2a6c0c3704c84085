import type { WorkerMetrics } from '@fluxquery/metrics';
import { createServer, type Server } from 'node:http';

export interface WorkerProbes {
  /** Throws when the worker cannot do its work: the database or the store is out of reach. */
  checkReady(): Promise<void>;
}

/** Where the server listens: METRICS_HOST, and the first free port from `first` to `last`. */
export interface MetricsAddress {
  /** METRICS_HOST: loopback unless the worker runs in a container. */
  host: string;
  first: number;
  last: number;
}

/**
 * A worker has no api of its own; this small server on METRICS_PORT gives Prometheus its metrics
 * and an orchestrator `/healthz` (the process runs) and `/readyz` (MySQL and storage answer). With a
 * range of ports, a port another process holds is passed over for the next (several workers on one
 * host network); `onListening` names the one taken, `onError` says when none was free.
 */
export function startMetricsServer(
  address: MetricsAddress,
  metrics: WorkerMetrics,
  probes: WorkerProbes,
  events: { onError: (error: Error) => void; onListening: (port: number) => void },
): Server {
  const server = createServer((req, res) => {
    const answer = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' }).end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return answer(405, 'text/plain', 'GET only\n');
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => answer(200, metrics.registry.contentType, text),
        () => answer(500, 'text/plain', 'metrics failed\n'),
      );
      return;
    }
    if (path === '/healthz') return answer(200, 'application/json', '{"status":"ok"}');
    if (path === '/readyz') {
      probes.checkReady().then(
        () => answer(200, 'application/json', '{"status":"ready"}'),
        (error: unknown) =>
          answer(503, 'application/json', JSON.stringify({ status: 'unavailable', reason: describe(error) })),
      );
      return;
    }
    answer(404, 'text/plain', 'not found\n');
  });
  // A taken port must not stop the exports: the next in the range is tried; after the last, the
  // worker runs on without metrics, and says so.
  let port = address.first;
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || port >= address.last) return events.onError(error);
    port += 1;
    server.listen(port, address.host);
  });
  server.on('listening', () => events.onListening(port));
  server.listen(port, address.host);
  return server;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}
