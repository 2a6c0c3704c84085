// The demo database: its schema (users, transactions) and the set-based seeder behind
// `pnpm db:seed` and `npm start`. Imports nothing of ours.
export { seedDemoDatabase, type SeedOptions, type SeedResult } from './seed';
export { DEMO_SCHEMA } from './schema';
