/*
 * @omega/hostinfo: pure readers of Linux /proc and /sys, and of the few tools that exist only as
 * commands, shared by the kernel's system capability and the node agent. Imports no Omega package.
 * Every reader takes a root (default `/`) so it can read a recorded tree; docs/hostinfo.md lists
 * each source, its cadence, and what "absent" looks like.
 */
export * from './cgroup/index.js';
export * from './cpu/index.js';
export { createRateTracker, type RateTracker } from './create-rate-tracker.js';
export { type Absent, absent, type Detected, present } from './detected.js';
export * from './errors/index.js';
export * from './io/index.js';
export * from './memory/index.js';
export * from './network/index.js';
export * from './numa/index.js';
export * from './raid/index.js';
export * from './report/resource-summary.js';
export * from './sampler/index.js';
export * from './storage/index.js';
export * from './thermal/index.js';
export type * from './types.js';
