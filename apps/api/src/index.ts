export { createApp } from './app';
export type { ApiDeps } from './context';
export { createRedisGuards, type RequestGuards } from './request-guards';
