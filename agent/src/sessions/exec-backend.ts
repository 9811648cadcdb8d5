import type { Executor, SessionSpecInput, SessionStatus } from '../exec/index.js';
import { hasExecErrorCode } from '../exec/index.js';
import type { AgentSessionStatus, LogWindow } from './agent-session-status.js';
import { LIST_ENDED_MS, MAX_LISTED, pause, type SessionBackend } from './session-backend.js';
import type { StartArgs } from './session-op-schemas.js';

/** How often a waiting log read looks for new bytes. */
const LOG_POLL_MS = 200;

/** The executor's status in the kernel's words. */
export function execStatus(s: SessionStatus): AgentSessionStatus {
  return {
    id: s.id,
    engine: 'exec',
    phase: s.phase,
    outcome: s.outcome,
    reason: s.reason,
    message: s.message,
    since: s.since,
    exit: s.exit,
    usage: s.usage,
    enforcement: s.enforcement,
    pauseMethod: s.pauseMethod,
  };
}

/** The executor spec of a `session.start` (placement's pinned cores or CPU cap, memory, pids, disk quota, time limit). */
export function execSpec(a: StartArgs): SessionSpecInput {
  const r = a.resources;
  return {
    id: a.id,
    ...(a.command !== undefined ? { command: a.command, args: a.args } : {}),
    ...(a.script !== undefined ? { script: a.script } : {}),
    env: a.env,
    ...(a.cwd !== undefined ? { cwd: a.cwd } : {}),
    resources: {
      ...(r.cpus ? { cpus: r.cpus, ...(r.mems ? { mems: r.mems } : {}) } : {}),
      ...(r.millicores !== undefined && !r.cpus ? { millicores: r.millicores } : {}),
      memoryBytes: r.memoryBytes,
      ...(r.pidsMax !== undefined ? { pidsMax: r.pidsMax } : {}),
      ...(r.diskBytes !== undefined ? { diskBytes: r.diskBytes } : {}),
    },
    ...(a.timeLimitSec !== undefined ? { timeLimitSec: a.timeLimitSec } : {}),
    enforcement: a.enforcement,
  };
}

/** Sessions run by the agent's cgroup executor (docs/agent-executor.md). */
export function createExecBackend(ex: Executor): SessionBackend {
  const statusOf = (id: string): AgentSessionStatus | null => {
    try {
      return execStatus(ex.status(id));
    } catch {
      return null;
    }
  };
  return {
    engine: 'exec',
    // a session whose start is under way counts: a terminate sent meanwhile waits for it
    has: (id) => ex.has(id),
    async start(a) {
      const known = statusOf(a.id); // a start sent again: it already ran
      if (known) return known;
      try {
        return execStatus(await ex.start(execSpec(a)));
      } catch (err) {
        if (hasExecErrorCode(err, 'OMEGA_ERR_EXEC_EXISTS')) return execStatus(ex.status(a.id));
        throw err;
      }
    },
    async pause(id) {
      const s = ex.status(id);
      return execStatus(s.phase === 'paused' ? s : await ex.pause(id));
    },
    async resume(id) {
      const s = ex.status(id);
      return execStatus(s.phase === 'running' ? s : await ex.resume(id));
    },
    async terminate(id, graceMs, reason) {
      return execStatus(
        await ex.terminate(id, {
          ...(graceMs !== undefined ? { graceMs } : {}),
          ...(reason ? { reason } : {}),
        }),
      );
    },
    status: async (id) => execStatus(ex.status(id)),
    usage: (id) => ex.usage(id),
    async logs(a, signal) {
      const deadline = Date.now() + a.waitMs;
      for (;;) {
        const c = await ex.logs(a.id, { stream: a.stream, offset: a.offset, limit: a.limit });
        const window: LogWindow = {
          stream: a.stream,
          offset: c.offset,
          nextOffset: c.nextOffset,
          data: c.data.toString('base64'),
          skippedBytes: c.skippedBytes,
          startOffset: c.startOffset,
          endOffset: c.endOffset,
          ended: c.ended,
        };
        if (c.data.length > 0 || c.skippedBytes > 0 || c.ended || Date.now() >= deadline || signal.aborted)
          return window;
        await pause(Math.min(LOG_POLL_MS, deadline - Date.now()), signal);
      }
    },
    async search(a) {
      const r = await ex.searchLogs(a.id, {
        stream: a.stream,
        pattern: a.pattern,
        regex: a.regex,
        fromOffset: a.fromOffset,
        maxMatches: a.maxMatches,
      });
      return {
        ...r,
        matches: r.matches.map((m) => ({
          offset: m.offset,
          line: m.line.toString('base64'),
          lineTruncated: m.lineTruncated,
        })),
        encoding: 'base64',
      };
    },
    async list() {
      const recent = Date.now() - LIST_ENDED_MS;
      return ex
        .list()
        .filter((s) => s.phase !== 'ended' || Date.parse(s.endedAt ?? s.since) > recent)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
        .slice(0, MAX_LISTED)
        .map(execStatus);
    },
    remove: (id) => ex.remove(id),
    onState(cb) {
      return ex.on('state', (e) => {
        try {
          cb(execStatus(ex.status(e.id)));
        } catch {
          // removed meanwhile
        }
      });
    },
    close: () => ex.close(),
  };
}
