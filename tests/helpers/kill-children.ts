import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** SIGKILLs the child processes still running and resolves once every one of them has exited. */
export async function killChildren(children: ChildProcess[]): Promise<void> {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exits = running.map((c) => once(c, 'exit'));
  for (const c of running) c.kill('SIGKILL');
  await Promise.all(exits);
}
