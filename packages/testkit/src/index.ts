// Test helpers, for tests only: a database per test file, a Redis prefix per test file, waitFor,
// an S3 server (s3rver) and an SMTP server (smtp-server + mailparser) in process. Imports nothing
// of ours.
export { createTestDatabase, testServer, type TestDatabase, type TestServer } from './test-database';
export {
  uniquePrefix,
  deleteRedisPrefix,
  connectTestRedis,
  findRedisKeys,
  type TestRedis,
  testRedisEnv,
  TEST_REDIS_URL,
  TEST_REDIS_CLUSTER_NODES,
} from './test-redis';
export { waitFor } from './wait-for';
export { startTestS3, type TestS3, type TestS3Options } from './test-s3';
export { startTestSmtp, type TestSmtp, type ReceivedMail } from './test-smtp';
export { createOwnRedis, freePort, type OwnRedis } from './own-redis';
export { startSentinelGroup, type SentinelGroup } from './sentinel-group';
export { startOwnCluster, type OwnCluster } from './own-cluster';
export { startTlsRedis, type TlsRedis } from './tls-redis';
