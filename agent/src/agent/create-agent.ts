import { join } from 'node:path';
import type { KernelMessage } from '@omega/protocol/agent-wire';
import type { Logger } from 'pino';
import { registerBuiltinOps } from '../commands/builtin-ops.js';
import { createCommandDispatcher } from '../commands/command-dispatcher.js';
import { openCommandJournal } from '../commands/command-journal.js';
import { createOpTable, type OpTable } from '../commands/op-table.js';
import type { AgentConfig } from '../config/agent-config-schema.js';
import { createBackoff, jittered, retryAfterWait } from '../connection/backoff.js';
import { connectUrl, isLoopbackUrl } from '../connection/connect-url.js';
import { type AgentSession, isTransientRefusal, openSession } from '../connection/open-session.js';
import { agentError, hasAgentErrorCode } from '../errors/index.js';
import { createLoadSampler, type LoadSampler } from '../heartbeat/load-summary.js';
import { loadOrCreateIdentity } from '../identity/agent-identity.js';
import { type AgentState, readAgentState, writeAgentState } from '../identity/agent-state.js';
import type { AgentSpecs } from '../specs/agent-specs.js';
import { readSpecs } from '../specs/read-specs.js';
import { AGENT_VERSION } from '../version.js';
import { sleep } from './sleep.js';
import { type Discovery, startDiscovery } from './wait-for-invitation.js';

/** Where the agent is in its life. */
export type AgentPhase =
  | 'starting'
  | 'discovering'
  | 'connecting'
  | 'connected'
  | 'waiting'
  | 'stopping'
  | 'stopped';

/** Options of {@link createAgent}. */
export interface AgentOptions {
  config: AgentConfig;
  logger: Logger;
  /** Lines for the operator (stderr in the CLI): the key fingerprint, what the agent waits for. */
  print?: (line: string) => void;
  /** Called with the op table before the first connection (the session executor adds its ops here). */
  ops?: (table: OpTable) => void;
  /** Reads the machine's specs (default {@link readSpecs} with the configured capacity). */
  readSpecs?: () => Promise<AgentSpecs>;
  /** Samples the heartbeat's load (default /proc through @omega/hostinfo). */
  load?: LoadSampler;
}

/** A running node agent. */
export interface Agent {
  /** base64url SHA-256 of the identity key. */
  readonly fingerprint: string;
  readonly ops: OpTable;
  /** The node id once joined. */
  node(): string | undefined;
  phase(): AgentPhase;
  /** The kernel URL the agent joined (or is configured to join). */
  server(): string | undefined;
  /** Sends a `report` (≤ 64 KiB of JSON); queued while disconnected (the last 1,000). */
  report(topic: string, data: unknown): void;
  /** Runs until stopped (resolves) or refused for good (rejects with the coded error). */
  run(): Promise<void>;
  /** Graceful leave: `leave`, then close; commands in flight are aborted. */
  stop(reason: string): Promise<void>;
}

/** Largest `report` data. */
export const MAX_REPORT_BYTES = 64 * 1024;
const MAX_QUEUED_REPORTS = 1000;
/** Failed connects an invited join makes (back-off 1 s, 2 s between them) before it gives the invitation up. */
const INVITED_JOIN_ATTEMPTS = 3;

/**
 * The agent: identity from the data dir (created on first start), then join (token), resume
 * (joined before) or discovery (neither), and a session loop that reconnects with back-off when
 * the kernel is unreachable, refused for a while, or silent for 3 × heartbeatMs. Per session:
 * `specs` at once and on change, heartbeats every heartbeatMs ± 10 % with the load summary,
 * commands through the op table and the journal, reports.
 */
