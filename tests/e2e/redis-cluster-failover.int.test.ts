import { queueKeyPrefix } from '@fluxquery/export-job';
import { startOwnCluster, type OwnCluster } from '@fluxquery/testkit';
import { runFailoverScenario, startFailoverServices, type FailoverServices } from './failover-scenario';

// CLUSTER FAILOVER on the replica of the master that holds the export queue, in the middle of an
// export and of a stream of submissions, on a cluster of the test's own (three masters, three
// replicas), the service pointed at it by REDIS_CLUSTER_NODES alone.
let cluster: OwnCluster;
let services: FailoverServices;

beforeAll(async () => {
  cluster = await startOwnCluster();
  services = await startFailoverServices('e2e_redis_cluster_failover', {
    REDIS_CLUSTER_NODES: cluster.nodes,
    // Each master has one replica: a 202 once it holds the job.
    REDIS_WAIT_REPLICAS: '1',
  });
}, 90_000);

afterAll(async () => {
  await services?.close();
  await cluster?.close();
});

it('finishes the export once and every accepted job, and accepts again by itself', async () => {
  const queueKey = `${queueKeyPrefix(services.harness.prefix, 'exports')}:exports:meta`;
  const measured = await runFailoverScenario(services, () => cluster.failover(queueKey), 5_000);
  if (process.env.FQ_TEST_REPORT) process.stderr.write(`cluster failover: ${JSON.stringify(measured)}\n`);
}, 240_000);
