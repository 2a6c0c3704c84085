export { createTestDatabase, testServer, type TestDatabase, type TestServer } from './test-database';
export { uniquePrefix, deleteRedisPrefix, TEST_REDIS_URL } from './test-redis';
export { waitFor } from './wait-for';
