export { createApp } from './app';
export type { ApiDeps } from './context';
