import { httpError } from '@omega/sdk';
import { sessionError } from '../errors/session-errors.js';
import { isTerminal } from '../lifecycle/states.js';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';

/**
 * A read-only command about a session to its node (logs, fresh usage): a new id each time (a
 * read may be repeated), the agent's answer, or the coded error a route answers with.
 */
export async function queryNode(
  rt: SessionsRuntime,
  r: SessionRecord,
  op: string,
  args: Record<string, unknown>,
  timeoutMs: number,
): Promise<unknown> {
  const p = r.status.placement;
  if (!p)
    throw sessionError(
      'SESSIONS_ERR_NO_LOGS',
      `Session ${r.id} is ${r.status.state} and has not reached a node yet.`,
    );
  const id = `${r.id}:${op.replace('session.', '')}:${rt.commands.uniqueSuffix()}`;
  const out = await rt.commands.run(p.node, id, op, { id: r.id, ...args }, timeoutMs);
  if (out.kind === 'result' && out.ok) return out.data;
  if (out.kind === 'result') {
    if (out.code === 'OMEGA_ERR_EXEC_NOT_FOUND' || out.code === 'OMEGA_ERR_SLURM_JOB_NOT_FOUND') {
      // Ended before it ever ran (a start the node refused: a cwd it cannot enter, a missing
      // program): there never was output, and the session's reason says why.
      if (isTerminal(r.status.state) && !r.status.startedAt)
        throw sessionError(
          'SESSIONS_ERR_NO_LOGS',
          `Session ${r.id} ${r.status.state} before it started on ${p.nodeName}, so it has no output: ${r.status.reason}`,
        );
      throw httpError(
        404,
        'OMEGA_ERR_NOT_FOUND',
        `${p.nodeName} no longer has session ${r.id} (its logs were removed).`,
      );
    }
    if (out.code === 'OMEGA_ERR_EXEC_INVALID' || out.code === 'OMEGA_ERR_VALIDATION')
      throw httpError(400, 'OMEGA_ERR_VALIDATION', out.message);
    throw sessionError('SESSIONS_ERR_NODE_REFUSED', `${p.nodeName} refused: ${out.message}`, {
      nodeCode: out.code,
    });
  }
  throw sessionError(
    'SESSIONS_ERR_NODE_UNREACHABLE',
    `${p.nodeName} did not answer (${out.message}); retry later.`,
    { node: p.nodeName },
  );
}
