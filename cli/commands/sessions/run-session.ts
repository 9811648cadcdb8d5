import { constants } from 'node:os';
import { ApiError } from '../../api-client.js';
import { output } from '../../output.js';
import { terminalSafe } from '../../terminal-safe.js';
import type { ActionHandler } from './action-handler.js';
import { copyLogs } from './copy-logs.js';
import type { SessionView } from './session-view.js';
import { specFromFlags } from './spec-from-flags.js';
import { stateLine } from './state-line.js';

/**
 * Rethrows the kernel's refusal of a new session in the words that help: every field a
 * validation error names (the detail names the first only), and for a quota what to do
 * (not the generic "ask for the permission" of a 403).
 */
async function explained<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const problem = err.problem as { detail?: string; errors?: Array<{ field: string; message: string }> };
    if (Array.isArray(problem.errors) && problem.errors.length > 1)
      err.message = `invalid session: ${problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
    else if (err.code === 'SESSIONS_ERR_QUOTA' && problem.detail)
      err.message = `${problem.detail} End one of your sessions (omega sessions list), or ask an admin to raise the quota.`;
    throw err;
  }
}

/** The exit code `run --follow` ends with: the session's own, 128+signal, or 1 when it did not complete. */
export function exitCodeOf(s: SessionView): number {
  const e = s.status.exit;
  if (s.status.state === 'completed') return 0;
  if (e?.code !== null && e?.code !== undefined) return e.code === 0 ? 1 : e.code;
  const sig = e?.signal ? constants.signals[e.signal as keyof typeof constants.signals] : undefined;
  return sig ? 128 + sig : 1;
}

/**
 * `sessions run [flags] -- CMD ARGS`: starts a session; with `-f` copies its stdout to stdout and
 * its stderr to stderr (both followed at once) and exits with its code.
 */
export const runSession: ActionHandler = async (values, args, api) => {
  const json = values.json === true;
  const spec = specFromFlags(values, args);
  const s = (await explained(api.post('/api/v1/sessions', { body: spec }))) as SessionView;
  if (values.follow !== true) {
    output(json, s, () => stateLine(s));
    return 0;
  }
  const said = stateLine(s);
  process.stderr.write(terminalSafe(`${said}\n`));
  try {
    // A failure's why is mostly on stderr: follow it beside stdout (one long poll each).
    await Promise.all([
      copyLogs(values, s.id, { stream: 'stdout', offset: 0, follow: true, json, notes: { said } }),
      copyLogs(values, s.id, {
        stream: 'stderr',
        offset: 0,
        follow: true,
        json,
        to: process.stderr,
        notes: false,
      }),
    ]);
  } catch (err) {
    // Ended before it reached a node (cancelled while pending): no output, its end says why.
    if (!(err instanceof ApiError && err.code === 'SESSIONS_ERR_NO_LOGS')) throw err;
  }
  const end = (await api.get('/api/v1/sessions/{id}', { path: { id: s.id } })) as SessionView;
  process.stderr.write(terminalSafe(`${stateLine(end)}\n`));
  return exitCodeOf(end);
};
