import { cliOnlyTests } from './cli-only-tests.js';
import { CONTRACT_CLUSTER, describeDriverContract, describeTimeLimits } from './driver-contract.js';
import { restOnlyTests } from './rest-only-tests.js';
import { useSlurmCluster } from './use-slurm-cluster.js';

// One private cluster for both modes: `main` carries the tests, `aux` the time-limit jobs that
// run through all of them (a time limit is at least a minute in Slurm).
const clusterFor = useSlurmCluster(CONTRACT_CLUSTER);
const timeLimits = describeTimeLimits(clusterFor);

timeLimits.start();
describeDriverContract('rest', clusterFor, restOnlyTests);
describeDriverContract('cli', clusterFor, cliOnlyTests);
timeLimits.check();
