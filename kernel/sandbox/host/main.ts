import { Socket } from 'node:net';
import { runHost } from './run-host.js';

/**
 * Entry of a plugin-host child process (spawned by kernel/sandbox with --no-node-snapshot,
 * under an RLIMIT_DATA cap). fd 3 is a socketpair to the kernel.
 */
runHost(new Socket({ fd: 3, readable: true, writable: true }));
