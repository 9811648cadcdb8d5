import { parseArgs } from 'node:util';
import { createAgent } from '../agent/create-agent.js';
import { type AgentFlags, loadAgentConfig } from '../config/load-agent-config.js';
import { hasAgentErrorCode } from '../errors/index.js';
import { createAgentLogger } from '../log/create-agent-logger.js';
import { type AgentResources, startAgentResources } from '../resources/start-agent-resources.js';
import { createSessionExtension, type SessionExtension } from '../sessions/index.js';
import { readSpecs } from '../specs/read-specs.js';
import { AGENT_VERSION } from '../version.js';
import { AGENT_OPTIONS, agentHelp } from './agent-options.js';
import { judgeStopSignals, STOP_REPEAT_WINDOW_MS } from './judge-stop-signals.js';

/** Where the CLI writes and what it reads; the process's by default. */
export interface AgentCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Installs signal handlers; answers their removal. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
  /** Leaves at once (a second SIGTERM). */
  exit: (code: number) => void;
  /** A monotonic clock in ms, for the repeat window of {@link judgeStopSignals}. */
  now?: () => number;
  /**
   * Calls `handler` once when the process that started this agent with an IPC channel is gone
   * (`omega start`'s local agent); answers its removal. Absent, or a no-op without a channel.
   */
  onParentGone?: (handler: () => void) => () => void;
}

/** Set by `omega start` (to `ipc`) for its local agent: the IPC channel is the agent's lifeline. */
export const LIFELINE_ENV = 'OMEGA_AGENT_LIFELINE';
const PARENT_GONE = 'the process that started this agent (omega start) is gone; leaving';

const processIo: AgentCliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  onSignal(handler) {
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
    return () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    };
  },
  exit: (code) => process.exit(code),
  now: () => performance.now(),
  onParentGone(handler) {
    // Armed only by `omega start` for its local agent: another fork()-based launcher's channel
    // (pm2's fork mode) is no lifeline. Not passed on to what the agent starts.
    const armed = process.env[LIFELINE_ENV] === 'ipc';
    delete process.env[LIFELINE_ENV];
    if (!armed || typeof process.send !== 'function') return () => {};
    // Gone before this process got here: the channel is closed already and says so no more.
    if (!process.connected) {
      queueMicrotask(handler);
      return () => {};
    }
    process.channel?.unref(); // the channel alone must not keep the agent alive
    process.once('disconnect', handler);
    return () => process.off('disconnect', handler);
  },
};

/**
 * `omega-agent [flags]` (and `omega agent`): resolves the exit code. Bad input is one line on
 * stderr and exit 2; a refusal or an unusable identity one line and exit 1; SIGTERM/SIGINT
 * leave gracefully and exit 0, a second one exits 1 at once — unless it is the one repeat within
 * {@link STOP_REPEAT_WINDOW_MS} of the first (see {@link judgeStopSignals}).
 */
