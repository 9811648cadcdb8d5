import { join } from 'node:path';
import type { Logger } from 'pino';
import type { OpTable } from '../commands/op-table.js';
import { createExecutor, type EnforcementReport, type Executor } from '../exec/index.js';
import { createSlurmDriver, type SlurmDriver } from '../slurm/index.js';
import type { AgentSpecs } from '../specs/agent-specs.js';
import { createExecBackend } from './exec-backend.js';
import { registerSessionOps } from './register-session-ops.js';
import type { SessionBackend } from './session-backend.js';
import { startSessionReports } from './session-reports.js';
import type { SessionsConfig, SlurmConfig } from './sessions-config.js';
import { createSlurmBackend } from './slurm-backend.js';
import { SlurmJobStore } from './slurm-job-store.js';

/** uids of sessions on an agent running as root, when its configuration names none. */
export const DEFAULT_UID_RANGE: [number, number] = [200_000, 265_535];

/** Where sessions' own working directories go: `sessions.workRoot`, else `<dataDir>-work` (0711). */
export function sessionWorkRoot(dataDir: string, sessions: SessionsConfig): string {
  return sessions.workRoot ?? `${dataDir.replace(/\/+$/, '')}-work`;
}

/** What the agent needs to know to run sessions. */
export interface SessionExtensionOptions {
  dataDir: string;
  sessions: SessionsConfig;
  slurm?: SlurmConfig;
  logger: Logger;
}

/** The agent's session side, plugged into its op table, its specs and its reports. */
export interface SessionExtension {
  /** Adds the `session.*` ops (pass as createAgent's `ops`). */
  register(ops: OpTable): void;
  /** Specs with the node's cgroup enforcement report (`cgroup`), for the node registry and placement. */
  readSpecs(base: () => Promise<AgentSpecs>): () => Promise<AgentSpecs>;
  /** Starts the reports through the agent and adopts sessions a previous agent process left running. */
  attach(agent: { report(topic: string, data: unknown): void; phase(): string }): Promise<void>;
  /** What this node enforces (undefined when sessions are off). */
  enforcement(): EnforcementReport | undefined;
  /** Stops watching; sessions keep running for the next agent process. */
  close(): Promise<void>;
}

/**
 * Creates the executor (cgroups detected and prepared, the supervisor built) unless sessions are
 * off, and the Slurm driver when the agent is a submit host. An executor that cannot be created
 * is logged and left out (the agent still joins; `session.start` then says so).
 */
export async function createSessionExtension(o: SessionExtensionOptions): Promise<SessionExtension> {
  const log = o.logger.child({ part: 'sessions' });
  let executor: Executor | undefined;
  if (o.sessions.enabled) {
    const root = process.getuid?.() === 0;
    const uidRange = o.sessions.uidRange ?? (root ? DEFAULT_UID_RANGE : undefined);
    try {
      executor = await createExecutor({
        dataDir: join(o.dataDir, 'exec'),
        // Session users must reach their working directories: outside the agent's 0700 data dir.
        workRoot: sessionWorkRoot(o.dataDir, o.sessions),
        logger: log,
        cgroup: { mode: o.sessions.cgroupMode, parent: o.sessions.cgroupParent },
        ...(uidRange ? { uidRange } : {}),
        supervisor: o.sessions.supervisor,
      });
    } catch (err) {
      log.error(
        { code: (err as { code?: string }).code, err: (err as Error).message },
        'the session executor could not start; this node runs no sessions',
      );
    }
  }
  let driver: SlurmDriver | undefined;
  let slurm: SessionBackend | undefined;
  if (o.slurm) {
    const s = o.slurm;
    driver = createSlurmDriver({
      mode: s.mode,
      user: s.user,
      ...(s.partition ? { partition: s.partition } : {}),
      ...(s.restUrl ? { restUrl: s.restUrl } : {}),
      ...(s.jwtKeyFile ? { jwtKeyFile: s.jwtKeyFile } : {}),
      ...(s.conf ? { slurmEnv: { SLURM_CONF: s.conf } } : {}),
      ...(s.binDir ? { binDir: s.binDir } : {}),
      ...(s.logDir ? { logDir: s.logDir } : {}),
      logger: log,
    });
    slurm = createSlurmBackend({
      driver,
      store: new SlurmJobStore(join(o.dataDir, 'slurm-sessions.json')),
      workDir: s.workDir,
      pollMs: s.pollMs,
      onError: (err) => log.warn({ err: err.message }, 'polling Slurm failed'),
    });
  }
  const exec = executor ? createExecBackend(executor) : undefined;
  let stopReports: (() => void) | undefined;
  return {
    register(ops) {
      registerSessionOps(ops, { ...(exec ? { exec } : {}), ...(slurm ? { slurm } : {}) });
    },
    readSpecs(base) {
      return async () => {
        const specs = await base();
        return executor ? ({ ...specs, cgroup: executor.report() } as AgentSpecs) : specs;
      };
    },
    async attach(agent) {
      stopReports = startSessionReports({
        backends: [exec, slurm].filter((b): b is SessionBackend => b !== undefined),
        ...(executor ? { executor } : {}),
        ...(driver && o.slurm ? { slurm: { driver, everyMs: o.slurm.nodesEverySec * 1000 } } : {}),
        report: (topic, data) => agent.report(topic, data),
        connected: () => agent.phase() === 'connected',
        onError: (what, err) => log.warn({ what, err: (err as Error).message }, 'a session report failed'),
      });
      if (executor) {
        const adopted = await executor.adopt();
        if (adopted.length > 0)
          log.info(
            { sessions: adopted.map((s) => s.id) },
            'adopted the sessions a previous agent left running',
          );
      }
    },
    enforcement: () => executor?.report(),
    async close() {
      stopReports?.();
      await slurm?.close();
      await exec?.close();
    },
  };
}
