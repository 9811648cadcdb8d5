import { describe, type TestContext } from 'vitest';
import { createContractContext } from './contract-context.js';
import { guardTests } from './guard-tests.js';
import { jobLifecycleTests } from './job-lifecycle-tests.js';
import { nodeStateTests } from './node-state-tests.js';
import type { SlurmCluster } from './slurm-cluster.js';

export { CONTRACT_CLUSTER, driverOptions } from './contract-context.js';
export { describeTimeLimits } from './time-limit-tests.js';

/**
 * The end-to-end behaviour every mode of the driver must show against a real Slurm, on the
 * cluster `clusterFor` hands out; `extra` adds the tests only that mode has.
 */
export function describeDriverContract(
  mode: 'rest' | 'cli',
  clusterFor: (ctx: TestContext) => SlurmCluster,
  extra?: (clusterFor: (ctx: TestContext) => SlurmCluster) => void,
) {
  describe(`Slurm driver, ${mode} mode, against a real Slurm 22.05`, () => {
    const t = createContractContext(mode, clusterFor);
    nodeStateTests(t);
    jobLifecycleTests(t);
    guardTests(t);
    extra?.(clusterFor);
  });
}
