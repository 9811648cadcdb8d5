import { connect } from 'node:net';
import type { Daemon } from './daemon.js';
import { waitFor } from './run.js';

/**
 * Waits (bounded) until `check` holds, failing at once with the daemon's output when one of
 * `daemons` exits meanwhile, and with every daemon's last lines on a timeout.
 */
export async function untilReady(
  daemons: Daemon[],
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  await waitFor(
    what,
    async () => {
      const dead = daemons.find((d) => d.exited !== null);
      if (dead)
        throw new Error(`${dead.name} exited (${dead.exited}) while waiting for ${what}:\n${dead.tail()}`);
      return (await check()) || undefined;
    },
    timeoutMs,
    everyMs,
  ).catch((e: Error) => {
    if (e.message.startsWith('Timed out')) {
      throw new Error(`${e.message}\n${daemons.map((d) => `── ${d.name}\n${d.tail()}`).join('\n')}`);
    }
    throw e;
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
