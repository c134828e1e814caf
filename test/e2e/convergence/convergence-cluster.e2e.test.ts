import { Cluster } from 'ioredis';
import { inject } from 'vitest';
import { externalRedisTarget } from '../../support/convergence-redis.ts';
import { convergenceSuite } from '../../support/convergence-suite.ts';

// The test set-up's three-master Cluster (REDIS_CLUSTER_NODES, else started on free ports): inlet runs on it through
// `redis.cluster: true`. It is shared, so the histories have no DEBUG SLEEP or restart steps (the private-Redis suite
// has them); 2 histories keep the file near a minute.
const nodes = inject('redisClusterNodes');
const seeds = nodes
  .split(',')
  .filter((node) => node !== '')
  .map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) }));

convergenceSuite({
  name: 'on a three-master Redis Cluster (redis.cluster: true)',
  startRedis: async () =>
    externalRedisTarget(seeds.map(({ host, port }) => `redis://${host}:${port}`).join(','), {
      label: 'redis cluster',
      redisYaml: ['cluster: true'],
      connect: () => new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: 1 } }),
    }),
  runs: 2,
  seed: 20261203,
  skip: nodes === '' ? 'no Redis Cluster (set REDIS_CLUSTER_NODES or put redis-server on the PATH)' : undefined,
});
