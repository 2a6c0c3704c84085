export { createApp } from './app';
export type { ApiDeps } from './context';
export { createHttpServer, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './http-server';
export { loadOpenApi } from './routes/openapi.route';
export { measureQueues } from './queue-metrics';
