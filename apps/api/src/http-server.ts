import type { Express } from 'express';
import { createServer, type Server } from 'node:http';

export interface HttpTimeouts {
  /** The whole header block must arrive within this (a slow-headers client is cut off with 408). */
  headersMs: number;
  /** The whole request, body included. A download's response is not limited by it. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

/**
 * The api's HTTP server, with limits on how long a client may take: Node's defaults let a client
 * that sends its headers a byte at a time hold a socket for a minute, checked only every 30 s.
 */
export function createHttpServer(app: Express, timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS): Server {
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // How often Node looks for connections past those limits.
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    app,
  );
  return server;
}
