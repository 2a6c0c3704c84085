export { createApp } from './app';
export type { ApiDeps } from './context';
export { createRedisGuards, type RequestGuards } from './request-guards';
export { createHttpServer, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './http-server';
export { createCancelledJobs, type CancelledJobs } from './cancelled-jobs';
export { loadOpenApi } from './routes/openapi.route';
