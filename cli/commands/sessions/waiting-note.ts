import { kernelApi } from '../../kernel-api.js';
import { listingLine } from '../../listing-line.js';
import { terminalSafe } from '../../terminal-safe.js';
import type { Values } from './flags.js';
import type { SessionView } from './session-view.js';
import { stateLine } from './state-line.js';

/** States in which a session has no output because it is not running on a node yet. */
export const WAITING = new Set(['pending', 'starting']);

const session = async (values: Values, id: string): Promise<SessionView> =>
  (await kernelApi(values).get('/api/v1/sessions/{id}', { path: { id } })) as SessionView;

/**
 * For a follower: says on stderr why a pending session has no output yet (`ID  pending: REASON`),
 * the first time and again only when the reason changes (starting, a moment on the way to
 * running, is not said). `said` is a line already printed (run -f prints the new session's), so
 * it is not repeated.
 */
export function waitingNote(values: Values, id: string, said?: string): () => Promise<void> {
  let last = said;
  return async () => {
    const s = await session(values, id);
    if (s.status.state !== 'pending') return;
    const line = stateLine(s);
    if (line === last) return;
    last = line;
    process.stderr.write(terminalSafe(`${line}\n`));
  };
}

/** For a one-off read: one line on stderr saying the session has no output yet, and why. */
export async function noOutputYet(values: Values, id: string): Promise<void> {
  const s = await session(values, id);
  const why = s.status.reason ? ` (${s.status.reason})` : '';
  const line = listingLine([`omega: ${id} has no output yet: it is ${s.status.state}${why}`]);
  process.stderr.write(terminalSafe(`${line}\n`));
}
