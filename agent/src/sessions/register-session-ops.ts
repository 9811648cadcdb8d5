import type { OpTable } from '../commands/op-table.js';
import { execError, hasExecErrorCode } from '../exec/index.js';
import type { AgentSessionStatus } from './agent-session-status.js';
import type { SessionBackend } from './session-backend.js';
import {
  idArgsSchema,
  logsArgsSchema,
  parseOpArgs,
  searchArgsSchema,
  startArgsSchema,
  terminateArgsSchema,
} from './session-op-schemas.js';

/** The session ops this agent adds to its op table. */
export const SESSION_OPS = [
  'session.start',
  'session.pause',
  'session.resume',
  'session.terminate',
  'session.status',
  'session.usage',
  'session.logs',
  'session.search-logs',
  'session.list',
  'session.remove',
] as const;

/**
 * Registers the session ops (docs/sessions.md, "The agent side"): each validates its args
 * (OMEGA_ERR_EXEC_INVALID naming the field) and goes to the backend that runs the session —
 * the cgroup executor, or the Slurm driver for `engine: slurm` — answering the session's status
 * (`session.list`: `{ sessions }`). Answers the undo of all of them.
 */
export function registerSessionOps(
  ops: OpTable,
  backends: { exec?: SessionBackend; slurm?: SessionBackend },
): () => void {
  const all = [backends.exec, backends.slurm].filter((b): b is SessionBackend => b !== undefined);
  const of = (id: string): SessionBackend => {
    const b = all.find((x) => x.has(id));
    if (!b)
      throw execError('OMEGA_ERR_EXEC_NOT_FOUND', `No session "${id}" on this node.`, { sessionId: id });
    return b;
  };
  const id = (op: string, a: unknown) => parseOpArgs(idArgsSchema, op, a).id;
  const undo = [
    ops.register('session.start', (a) => {
      const args = parseOpArgs(startArgsSchema, 'session.start', a);
      const b = backends[args.engine];
      if (!b)
        throw execError(
          'OMEGA_ERR_EXEC_INVALID',
          args.engine === 'slurm'
            ? 'This agent is not a Slurm submit host (start it with --slurm rest|cli).'
            : 'This agent runs no sessions of its own (sessions are off in its configuration).',
        );
      return b.start(args);
    }),
    ops.register('session.pause', (a) => of(id('session.pause', a)).pause(id('session.pause', a))),
    ops.register('session.resume', (a) => of(id('session.resume', a)).resume(id('session.resume', a))),
    ops.register('session.terminate', (a) => {
      const t = parseOpArgs(terminateArgsSchema, 'session.terminate', a);
      return of(t.id).terminate(t.id, t.graceMs, t.reason);
    }),
    ops.register('session.status', (a) => of(id('session.status', a)).status(id('session.status', a))),
    ops.register('session.usage', (a) => of(id('session.usage', a)).usage(id('session.usage', a))),
    ops.register('session.logs', (a, ctx) => {
      const l = parseOpArgs(logsArgsSchema, 'session.logs', a);
      return of(l.id).logs(l, ctx.signal);
    }),
    ops.register('session.search-logs', (a) => {
      const s = parseOpArgs(searchArgsSchema, 'session.search-logs', a);
      return of(s.id).search(s);
    }),
    ops.register('session.list', async () => {
      const sessions: AgentSessionStatus[] = [];
      for (const b of all) sessions.push(...(await b.list()));
      return { sessions };
    }),
    ops.register('session.remove', async (a) => {
      const sid = id('session.remove', a);
      const b = all.find((x) => x.has(sid));
      if (!b) return { removed: false };
      try {
        await b.remove(sid);
      } catch (err) {
        // has() counts a start under way, which the backend does not hold yet: nothing to remove
        if (hasExecErrorCode(err, 'OMEGA_ERR_EXEC_NOT_FOUND')) return { removed: false };
        throw err;
      }
      return { removed: true };
    }),
  ];
  return () => {
    for (const u of undo) u();
  };
}
