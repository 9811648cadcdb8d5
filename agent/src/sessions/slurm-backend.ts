import { execError } from '../exec/index.js';
import {
  hasSlurmErrorCode,
  type SlurmDriver,
  type SlurmJobSpec,
  type SlurmJobStatus,
} from '../slurm/index.js';
import type { AgentSessionStatus } from './agent-session-status.js';
import { LIST_ENDED_MS, MAX_LISTED, pause, type SessionBackend } from './session-backend.js';
import type { StartArgs } from './session-op-schemas.js';
import type { SlurmJobStore } from './slurm-job-store.js';
import { slurmStatus } from './slurm-status.js';

/** How often a waiting log read, or a pause/cancel waiting for Slurm, looks again. */
const POLL_MS = 250;
/** How long pause, resume and cancel wait for Slurm to show the new state. */
const SETTLE_MS = 10_000;

/** The Slurm job spec of a `session.start`: whole cores, memory in MiB, GPUs, minutes, partition. */
export function slurmSpec(a: StartArgs, workDir: string): SlurmJobSpec {
  const r = a.resources;
  const script =
    a.script === undefined ? undefined : a.script.startsWith('#!') ? a.script : `#!/bin/sh\n${a.script}\n`;
  return {
    ...(a.command !== undefined ? { command: a.command, args: a.args } : {}),
    ...(script !== undefined ? { script } : {}),
    env: a.env,
    cwd: a.cwd ?? workDir,
    cores: r.cores ?? Math.max(1, Math.ceil((r.millicores ?? 1000) / 1000)),
    memoryMiB: Math.ceil(r.memoryBytes / 2 ** 20),
    ...(r.gpus > 0 ? { gpus: r.gpus } : {}),
    ...(a.timeLimitSec !== undefined
      ? { timeLimitMinutes: Math.max(1, Math.ceil(a.timeLimitSec / 60)) }
      : {}),
    name: a.name.replace(/[^A-Za-z0-9._+@-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'omega',
    ...(a.partition !== undefined ? { partition: a.partition } : {}),
  };
}

/** Options of {@link createSlurmBackend}. */
export interface SlurmBackendOptions {
  driver: SlurmDriver;
  store: SlurmJobStore;
  /** Working directory of jobs that name none (on a file system the compute nodes share). */
  workDir: string;
  /** How often Slurm's job list is polled for changes. */
  pollMs: number;
  onError: (err: Error) => void;
}

/**
 * Sessions submitted to Slurm through the agent's Slurm driver (docs/slurm.md): start = submit,
 * pause/resume = `scontrol suspend|resume`, terminate = cancel, logs = the job's output files,
 * state changes from polling Slurm's job list. A job Slurm forgot answers its last status.
 */
export function createSlurmBackend(o: SlurmBackendOptions): SessionBackend {
  const { driver, store } = o;
  const listeners = new Set<(s: AgentSessionStatus) => void>();
  const entry = (id: string) => {
    const e = store.get(id);
    if (!e)
      throw execError('OMEGA_ERR_EXEC_NOT_FOUND', `No Slurm session "${id}" on this agent.`, {
        sessionId: id,
      });
    return e;
  };
  const remember = (id: string, s: SlurmJobStatus): AgentSessionStatus => {
    const e = entry(id);
    const before = JSON.stringify([e.phase, e.last?.outcome, e.last?.slurm?.state, e.last?.slurm?.reason]);
    const status = slurmStatus(id, s, e);
    e.last = status;
    if (JSON.stringify([e.phase, status.outcome, status.slurm?.state, status.slurm?.reason]) !== before) {
      store.put(id, e);
      for (const l of listeners) l(status);
    }
    return status;
  };
  const status = async (id: string): Promise<AgentSessionStatus> => {
    const e = entry(id);
    try {
      return remember(id, await driver.status(e.jobId));
    } catch (err) {
      if (e.last && hasSlurmErrorCode(err, 'OMEGA_ERR_SLURM_JOB_NOT_FOUND')) return e.last;
      throw err;
    }
  };
  /** Polls the job's status until `done` holds (or the settle time passed); answers the last status. */
  const settle = async (
    id: string,
    done: (s: AgentSessionStatus) => boolean,
  ): Promise<AgentSessionStatus> => {
    const end = Date.now() + SETTLE_MS;
    for (;;) {
      const s = await status(id);
      if (done(s) || Date.now() >= end) return s;
      await pause(POLL_MS, AbortSignal.timeout(POLL_MS));
    }
  };
  const stopWatch = driver.watch(
    (change) => {
      const id = store.sessionOf(change.jobId);
      if (id) remember(id, change.status);
    },
    { intervalMs: o.pollMs, onError: o.onError },
  );
  return {
    engine: 'slurm',
    has: (id) => store.get(id) !== undefined,
    async start(a) {
      if (store.get(a.id)) return status(a.id);
      const { jobId } = await driver.submit(slurmSpec(a, o.workDir));
      store.put(a.id, { jobId, submittedAt: new Date().toISOString() });
      return status(a.id);
    },
    async pause(id) {
      const s = await status(id);
      if (s.phase !== 'paused') await driver.suspend(entry(id).jobId);
      return settle(id, (x) => x.phase !== 'running');
    },
    async resume(id) {
      const s = await status(id);
      if (s.phase === 'paused') await driver.resume(entry(id).jobId);
      return settle(id, (x) => x.phase !== 'paused');
    },
    async terminate(id) {
      const e = entry(id);
      if (!e.cancelRequested) store.put(id, { ...e, cancelRequested: true });
      await driver.cancel(e.jobId);
      return settle(id, (x) => x.phase === 'ended');
    },
    status,
    usage: async () => null,
    async logs(a, signal) {
      const e = entry(a.id);
      const deadline = Date.now() + a.waitMs;
      for (;;) {
        const c = await driver.logs(e.jobId, { stream: a.stream, offset: a.offset, limit: a.limit });
        if (c.data.length > 0 || c.eof || Date.now() >= deadline || signal.aborted)
          return {
            stream: a.stream,
            offset: c.offset,
            nextOffset: c.nextOffset,
            data: c.data.toString('base64'),
            skippedBytes: 0,
            startOffset: 0,
            endOffset: c.size,
            ended: c.eof,
          };
        await pause(Math.min(POLL_MS * 2, deadline - Date.now()), signal);
      }
    },
    async search() {
      throw execError(
        'OMEGA_ERR_EXEC_INVALID',
        'Searching the output of Slurm jobs is not supported; download it instead.',
      );
    },
    async list() {
      const recent = Date.now() - LIST_ENDED_MS;
      const out: AgentSessionStatus[] = [];
      for (const id of store.ids()) {
        const e = store.get(id)!;
        if (e.phase === 'ended' && Date.parse(e.since ?? e.submittedAt) < recent) continue;
        out.push(e.last ?? (await status(id).catch(() => undefined)) ?? ({} as AgentSessionStatus));
      }
      return out.filter((s) => s.id !== undefined).slice(0, MAX_LISTED);
    },
    async remove(id) {
      store.delete(id);
    },
    onState(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async close() {
      stopWatch();
      listeners.clear();
    },
  };
}
