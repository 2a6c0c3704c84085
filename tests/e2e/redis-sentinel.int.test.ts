import { startSentinelGroup, type SentinelGroup } from '@fluxquery/testkit';
import { runFailoverScenario, startFailoverServices, type FailoverServices } from './failover-scenario';

// A SENTINEL FAILOVER in the middle of an export and of a stream of submissions, on a Sentinel
// group of the test's own (one master, two replicas, three sentinels), the service pointed at it by
// REDIS_SENTINELS and REDIS_SENTINEL_NAME alone.
let group: SentinelGroup;
let services: FailoverServices;

beforeAll(async () => {
  group = await startSentinelGroup();
  services = await startFailoverServices('e2e_redis_sentinel', {
    REDIS_SENTINELS: group.sentinels,
    REDIS_SENTINEL_NAME: group.name,
    // A 202 only once both replicas hold the job, so that the one promoted has it.
    REDIS_WAIT_REPLICAS: '2',
  });
}, 90_000);

afterAll(async () => {
  await services?.close();
  await group?.close();
});

it('finishes the export once and every accepted job, answering 503 only until the new master has its replicas', async () => {
  // The old master rejoins as a replica when the sentinels next look at it: up to 10 s.
  const measured = await runFailoverScenario(services, () => group.failover(), 15_000);
  if (process.env.FQ_TEST_REPORT) process.stderr.write(`sentinel failover: ${JSON.stringify(measured)}\n`);
}, 240_000);
