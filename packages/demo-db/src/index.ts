export { seedDemoDatabase, type SeedOptions, type SeedResult } from './seed';
export { DEMO_SCHEMA } from './schema';