export function createAgent(o: AgentOptions): Agent {
  const { config, logger: log } = o;
  const print = o.print ?? (() => {});
  const identity = loadOrCreateIdentity(config.dataDir);
  let state: AgentState | undefined = readAgentState(config.dataDir);
  const journal = openCommandJournal(join(config.dataDir, 'commands.jsonl'));
  const ops = createOpTable();
  const specsOf =
    o.readSpecs ?? (() => readSpecs({ ...(config.capacity ? { capacity: config.capacity } : {}) }));
  registerBuiltinOps(ops, specsOf);
  o.ops?.(ops);
  const load = o.load ?? createLoadSampler();

  let phase: AgentPhase = 'starting';
  let current: AgentSession | undefined;
  let discovery: Discovery | undefined;
  const stopping = new AbortController();
  let stopReason = 'stopped';
  const reports: Array<{ topic: string; data: unknown }> = [];
  let hbCounter = 0;

  const dispatcher = createCommandDispatcher({
    ops,
    journal,
    log,
    send: (id, outcome) => {
      current?.send({ k: 'result', id, ...outcome });
    },
  });

  /** One authenticated session, until it ends. */
  const runSession = async (session: AgentSession, specs: AgentSpecs): Promise<{ healthy: boolean }> => {
    current = session;
    phase = 'connected';
    const hb = session.welcome.heartbeatMs;
    let healthy = false;
    let lastSpecs = JSON.stringify(specs);
    session.send({ k: 'specs', specs });
    for (const r of reports.splice(0)) session.send({ k: 'report', ...r });
    session.onFrame((f: KernelMessage) => {
      if (f.k === 'hback') healthy = true;
      else if (f.k === 'cmd') dispatcher.handle(f);
      else if (f.k === 'close')
        log.info({ code: f.code, reason: f.reason }, 'the kernel is closing this session');
    });
    let hbTimer: NodeJS.Timeout | undefined;
    const beat = () => {
      hbCounter++;
      session.send({ k: 'hb', n: hbCounter, t: Date.now(), load: load.sample() });
      hbTimer = setTimeout(beat, jittered(hb, 0.1));
    };
    hbTimer = setTimeout(beat, jittered(hb, 0.1));
    const watch = setInterval(
      () => {
        const silent = performance.now() - session.lastHeardAt();
        if (silent > 3 * hb) {
          log.warn({ silentMs: Math.round(silent), heartbeatMs: hb }, 'the kernel is silent; reconnecting');
          session.terminate(
            agentError(
              'OMEGA_ERR_AGENT_UNREACHABLE',
              `Nothing heard from the kernel for ${Math.round(silent)} ms.`,
            ),
          );
        }
      },
      Math.max(100, Math.min(1000, hb / 4)),
    );
    const specsTimer = setInterval(() => {
      specsOf().then(
        (next) => {
          const json = JSON.stringify(next);
          if (json !== lastSpecs && current === session) {
            lastSpecs = json;
            session.send({ k: 'specs', specs: next });
            log.info('specs changed; sent');
          }
        },
        (err: Error) => log.warn({ err: err.message }, 'reading specs failed'),
      );
    }, config.specsIntervalSec * 1000);
    const end = await session.ended;
    clearTimeout(hbTimer);
    clearInterval(watch);
    clearInterval(specsTimer);
    current = undefined;
    log.info(
      { code: end.code, reason: end.reason || undefined, ...(end.error ? { error: end.error.code } : {}) },
      'session ended',
    );
    return { healthy };
  };

  /**
   * Connects to `server` until stopped; resolves 'rediscover' when an invited join was refused,
   * or failed {@link INVITED_JOIN_ATTEMPTS} times (an invitation from anyone on the LAN naming a
   * kernel that never answers must not hold the one-use approval listener for ever).
   */
  const connectLoop = async (target: {
    server: string;
    token?: string;
    certSha256?: string;
    invited: boolean;
  }): Promise<'stopped' | 'rediscover'> => {
    const backoff = createBackoff();
    let invitedFailures = 0;
    const url = connectUrl(target.server);
    if (!state && url.protocol === 'ws:' && !isLoopbackUrl(url)) {
      log.warn(
        { server: target.server },
        'joining over plain http: the join token crosses the network in clear (the session itself is authenticated); prefer https with a pinned certificate',
      );
    }
    while (!stopping.signal.aborted) {
      phase = 'connecting';
      const specs = await specsOf();
      const mode = state ? 'resume' : 'join';
      let session: AgentSession;
      try {
        session = await openSession({
          server: target.server,
          ...(target.certSha256 ? { certSha256: target.certSha256 } : {}),
          identity,
          ...(state ? { pinnedKernelKeys: state.kernelKeys.map((k) => k.publicKey) } : {}),
          hello: {
            mode,
            ...(state ? { node: state.node } : { token: target.token }),
            name: config.name!,
            specs,
            agentVersion: AGENT_VERSION,
          },
        });
      } catch (err) {
        const e = hasAgentErrorCode(err)
          ? err
          : agentError('OMEGA_ERR_AGENT_UNREACHABLE', (err as Error).message);
        if (stopping.signal.aborted) break;
        let wait: number;
        if (e.code === 'OMEGA_ERR_AGENT_REFUSED' && isTransientRefusal(e)) {
          // retryAfterSec, plus up to as long again: agents refused together (a restart storm
          // past the kernel's handshake bound) must not all come back in the same second.
          wait =
            typeof e.extras.retryAfterSec === 'number'
              ? retryAfterWait(e.extras.retryAfterSec)
              : backoff.next();
        } else if (e.code === 'OMEGA_ERR_AGENT_REFUSED' && target.invited && mode === 'join') {
          log.error({ kernelCode: e.extras.kernelCode }, `${e.message} Waiting for another invitation.`);
          return 'rediscover';
        } else if (
          target.invited &&
          mode === 'join' &&
          (e.code === 'OMEGA_ERR_AGENT_CERT_MISMATCH' || ++invitedFailures >= INVITED_JOIN_ATTEMPTS)
        ) {
          log.error(
            { code: e.code, server: target.server },
            `${e.message} Giving up this invitation; waiting for another.`,
          );
          return 'rediscover';
        } else if (
          e.code === 'OMEGA_ERR_AGENT_REFUSED' ||
          e.code === 'OMEGA_ERR_AGENT_KERNEL_KEY' ||
          e.code === 'OMEGA_ERR_AGENT_CERT_MISMATCH' ||
          e.code === 'OMEGA_ERR_AGENT_CONFIG'
        ) {
          throw e;
        } else {
          wait = backoff.next();
        }
        phase = 'waiting';
        log.warn({ code: e.code, retryInMs: wait }, `${e.message} Retrying.`);
        await sleep(wait, stopping.signal);
        continue;
      }
      if (!state) {
        state = {
          version: 1,
          node: session.welcome.node,
          name: session.welcome.name,
          server: target.server,
          kernelKeys: session.kernelKeys,
          ...(target.certSha256 ? { certSha256: target.certSha256 } : {}),
          joinedAt: new Date().toISOString(),
        };
        writeAgentState(config.dataDir, state);
        log.info({ node: state.node, name: state.name, server: state.server }, 'joined');
        print(`joined ${target.server} as node ${state.node} (${state.name})`);
        if (discovery) {
          // Joined: no longer a candidate. mDNS goodbyes, and the approval listener closes.
          const ended = discovery;
          discovery = undefined;
          void ended.stop().then(
            () => log.info('stopped announcing on mDNS; the approval listener is closed'),
            (err: Error) => log.warn({ err: err.message }, 'stopping discovery failed'),
          );
        }
      } else {
        const pinned = (keys: Array<{ publicKey: string }>) =>
          keys
            .map((k) => k.publicKey)
            .sort()
            .join();
        const rotated = pinned(session.kernelKeys) !== pinned(state.kernelKeys);
        if (rotated || target.server !== state.server || target.certSha256 !== state.certSha256) {
          const { certSha256: _old, ...rest } = state;
          state = {
            ...rest,
            server: target.server,
            kernelKeys: session.kernelKeys,
            ...(target.certSha256 ? { certSha256: target.certSha256 } : {}),
          };
          writeAgentState(config.dataDir, state);
          if (rotated)
            log.info(
              { kids: session.kernelKeys.map((k) => k.kid) },
              'kernel keys rotated; pinned the new set',
            );
        }
        log.info({ node: state.node, heartbeatMs: session.welcome.heartbeatMs }, 'connected');
      }
      if (stopping.signal.aborted) {
        await leave(session);
        break;
      }
      const { healthy } = await runSession(session, specs);
      if (healthy) backoff.reset();
      if (stopping.signal.aborted) break;
      const wait = backoff.next();
      phase = 'waiting';
      log.info({ retryInMs: wait }, 'reconnecting');
      await sleep(wait, stopping.signal);
    }
    return 'stopped';
  };

  /** Sends `leave` and waits (at most 5 s) for the kernel to close. */
  const leave = async (session: AgentSession) => {
    if (session.send({ k: 'leave', reason: stopReason })) {
      const timer = setTimeout(() => session.terminate(), 5000);
      await session.ended;
      clearTimeout(timer);
    } else {
      session.terminate();
    }
  };

  let runPromise: Promise<void> | undefined;
  const run = async () => {
    print(`version ${AGENT_VERSION}, node "${config.name}", identity key SHA-256 ${identity.fingerprint}`);
    const stopLoad = load.start();
    try {
      for (;;) {
        if (stopping.signal.aborted) return;
        if (state) {
          // The pinned kernel keys say which kernel this is, wherever it now listens: a server
          // given in the config wins over the URL joined at (a kernel that moved, or a new port).
          const server = config.server ?? state.server;
          if (server !== state.server) {
            log.info({ joined: state.server, now: server }, 'resuming at the configured kernel URL');
          }
          const pin = config.certSha256 ?? state.certSha256;
          await connectLoop({ server, ...(pin ? { certSha256: pin } : {}), invited: false });
          return;
        }
        if (config.server && config.joinToken) {
          await connectLoop({
            server: config.server,
            token: config.joinToken,
            ...(config.certSha256 ? { certSha256: config.certSha256 } : {}),
            invited: false,
          });
          return;
        }
        if (!config.discovery.enabled) {
          throw agentError(
            'OMEGA_ERR_AGENT_NOT_JOINED',
            'No identity in the data directory, no --server and --join-token, and discovery is off.',
          );
        }
        phase = 'discovering';
        discovery ??= await startDiscovery(config, identity, await specsOf(), log);
        print(
          `waiting for approval: announced as "${config.name}" on mDNS (_omega-agent._tcp), invitations on port ${discovery.listener.port}; compare the fingerprint above with the kernel's pending list`,
        );
        const invitation = await Promise.race([
          discovery.next(),
          new Promise<undefined>((r) =>
            stopping.signal.addEventListener('abort', () => r(undefined), { once: true }),
          ),
        ]);
        if (!invitation) return;
        const outcome = await connectLoop({
          server: invitation.server,
          token: invitation.token,
          ...(invitation.certSha256 ? { certSha256: invitation.certSha256 } : {}),
          invited: true,
        });
        if (outcome === 'rediscover') {
          discovery?.listener.reopen();
          continue;
        }
        return;
      }
    } finally {
      stopLoad();
      if (discovery) await discovery.stop().catch(() => {});
      discovery = undefined;
      phase = 'stopped';
    }
  };

  return {
    fingerprint: identity.fingerprint,
    ops,
    node: () => state?.node,
    phase: () => phase,
    server: () => state?.server ?? config.server,
    report(topic, data) {
      const size = JSON.stringify(data ?? null).length;
      if (size > MAX_REPORT_BYTES) {
        throw agentError(
          'OMEGA_ERR_AGENT_PROTOCOL',
          `A report of ${size} bytes exceeds ${MAX_REPORT_BYTES}.`,
        );
      }
      if (current?.send({ k: 'report', topic, data })) return;
      reports.push({ topic, data });
      if (reports.length > MAX_QUEUED_REPORTS) reports.shift();
    },
    run() {
      runPromise ??= run().finally(async () => {
        await dispatcher.stop();
        journal.close();
      });
      return runPromise;
    },
    async stop(reason) {
      if (stopping.signal.aborted) return runPromise?.catch(() => {});
      stopReason = reason;
      phase = 'stopping';
      stopping.abort();
      const session = current;
      if (session) await leave(session);
      await runPromise?.catch(() => {});
    },
  };
}