export async function runAgentCli(
  argv: string[],
  program = 'omega-agent',
  io: AgentCliIo = processIo,
): Promise<number> {
  const fail = (message: string, code?: string, exit = 1) => {
    io.stderr(`${program}: ${message}${code ? ` [${code}]` : ''}\n`);
    return exit;
  };
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const parsed = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(
          Object.entries(AGENT_OPTIONS).map(([k, o]) => [
            k,
            o.multiple ? { type: o.type, multiple: true } : { type: o.type },
          ]),
        ),
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
      tokens: true,
    });
    values = parsed.values as typeof values;
    // A value flag given twice kept the last, silently (`--server A --server B` joined B).
    const given = new Set<string>();
    for (const t of parsed.tokens) {
      if (t.kind !== 'option' || t.value === undefined || AGENT_OPTIONS[t.name]?.multiple) continue;
      if (given.has(t.name))
        return fail(`--${t.name} was given twice; give it once (run ${program} --help)`, undefined, 2);
      given.add(t.name);
    }
  } catch (err) {
    return fail(`${(err as Error).message}; run ${program} --help for the options`, undefined, 2);
  }
  if (values.help) {
    io.stdout(`${agentHelp(program)}\n`);
    return 0;
  }
  if (values.version) {
    io.stdout(`omega-agent ${AGENT_VERSION}\n`);
    return 0;
  }
  // `omega start` killed outright (SIGKILL, OOM) cannot forward a stop: its local agent would
  // live on, and meet the next kernel's local agent under the same identity. Armed before the
  // agent is built, so a parent that dies while it starts is heard too.
  let parentGone = false;
  let leaveWithParent: (() => void) | undefined;
  const offParent =
    io.onParentGone?.(() => {
      parentGone = true;
      leaveWithParent?.();
    }) ?? (() => {});
  const flags: AgentFlags = {};
  for (const key of Object.keys(AGENT_OPTIONS)) {
    const v = values[key];
    if (v === undefined || key === 'version' || key === 'config') continue;
    (flags as Record<string, unknown>)[key] = Array.isArray(v)
      ? v.flatMap((x) => x.split(',').map((s) => s.trim())).filter(Boolean)
      : v;
  }
  let agent: ReturnType<typeof createAgent>;
  let logger: ReturnType<typeof createAgentLogger>;
  let config: ReturnType<typeof loadAgentConfig>;
  let sessions: SessionExtension | undefined;
  try {
    config = loadAgentConfig({ file: values.config as string | undefined, env: io.env, flags });
    logger = createAgentLogger({ level: config.log.level });
    const ext = await createSessionExtension({
      dataDir: config.dataDir,
      sessions: config.sessions,
      ...(config.slurm ? { slurm: config.slurm } : {}),
      logger,
    });
    sessions = ext;
    agent = createAgent({
      config,
      logger,
      print: (line) => io.stderr(`${program}: ${line}\n`),
      ops: (table) => ext.register(table),
      readSpecs: ext.readSpecs(() => readSpecs(config.capacity ? { capacity: config.capacity } : {})),
    });
    await ext.attach(agent);
  } catch (err) {
    // Nothing runs yet, but the session store may be open (its timers, its lock): closed before the answer.
    offParent();
    await sessions?.close().catch(() => {});
    if (hasAgentErrorCode(err))
      return fail(err.message, err.code, err.code === 'OMEGA_ERR_AGENT_CONFIG' ? 2 : 1);
    return fail((err as Error).message);
  }
  // A stop of the whole process group (Ctrl-C, systemd's KillMode=control-group) reaches the
  // local agent of `omega start` twice, from the group and forwarded by the kernel: one stop.
  const judge = judgeStopSignals(io.now ?? (() => performance.now()));
  let leaving = false;
  const off = io.onSignal((signal) => {
    const verdict = judge();
    if (verdict === 'repeat') {
      logger.debug({ signal }, 'the same stop again (within the repeat window); still leaving');
      return;
    }
    if (verdict === 'exit') {
      io.stderr(`${program}: second ${signal}, exiting without waiting\n`);
      logger.flush();
      io.exit(1);
      return;
    }
    logger.info({ signal }, 'leaving');
    leaving = true;
    void agent.stop(signal);
  });
  leaveWithParent = () => {
    if (leaving) return; // already leaving on a signal: the parent left after forwarding it
    io.stderr(`${program}: ${PARENT_GONE}\n`);
    logger.info({}, 'parent gone; leaving');
    void agent.stop('parent gone');
  };
  if (parentGone) leaveWithParent();
  let resources: AgentResources | undefined;
  try {
    if (parentGone) return 1; // said so by leaveWithParent
    resources = await startAgentResources(agent, config, logger);
    await agent.run();
    return 0;
  } catch (err) {
    if (hasAgentErrorCode(err)) {
      logger.error({ code: err.code, ...err.extras }, err.message);
      return fail(err.message, err.code);
    }
    logger.error({ err: (err as Error).message }, 'the agent failed');
    return fail((err as Error).message);
  } finally {
    off();
    offParent();
    await resources?.stop().catch(() => {});
    await sessions.close().catch(() => {});
    logger.flush();
  }
}
