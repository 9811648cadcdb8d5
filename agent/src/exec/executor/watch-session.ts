import { watch } from 'node:fs';
import { EXIT_FILE } from '../supervisor/exit-record.js';
import { armDeadline } from './arm-deadline.js';
import type { ExecutorContext } from './executor-context.js';
import type { SessionRuntime } from './session-runtime.js';

/**
 * Starts watching a live session: exit.json appearing ends it at once (inotify); the deadline is
 * armed. Not once the executor is closing (a start that finished after close() stopped waiting
 * for it): a closed executor must not end sessions on its own; the next agent adopts it.
 */
export function watchSession(ctx: ExecutorContext, rt: SessionRuntime): void {
  if (ctx.closing) return;
  try {
    rt.watcher = watch(rt.dir, { persistent: false }, (_event, name) => {
      if (name === EXIT_FILE) void ctx.finalize(rt);
    });
    rt.watcher.on('error', () => {}); // the 1 s tick notices the end anyway
  } catch (err) {
    ctx.logger.warn(
      { session: rt.id, err: (err as Error).message },
      'cannot watch the session directory; its end is noticed by the 1 s tick',
    );
  }
  armDeadline(ctx, rt);
}
