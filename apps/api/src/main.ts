import { findExposedDevelopmentSecrets, loadConfig, type Config } from '@fluxquery/config';
import { createLogger, type Logger } from '@fluxquery/logger';
import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { buildApiDeps } from './api-deps';
import { createApp } from './app';
import { createHttpServer } from './http-server';

function main(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger({ service: 'api', level: config.logLevel });
  const deps = buildApiDeps(config, logger);
  const server = createHttpServer(createApp(deps)).listen(config.serverPort, config.serverHost || undefined, () =>
    announce(config, logger),
  );
  stopOnSignals(
    server,
    () => Promise.all([deps.queue.close(), deps.deliveries.close(), deps.subscriptions?.ticks.close()]),
    deps.redis,
    logger,
  );
}

function announce(config: Readonly<Config>, logger: Logger): void {
  logger.info('api.started', {
    port: config.serverPort,
    host: config.serverHost || 'every interface',
    env: config.appEnv,
    dashboard: Boolean(config.dashboard.password),
  });
  const exposed = findExposedDevelopmentSecrets(config, [config.serverHost]);
  if (exposed) {
    logger.error('config.development_secrets_exposed', {
      ...exposed,
      advice:
        'anyone who has read the FluxQuery repository knows these secrets: set your own, or SERVER_HOST=127.0.0.1 (APP_ENV=production refuses them)',
    });
  }
}

/**
 * Drain on SIGTERM or SIGINT: no new connections; idle keep-alive ones close now, requests in
 * flight may finish (a download may take a while) for up to 30 s, then whatever is left is cut.
 */
function stopOnSignals(
  server: Server,
  closeQueues: () => Promise<unknown>,
  redis: { disconnect(): void },
  logger: Logger,
): void {
  const stop = (signal: string): void => {
    logger.info('api.stopping', { signal });
    setTimeout(() => server.closeAllConnections(), 30_000).unref();
    server.close(() => {
      void closeQueues().finally(() => {
        redis.disconnect();
        process.exit(0);
      });
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

try {
  main();
} catch (error) {
  process.stderr.write(`api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
